// The database pools' state, read from slonik's `pool.state()` when Prometheus scrapes: nothing is
// counted on the query path.
import { Counter, Gauge } from 'prom-client';
import type { DatabasePool } from 'slonik';
import { replicaReadCounts } from '../db/read-replica.ts';
import { registry } from './metrics.ts';

type PoolState = ReturnType<DatabasePool['state']>;

/** The pools a scrape reports, by their label (`public`, `users`). */
const observed = new Map<string, DatabasePool>();

function poolGauge(name: string, help: string, read: (state: PoolState, pool: DatabasePool) => number): void {
  new Gauge({
    name,
    help,
    labelNames: ['pool'] as const,
    registers: [registry],
    collect() {
      // A pool no longer observed (closed by a test, say) drops out rather than freezing at its last value.
      this.reset();
      for (const [label, pool] of observed) this.labels(label).set(read(pool.state(), pool));
    },
  });
}

poolGauge(
  'spendsense_db_pool_size',
  'Connections the pool holds: in use, idle, or being opened, released or closed.',
  (state) => state.acquiredConnections + state.idleConnections + state.pendingConnections + state.pendingReleaseConnections + state.pendingDestroyConnections,
);
poolGauge('spendsense_db_pool_idle', 'Idle connections, ready for the next request.', (state) => state.idleConnections);
poolGauge('spendsense_db_pool_waiting', 'Requests waiting for a connection: the pool is exhausted while this is above 0.', (state) => state.waitingClients);
poolGauge('spendsense_db_pool_max', 'The most connections the pool opens (its maxPoolSize).', (_state, pool) => pool.configuration.maxPoolSize ?? pool.configuration.maximumPoolSize ?? 0);

// Kept by db/read-replica.ts as plain numbers (it must not depend on metrics), copied at scrape time.
new Counter({
  name: 'spendsense_replica_reads_total',
  help: 'Reads meant for the read replica, by who answered: replica, or the primary and why (unreachable, replica_down, recovery_conflict, caller_not_replicated).',
  labelNames: ['outcome'] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const [outcome, count] of Object.entries(replicaReadCounts())) this.labels(outcome).inc(count);
  },
});

/** Reports these pools at every scrape until the returned function is called. */
export function observePools(pools: Record<string, DatabasePool>): () => void {
  for (const [label, pool] of Object.entries(pools)) observed.set(label, pool);
  return () => {
    for (const [label, pool] of Object.entries(pools)) if (observed.get(label) === pool) observed.delete(label);
  };
}
