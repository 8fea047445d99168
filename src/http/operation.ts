import type { IncomingHttpHeaders } from 'node:http';
import type { DatabasePool, CommonQueryMethods } from 'slonik';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Queries } from '../queries.ts';
import type { operations } from '../generated/api.ts';
import type { Upload } from './upload.ts';

export type OperationId = keyof operations;

type Parameters<Op extends OperationId> = operations[Op]['parameters'];
type Part<P, K extends string> = K extends keyof P ? (undefined extends P[K] ? Exclude<P[K], undefined> | Record<string, never> : P[K]) : Record<string, never>;

type JsonContent<T> = T extends { content: { 'application/json': infer Body } }
  ? Body
  : T extends { content: { 'multipart/form-data': infer Form } }
    ? Form
    : undefined;
export type RequestBody<Op extends OperationId> = operations[Op] extends { requestBody: infer B }
  ? JsonContent<B>
  : operations[Op] extends { requestBody?: infer B }
    ? JsonContent<B> | undefined
    : undefined;

type Responses<Op extends OperationId> = operations[Op]['responses'];
type SuccessStatus<Op extends OperationId> = Extract<keyof Responses<Op>, 200 | 201 | 202 | 204>;

/** What a handler answers: a success status of its operation with that status's typed body. */
export type Reply<Op extends OperationId> = {
  [S in SuccessStatus<Op>]: {
    status: S;
    body: JsonContent<Responses<Op>[S]>;
    headers?: Record<string, string>;
  };
}[SuccessStatus<Op>];

/** Everything an operation's handler gets: the validated request and the services it may use. */
export type OperationContext<Op extends OperationId> = {
  operationId: Op;
  path: Part<Parameters<Op>, 'path'>;
  query: Part<Parameters<Op>, 'query'>;
  headers: IncomingHttpHeaders;
  body: RequestBody<Op>;
  requestId: string;
  /** The client's address (honouring TRUST_PROXY), for per-client throttling. */
  clientIp: string;
  log: Logger;
  config: Config;
  /** The owner-free pool, for operations that act before a user is known (sign-up, sign-in, probes). */
  pool: DatabasePool;
  /** The statement file of a multipart request, on disk. */
  upload: Upload | undefined;
};

/** An answer written progressively (exports) inside the request's transaction, not validated as JSON. */
export type StreamReply = {
  status: 200;
  headers: Record<string, string>;
  stream: (out: NodeJS.WritableStream) => Promise<void>;
};

/** An authenticated operation's context: the caller, and a connection whose session names them for RLS. */
export type UserContext<Op extends OperationId> = OperationContext<Op> & {
  userId: string;
  db: CommonQueryMethods;
  /** The features' queries, bound to `db` and `userId`. */
  q: Queries;
  /**
   * Work that follows the request's change but is no part of it (compaction): it runs once the
   * change has committed, in a transaction of its own as the caller, before the answer goes out.
   * If it fails, the change stands, and the failure is logged.
   */
  afterCommit: (task: (q: Queries) => Promise<void>) => void;
};

/** A public operation (the contract's `security: []`): it acts before any user is known. */
export type PublicHandler<Op extends OperationId> = (context: OperationContext<Op>) => Promise<Reply<Op>>;

/** An authenticated operation. */
export type Handler<Op extends OperationId> = (context: UserContext<Op>) => Promise<Reply<Op> | StreamReply>;

/**
 * How an operation runs, declared next to its handler and honoured by one dispatcher
 * (http/dispatch.ts):
 * - `public`: no caller, the owner-free pool;
 * - `read`: one connection naming the caller, no transaction. `replica` lets the read be answered
 *   by the read replica when one is configured (DATABASE_READ_URL), so up to its replay lag behind
 *   the primary: for JSON answers that may be a moment old and that look up nothing by an id a
 *   client may just have created (db/read-replica.ts);
 * - `write`: one transaction naming the caller, with the Idempotency-Key stored in it when the
 *   contract declares that header. `singleStatement` says, from the request body, when the
 *   handler's change is exactly one SQL statement: then, without an Idempotency-Key, it runs
 *   without BEGIN/COMMIT (a statement is atomic on its own; reads may come before and after it),
 *   and a second statement that may change data fails loudly before it runs.
 */
export type OperationEntry<Op extends OperationId> =
  | { access: 'public'; run: PublicHandler<Op> }
  | { access: 'read'; run: Handler<Op>; replica?: boolean }
  | { access: 'write'; run: Handler<Op>; singleStatement?: (body: RequestBody<Op>) => boolean };

export type Access = OperationEntry<OperationId>['access'];

/** A feature's operation table: each of its operationIds with its entry. */
export type Operations<Ops extends OperationId> = { [Op in Ops]: OperationEntry<Op> };
