// Every create that the contract lets carry an Idempotency-Key gets one, so a retry (ours or the
// caller's, with the same key) is applied once. The list is checked against the generated types:
// a new create in the contract that is missing here fails to compile.
import type { Middleware } from 'openapi-fetch';
import type { paths } from '../generated/api.ts';
import type { PathsWith } from './types.ts';

type HeadersOf<Operation> = Operation extends { parameters: { header?: infer Headers } } ? NonNullable<Headers> : never;
type TakesIdempotencyKey<Operation> = [HeadersOf<Operation>] extends [never]
  ? false
  : 'Idempotency-Key' extends keyof HeadersOf<Operation>
    ? true
    : false;

/** The POSTs whose contract declares the `Idempotency-Key` header. */
export type IdempotentCreatePath = {
  [Path in PathsWith<'post'>]: TakesIdempotencyKey<paths[Path]['post']> extends true ? Path : never;
}[PathsWith<'post'>];

export const idempotentCreatePaths = [
  '/v1/accounts',
  '/v1/accounts/{id}/imports',
  '/v1/categories',
  '/v1/transactions',
  '/v1/transactions/batch',
  '/v1/rules',
  '/v1/transfers',
  '/v1/budgets',
] as const satisfies readonly IdempotentCreatePath[];

// Fails to compile, naming the path, when the contract gains a create this list lacks.
type Expect<Missing extends never> = Missing;
export type EveryCreateListed = Expect<Exclude<IdempotentCreatePath, (typeof idempotentCreatePaths)[number]>>;

const creates: ReadonlySet<string> = new Set(idempotentCreatePaths);

/** Adds a fresh `Idempotency-Key` to a create the caller sent without one. */
export function idempotencyKeys(newKey: () => string = () => crypto.randomUUID()): Middleware {
  return {
    onRequest({ request, schemaPath }) {
      if (request.method !== 'POST' || !creates.has(schemaPath) || request.headers.has('idempotency-key')) return undefined;
      request.headers.set('Idempotency-Key', newKey());
      return request;
    },
  };
}
