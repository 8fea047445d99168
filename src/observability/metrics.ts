// The process's Prometheus series, in one registry of its own: prom-client's global registry stays
// empty, so nothing a library registers there (or a second app in a test) mixes in. Features
// import the few series they feed from here; the request series are in request-metrics.ts, the
// pools' in pool-metrics.ts, the endpoint in metrics-server.ts.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export const registry = new Registry();

let processMetricsStarted = false;

/**
 * prom-client's standard process and Node.js series (CPU, memory, heap, GC, handles, event-loop
 * lag from a 10 ms `monitorEventLoopDelay`), unprefixed as dashboards expect them. Started with
 * the endpoint, not at import: a process that exports nothing pays nothing.
 */
export function startProcessMetrics(): void {
  if (processMetricsStarted) return;
  processMetricsStarted = true;
  collectDefaultMetrics({ register: registry });
}

/** Buckets for work that takes microseconds to tens of milliseconds (one categorizer call). */
const fastBuckets = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05];
/** Buckets for work that takes milliseconds to seconds (a forecast, an import). */
const slowBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

const importRows = new Counter({
  name: 'spendsense_import_rows_total',
  help: 'Rows of the statement imports that finished, by outcome: created, duplicate (recorded already), failed (could not be read, skipped).',
  labelNames: ['outcome'] as const,
  registers: [registry],
});
const importDuration = new Histogram({
  name: 'spendsense_import_duration_seconds',
  help: 'Time to parse, enrich and write one statement import, by result (succeeded or failed).',
  labelNames: ['result'] as const,
  buckets: slowBuckets,
  registers: [registry],
});

/** The import series, bound once: an import adds to them when it ends. */
export const importMetrics = {
  rows: { created: importRows.labels('created'), duplicate: importRows.labels('duplicate'), failed: importRows.labels('failed') },
  succeeded: importDuration.labels('succeeded'),
  failed: importDuration.labels('failed'),
};

const categorizerDuration = new Histogram({
  name: 'spendsense_categorizer_duration_seconds',
  help: "Time of one categorizer step: load (a user's learned state into a model), suggest (rank the categories of one transaction), learn (one label).",
  labelNames: ['step'] as const,
  buckets: fastBuckets,
  registers: [registry],
});

export const categorizerMetrics = {
  load: categorizerDuration.labels('load'),
  suggest: categorizerDuration.labels('suggest'),
  learn: categorizerDuration.labels('learn'),
};

const insightDuration = new Histogram({
  name: 'spendsense_insight_computation_seconds',
  help: "Time to compute an insight when no cached result serves: ledger_analysis (recurring streams and anomalies over a user's history, after reading it), forecast (one series).",
  labelNames: ['computation'] as const,
  buckets: slowBuckets,
  registers: [registry],
});

export const insightMetrics = {
  ledgerAnalysis: insightDuration.labels('ledger_analysis'),
  forecast: insightDuration.labels('forecast'),
};

/** Seconds since `startedAt` (a `performance.now()`), as the histograms take them. */
export const secondsSince = (startedAt: number): number => (performance.now() - startedAt) / 1000;
