import { createHash } from 'node:crypto';
import type { CommonQueryMethods } from 'slonik';
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
 * Thrown inside the request's transaction when its key may already hold an answer: the create ran
 * before its key was checked and failed, or the key turned out to be stored by another request.
 * The transaction rolls back, and answerFromStoredKey reads what the key holds after it.
 */
export class KeyMayHoldAnswer extends Error {
  readonly key: string;
  readonly hash: string;
  /** What to answer when the key holds nothing (or only an expired answer). */
  readonly otherwise: unknown;

  constructor(key: string, hash: string, otherwise: unknown) {
    super('this Idempotency-Key may hold an answer already');
    this.key = key;
    this.hash = hash;
    this.otherwise = otherwise;
  }
}

/** Takes the (user, key) advisory lock until the transaction ends, unless another transaction holds it; reentrant. */
function tryKeyLock(userId: string, key: string) {
  return sql.fragment`pg_try_advisory_xact_lock(hashtextextended(${`${userId}:${key}`}, 0))`;
}

/**
 * What an earlier request stored under (user, key) in the last 24 hours, and, with `lock`, whether
 * this transaction holds the key's advisory lock: a concurrent request holding it is still in flight.
 */
function lookupStatement(userId: string, key: string, { lock }: { lock: boolean }) {
  return sql.type(lookup)`
    select
      ${lock ? tryKeyLock(userId, key) : sql.fragment`true`} as acquired,
      k.request_hash, k.response_status, k.response_headers, k.response_body
    from (select 1) as one
    left join idempotency_keys k
      on k.user_id = ${userId} and k.key = ${key} and k.created_at > now() - interval '24 hours'
  `;
}

/** The stored answer, marked as a replay; or 422 when the key was used with a different request; or undefined when nothing is stored. */
function replayOf<Op extends OperationId>(found: z.infer<typeof lookup>, hash: string): Reply<Op> | undefined {
  if (found.request_hash === null) return undefined;
  if (found.request_hash !== hash) {
    throw problems.unprocessable('This Idempotency-Key was already used with a different request.');
  }
  return {
    status: found.response_status,
    body: found.response_body ?? undefined,
    headers: { ...found.response_headers, 'Idempotent-Replayed': 'true' },
  } as unknown as Reply<Op>;
}

/** After KeyMayHoldAnswer rolled a request back: the key's stored answer, or what the request would have answered otherwise. */
export async function answerFromStoredKey(db: CommonQueryMethods, userId: string, check: KeyMayHoldAnswer): Promise<Reply<OperationId>> {
  // Where the lookup itself fails (the database gone, say), the request's own outcome is the answer.
  const found = await db.one(lookupStatement(userId, check.key, { lock: false })).catch(() => {
    throw check.otherwise;
  });
  const replay = replayOf(found, check.hash);
  if (replay === undefined) throw check.otherwise;
  return replay;
}

/** A reply as stored: any operation's. */
type StoredReply = { status: number; headers?: Record<string, string>; body?: unknown };

/**
 * Stores the reply under its key with the write itself, so they commit or vanish together. It
 * takes the (user, key) advisory lock, held until the transaction ends, unless a concurrent
 * request holds it (answered 'in flight'); a fresh row under this key, one that request committed
 * first, is never overwritten (answered 'taken'). Keys are kept 24 hours; the caller's expired keys
 * are cleared as new ones arrive.
 */
async function store(context: UserContext<OperationId>, key: string, hash: string, reply: StoredReply): Promise<'stored' | 'in flight' | 'taken'> {
  const { db, userId } = context;
  const outcome = await db.one(sql.type(z.object({ acquired: z.boolean(), stored: z.boolean() }))`
    with lock as (
      select ${tryKeyLock(userId, key)} as acquired
    ),
    expired as (
      delete from idempotency_keys
      where user_id = ${userId} and created_at <= now() - interval '24 hours' and key <> ${key}
    ),
    stored as (
      insert into idempotency_keys as k
        (user_id, key, operation, request_hash, response_status, response_headers, response_body)
      select
        ${userId}, ${key}, ${context.operationId}, ${hash}, ${reply.status},
        ${sql.jsonb(reply.headers ?? {})}, ${reply.body === undefined ? null : sql.jsonb(reply.body as never)}
      from lock where lock.acquired
      on conflict (user_id, key) do update set
        operation = excluded.operation,
        request_hash = excluded.request_hash,
        response_status = excluded.response_status,
        response_headers = excluded.response_headers,
        response_body = excluded.response_body,
        created_at = now()
      where k.created_at <= now() - interval '24 hours'
      returning 1
    )
    select (select acquired from lock) as acquired, exists (select from stored) as stored
  `);
  return !outcome.acquired ? 'in flight' : outcome.stored ? 'stored' : 'taken';
}

/**
 * Runs a creating operation under its `Idempotency-Key`, inside the request's transaction, and
 * stores its reply there (see store). A concurrent request with the same key that meets the first
 * one's lock answers 409; one that had to wait for it (on a row the first one locked) replays it.
 *
 * `checkFirst` looks the key up (and takes its lock) before the create runs: for operations whose
 * work is long (an import) or many statements, a replay must not redo it. Without it the create
 * runs first and the key is checked as the reply is stored, one round trip fewer for the common
 * case, a first request; a replay then rolls the repeated create back (KeyMayHoldAnswer) and
 * answers what is stored.
 */
export async function idempotent<Op extends OperationId>(
  context: UserContext<Op>,
  create: () => Promise<Reply<Op>>,
  { checkFirst }: { checkFirst: boolean },
): Promise<Reply<Op>> {
  const key = context.headers['idempotency-key'];
  if (typeof key !== 'string') return create();
  const { db, userId } = context;
  const hash = requestHash(context as UserContext<OperationId>);

  if (checkFirst) {
    // The read's snapshot may predate a concurrent request's commit; then the store below finds
    // its row and the answer is read again after the rollback.
    const found = await db.one(lookupStatement(userId, key, { lock: true }));
    if (!found.acquired) throw inFlight();
    const replay = replayOf<Op>(found, hash);
    if (replay !== undefined) return replay;
  }

  let reply: Reply<Op>;
  try {
    reply = await create();
  } catch (error) {
    // A replay's create may fail where the first one succeeded (its account deleted since, say).
    if (checkFirst) throw error;
    throw new KeyMayHoldAnswer(key, hash, error);
  }
  const outcome = await store(context as UserContext<OperationId>, key, hash, reply as StoredReply);
  // Throwing rolls the change back: the request that got there first is the one recorded.
  if (outcome === 'in flight') throw inFlight();
  if (outcome === 'taken') throw new KeyMayHoldAnswer(key, hash, inFlight());
  return reply;
}
