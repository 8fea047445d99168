import type { Logger } from 'pino';
import { StatementTimeoutError, type CommonQueryMethods, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { Caller } from '../http/auth.ts';
import { errorChain, problemFromDatabaseError } from './errors.ts';
import { sql } from './sql.ts';
import { CallerNotReplicatedError, readAsUser, readAsUserOnReplica } from './user-scope.ts';

/**
 * Reads an operation table allows on the read replica (`replica: true`), and how they fall back.
 * A replica answers what the primary had committed when it last replayed: usually well under a
 * second behind, more under heavy writes or while a long read holds replay up. Whatever cannot be
 * answered there is answered by the primary, never refused: a replica that is down or restarting,
 * a read it cancelled to go on replaying, a caller it has not replayed yet.
 */

/** Why the primary answered a read meant for the replica. */
export type FallbackReason = 'unreachable' | 'replica_down' | 'recovery_conflict' | 'caller_not_replicated';
type Outcome = 'replica' | FallbackReason;

/** Reads meant for the replica since the process started, by who answered them and why: a counter per label for /metrics. */
const outcomes: Record<Outcome, number> = { replica: 0, unreachable: 0, replica_down: 0, recovery_conflict: 0, caller_not_replicated: 0 };

export function replicaReadCounts(): Readonly<Record<Outcome, number>> {
  return { ...outcomes };
}

/**
 * Sessions on the replica refuse writes even where the URL names a writable server (a mistake,
 * or a replica promoted by a failover): nothing the app sends there can change data.
 */
export function readOnlySessions(connectionUri: string): string {
  const url = new URL(connectionUri);
  const options = [url.searchParams.get('options'), '-c default_transaction_read_only=on'].filter(Boolean);
  url.searchParams.set('options', options.join(' '));
  return url.toString();
}

/**
 * A replica that failed is left alone for this long: reads go to the primary meanwhile, and then
 * one probe, not a request, finds out whether it is back. So a dead replica costs the requests
 * that were on it when it died, not one connection timeout per request.
 */
const retryReplicaAfterMs = 5_000;
type Health = { down: boolean; retryAt: number; probing: boolean };
const healthByPool = new WeakMap<DatabasePool, Health>();

function healthOf(pool: DatabasePool): Health {
  let health = healthByPool.get(pool);
  if (!health) healthByPool.set(pool, (health = { down: false, retryAt: 0, probing: false }));
  return health;
}

function sqlStateOf(error: unknown): string | undefined {
  for (const current of errorChain(error)) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** Whether a failed replica read is the replica's doing (read it on the primary) or the read's own (let it through). */
function fallbackReason(error: unknown): FallbackReason | undefined {
  if (error instanceof CallerNotReplicatedError) return 'caller_not_replicated';
  // A standby cancels a read that holds up replay (40001, or 40P01 when it waited on a buffer pin).
  const code = sqlStateOf(error);
  if (code === '40001' || code === '40P01') return 'recovery_conflict';
  // What would answer 503 on the primary: a refused or lost connection. A statement timeout
  // is not the replica's fault; it would only time out again on the primary.
  if (!(error instanceof StatementTimeoutError) && problemFromDatabaseError(error)?.status === 503) return 'unreachable';
  return undefined;
}

export type ReplicaPools = { replica: DatabasePool; primary: DatabasePool; log: Logger };

function probe({ replica, log }: ReplicaPools, health: Health): void {
  health.probing = true;
  replica.oneFirst(sql.type(z.object({ one: z.number() }))`select 1 as one`).then(
    () => {
      health.down = false;
      log.info('read replica reachable again: reports and insights read from it');
    },
    () => {
      health.retryAt = Date.now() + retryReplicaAfterMs;
    },
  ).finally(() => {
    health.probing = false;
  });
}

/**
 * Runs a read as the caller on the replica, or on the primary when the replica cannot answer it.
 * `mayRetry` says whether nothing has been sent yet, so the read can start over.
 */
export async function readPreferringReplica<T>(
  pools: ReplicaPools,
  caller: Caller,
  read: (db: CommonQueryMethods) => Promise<T>,
  mayRetry: () => boolean,
): Promise<T> {
  const onPrimary = (reason: FallbackReason) => {
    outcomes[reason] += 1;
    return readAsUser(pools.primary, caller, read);
  };
  const health = healthOf(pools.replica);
  if (health.down) {
    if (!health.probing && Date.now() >= health.retryAt) probe(pools, health);
    return onPrimary('replica_down');
  }
  try {
    const answer = await readAsUserOnReplica(pools.replica, caller, read);
    outcomes.replica += 1;
    return answer;
  } catch (error) {
    const reason = fallbackReason(error);
    if (reason === undefined || !mayRetry()) throw error;
    if (reason === 'unreachable' && !health.down) {
      Object.assign(health, { down: true, retryAt: Date.now() + retryReplicaAfterMs });
      pools.log.warn({ err: error, retryInMs: retryReplicaAfterMs }, 'read replica unreachable: reports and insights read from the primary');
    } else if (reason === 'recovery_conflict') {
      pools.log.warn({ err: error }, 'read replica cancelled a read to go on replaying: read it from the primary');
    } else if (reason === 'caller_not_replicated') {
      pools.log.info('read replica has not replayed the caller yet (a sign-up or sign-out moments ago): read from the primary');
    }
    return onPrimary(reason);
  }
}
