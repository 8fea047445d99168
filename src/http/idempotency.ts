import { createHash } from 'node:crypto';
import { z } from 'zod';
import { sql } from '../db/sql.ts';
import type { OperationId, Reply, UserContext } from './operation.ts';
import { problems } from './problems.ts';

const lookup = z.object({
  acquired: z.boolean(),
  request_hash: z.string().nullable(),
  response_status: z.number().nullable(),
  response_headers: z.record(z.string(), z.string()).nullable(),
  response_body: z.unknown(),
});

function inFlight() {
  return problems.conflict('A request with this Idempotency-Key is still in progress; retry it shortly.');
}

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

  const hash = requestHash(context as UserContext<OperationId>);
  // One round trip: try the (user, key) lock, and read what an earlier request stored. The read's
  // snapshot may predate a concurrent request's commit; then the store below collides with its
  // row and answers 409 instead of recording the change twice.
  const found = await db.one(sql.type(lookup)`
    select
      pg_try_advisory_xact_lock(hashtextextended(${`${userId}:${key}`}, 0)) as acquired,
      k.request_hash, k.response_status, k.response_headers, k.response_body
    from (select 1) as one
    left join idempotency_keys k
      on k.user_id = ${userId} and k.key = ${key} and k.created_at > now() - interval '24 hours'
  `);
  if (!found.acquired) throw inFlight();
  if (found.request_hash !== null) {
    if (found.request_hash !== hash) {
      throw problems.unprocessable('This Idempotency-Key was already used with a different request.');
    }
    return {
      status: found.response_status,
      body: found.response_body ?? undefined,
      headers: { ...found.response_headers, 'Idempotent-Replayed': 'true' },
    } as unknown as Reply<Op>;
  }

  const reply = await create();
  // Keys are kept 24 hours; the caller's expired keys are cleared as new ones arrive. A fresh
  // row under this key (a concurrent request that committed first) is never overwritten.
  const stored = await db.maybeOneFirst(sql.type(z.object({ stored: z.boolean() }))`
    with expired as (
      delete from idempotency_keys
      where user_id = ${userId} and created_at <= now() - interval '24 hours' and key <> ${key}
    )
    insert into idempotency_keys as k
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
    where k.created_at <= now() - interval '24 hours'
    returning true as stored
  `);
  // Throwing rolls the change back: the request that got there first is the one recorded.
  if (!stored) throw inFlight();
  return reply;
}
