// The call signatures of the client: openapi-fetch's, except that a call resolves only on
// success (errors are thrown as ProblemError), so `data` is the success body, not `T | undefined`.
import type { FetchResponse, MaybeOptionalInit } from 'openapi-fetch';
import type { paths } from '../generated/api.ts';

export type { components, operations, paths } from '../generated/api.ts';

export type HttpMethod = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** The paths that have an operation for `method`, e.g. PathsWith<'post'> includes '/v1/accounts'. */
export type PathsWith<Method extends HttpMethod> = {
  [Path in keyof paths]: paths[Path] extends { [M in Method]: object } ? Path : never;
}[keyof paths];

/** The second argument of a call to `method` on `path`: params (path, query, header) and body. */
export type CallInit<Path extends keyof paths, Method extends HttpMethod> = MaybeOptionalInit<paths[Path], Method>;

// As openapi-fetch has it (not exported there): the init is optional unless something in it is required.
type RequiredKeysOf<T> = { [K in keyof T]: object extends Pick<T, K> ? never : K }[keyof T];
export type InitArgument<Init> =
  RequiredKeysOf<Init> extends never ? [(Init & { [key: string]: unknown })?] : [Init & { [key: string]: unknown }];

type SuccessOf<Answer> = Answer extends { data: infer Data; error?: never } ? Data : never;

/** What a successful call resolves to: the parsed body and the Response (for headers such as ETag). */
export type Success<Path extends keyof paths, Method extends HttpMethod, Init> = {
  data: SuccessOf<FetchResponse<paths[Path][Method] & object, Init, `${string}/${string}`>>;
  response: Response;
};

export type ClientMethod<Method extends HttpMethod> = <Path extends PathsWith<Method>, Init extends CallInit<Path, Method>>(
  url: Path,
  ...init: InitArgument<Init>
) => Promise<Success<Path, Method, Init>>;

type JsonBodyOf200<Path extends PathsWith<'get'>> = paths[Path]['get'] extends {
  responses: { 200: { content: { 'application/json': infer Body } } };
}
  ? Body
  : never;

/** The lists that page with `next_cursor`: '/v1/transactions', '/v1/accounts', … */
export type PagedPath = {
  [Path in PathsWith<'get'>]: JsonBodyOf200<Path> extends { data: unknown[]; next_cursor: string | null } ? Path : never;
}[PathsWith<'get'>];

/** One page of a paged list, as the API answers it. */
export type PageOf<Path extends PagedPath> = JsonBodyOf200<Path>;

/** One item of a paged list: PageItem<'/v1/transactions'> is a Transaction. */
export type PageItem<Path extends PagedPath> = JsonBodyOf200<Path> extends { data: (infer Item)[] } ? Item : never;
