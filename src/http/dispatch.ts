import type { Context, OpenAPIBackend } from 'openapi-backend';
import type { Request, Response } from 'express';
import type { CommonQueryMethods, DatabasePool } from 'slonik';
import { readPreferringReplica } from '../db/read-replica.ts';
import { readAsUser, writeAsUser, writeOnceAsUser } from '../db/user-scope.ts';
import { nameOperation } from '../observability/request-metrics.ts';
import { queriesFor, type Queries } from '../queries.ts';
import type { AppServices } from '../services.ts';
import type { Caller } from './auth.ts';
import { clientAddressOf } from './client-address.ts';
import type { OperationFacts } from './contract.ts';
import { answerFromStoredKey, idempotent, KeyMayHoldAnswer } from './idempotency.ts';
import type { OperationContext, OperationEntry, OperationId, StreamReply, UserContext } from './operation.ts';
import { problems } from './problems.ts';
import { uploadOf } from './upload.ts';

type Answer = { status: number; body?: unknown; headers?: Record<string, string>; stream?: StreamReply['stream'] };

/** The validated request and the services, as every handler receives them. */
function operationContext(operationId: OperationId, context: Context, request: Request, services: AppServices): OperationContext<OperationId> {
  return {
    operationId,
    path: context.request.params as never,
    query: context.request.query as never,
    headers: request.headers,
    body: context.request.requestBody as never,
    requestId: request.id,
    clientIp: clientAddressOf(request),
    log: request.log,
    config: services.config,
    pool: services.pool,
    upload: uploadOf(request),
  };
}

/**
 * How one authenticated request touches the database, decided here and nowhere else: a read on
 * one connection (of the replica, when the entry allows it and one is configured); a
 * single-statement change without BEGIN/COMMIT unless an Idempotency-Key must be stored beside it;
 * any other change in one transaction.
 */
function scopeOf(entry: OperationEntry<OperationId>, single: boolean, storesKey: boolean, request: Request, response: Response, replica: DatabasePool | undefined) {
  if (entry.access === 'read') {
    if (!entry.replica || !replica) return readAsUser;
    // The primary (the pool it is given) answers what the replica cannot, while nothing is sent yet.
    return <T>(primary: DatabasePool, caller: Caller, read: (db: CommonQueryMethods) => Promise<T>) =>
      readPreferringReplica({ replica, primary, log: request.log }, caller, read, () => !response.headersSent);
  }
  return single && !storesKey ? writeOnceAsUser : writeAsUser;
}

async function runAsUser(
  entry: Exclude<OperationEntry<OperationId>, { access: 'public' }>,
  facts: OperationFacts,
  base: OperationContext<OperationId>,
  caller: Caller,
  request: Request,
  response: Response,
  services: AppServices,
): Promise<Answer> {
  const { userId } = caller;
  const followUps: ((q: Queries) => Promise<void>)[] = [];
  // A single statement's create is cheap to roll back: its key is checked as its reply is stored.
  const single = entry.access === 'write' && entry.singleStatement?.(base.body as never) === true;
  const storesKey = facts.idempotent && request.headers['idempotency-key'] !== undefined;
  const scope = scopeOf(entry, single, storesKey, request, response, services.replicaPool);
  let answer: Answer;
  try {
    answer = await scope(services.userPool, caller, async (db: CommonQueryMethods) => {
      const afterCommit = (task: (q: Queries) => Promise<void>) => void followUps.push(task);
      const context: UserContext<OperationId> = { ...base, userId, db, q: queriesFor(db, userId), afterCommit };
      const run = () => entry.run(context as never) as Promise<Answer>;
      const answer = facts.idempotent ? await idempotent(context, run as never, { checkFirst: !single }) as Answer : await run();
      if (answer.stream) {
        // Streamed answers are written while the connection (and its transaction) is still held.
        response.status(200).set(answer.headers ?? {});
        await answer.stream(response);
        response.end();
      }
      return answer;
    });
  } catch (error) {
    if (!(error instanceof KeyMayHoldAnswer)) throw error;
    // Rolled back, with the work queued after it: what the key holds answers instead.
    return await readAsUser(services.userPool, caller, (db) => answerFromStoredKey(db, userId, error)) as Answer;
  }
  for (const task of followUps) {
    try {
      await writeAsUser(services.userPool, caller, (db) => task(queriesFor(db, userId)));
    } catch (error) {
      request.log.warn({ err: error, operationId: base.operationId }, 'work after the committed change failed; the change stands');
    }
  }
  return answer;
}

/** Holds a JSON answer to the contract (development and test); a mismatch is our bug, answered 500. */
function checkAnswer(api: OpenAPIBackend, context: Context, request: Request, operationId: OperationId, answer: Answer): void {
  // openapi-backend reads an absent body (204) as null.
  const result = api.validateResponse(answer.body ?? null, context.operation, answer.status);
  if (result.errors?.length) {
    request.log.error({ operationId, status: answer.status, errors: result.errors }, 'response violates the contract');
    throw problems.internal(new Error(`${operationId} ${answer.status} response violates the contract`));
  }
}

/** An operation table entry as the openapi-backend handler that runs it. */
export function dispatch(api: OpenAPIBackend, services: AppServices, facts: ReadonlyMap<string, OperationFacts>) {
  return (operationId: OperationId, entry: OperationEntry<OperationId>) => {
    const said = facts.get(operationId);
    if (!said) throw new Error(`${operationId} is not an operation of the contract`);
    if ((entry.access === 'public') !== said.public) {
      throw new Error(`${operationId}: its table says ${entry.access}, the contract says ${said.public ? 'public' : 'authenticated'}`);
    }
    return async (context: Context, request: Request, response: Response): Promise<void> => {
      nameOperation(request, operationId);
      const base = operationContext(operationId, context, request, services);
      const answer: Answer = entry.access === 'public'
        ? await entry.run(base as never)
        : await runAsUser(entry, said, base, context.security?.bearerAuth as Caller, request, response, services);
      if (answer.stream) return;
      if (services.config.validateResponses) checkAnswer(api, context, request, operationId, answer);
      response.status(answer.status).set(answer.headers ?? {});
      if (answer.body === undefined) response.end();
      else response.type('application/json').send(JSON.stringify(answer.body));
    };
  };
}
