import { createHash } from 'node:crypto';
import { z } from 'zod';
import { sql } from '../db/sql.ts';
import type { OperationId, Reply, UserContext } from './operation.ts';
import { problems } from './problem.ts';

const storedResponse = z.object({
  request_hash: z.string(),
  response_status: z.number(),
  response_headers: z.record(z.string(), z.string()),
  response_body: z.unknown(),
});

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` are the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What a replay must match: the operation, its path and query parameters, its body and any uploaded file. */
function requestHash(context: UserContext<OperationId>): string {
  const request = canonicalJson({
    operation: context.operationId,
    path: context.path,
    query: context.query,
    body: context.body,
    file: context.upload?.sha256,
  });
  return createHash('sha256').update(request).digest('base64url');
}

/**
 * Runs a creating operation under its `Idempotency-Key`, inside the request's transaction: the
 * key, the request's hash and the response are stored with the write itself, so they commit or
 * vanish together. A transaction-scoped advisory lock on (user, key) tells a concurrent request
 * with the same key that the first is still in flight (409) instead of making it wait.
 */
export async function idempotent<Op extends OperationId>(
  context: UserContext<Op>,
  create: () => Promise<Reply<Op>>,
): Promise<Reply<Op>> {
  const key = context.headers['idempotency-key'];
  if (typeof key !== 'string') return create();
  const { db, userId } = context;

  const acquired = await db.oneFirst(sql.type(z.object({ acquired: z.boolean() }))`
    select pg_try_advisory_xact_lock(hashtextextended(${`${userId}:${key}`}, 0)) as acquired
  `);
  if (!acquired) {
    throw problems.conflict('A request with this Idempotency-Key is still in progress; retry it shortly.');
  }

  const hash = requestHash(context as UserContext<OperationId>);
  const stored = await db.maybeOne(sql.type(storedResponse)`
    select request_hash, response_status, response_headers, response_body
    from idempotency_keys
    where user_id = ${userId} and key = ${key} and created_at > now() - interval '24 hours'
  `);
  if (stored) {
    if (stored.request_hash !== hash) {
      throw problems.unprocessable('This Idempotency-Key was already used with a different request.');
    }
    return {
      status: stored.response_status,
      body: stored.response_body ?? undefined,
      headers: { ...stored.response_headers, 'Idempotent-Replayed': 'true' },
    } as unknown as Reply<Op>;
  }

  const reply = await create();
  // Keys are kept 24 hours; the caller's expired keys are cleared as new ones arrive.
  await db.query(sql.typeAlias('void')`
    with expired as (
      delete from idempotency_keys
      where user_id = ${userId} and created_at <= now() - interval '24 hours' and key <> ${key}
    )
    insert into idempotency_keys
      (user_id, key, operation, request_hash, response_status, response_headers, response_body)
    values (
      ${userId}, ${key}, ${context.operationId}, ${hash}, ${reply.status},
      ${sql.jsonb(reply.headers ?? {})}, ${reply.body === undefined ? null : sql.jsonb(reply.body as never)}
    )
    on conflict (user_id, key) do update set
      operation = excluded.operation,
      request_hash = excluded.request_hash,
      response_status = excluded.response_status,
      response_headers = excluded.response_headers,
      response_body = excluded.response_body,
      created_at = now()
  `);
  return reply;
}
