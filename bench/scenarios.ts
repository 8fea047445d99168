// One autocannon run and its measurements. Latency percentiles come from every response's own
// time (autocannon's histogram rounds to whole milliseconds, too coarse for a 5 ms target).
import autocannon, { type Request } from 'autocannon';

export type Server = 'api' | 'floor' | 'peer';

export type Scenario = {
  /** Stable key the targets refer to (report.ts). */
  id: string;
  name: string;
  /** 'api' rows are held to the latency target; 'floor' and 'peer' (the FastAPI peer) rows are references. */
  server: Server;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  /** A unique Idempotency-Key per request. */
  idempotencyKeys?: boolean;
  /** Each request takes the next of these headers and body instead (the creates spread over users). */
  rotation?: { headers: Record<string, string>; body: unknown }[];
  /** The p50 an API row is held to at one connection, where it differs from the default (report.ts). */
  latencyTargetMs?: number;
};

export type Measurement = {
  id: string;
  scenario: string;
  server: Server;
  connections: number;
  seconds: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Share of the machine's CPU processes outside the bench used meanwhile (run.ts fills it in). */
  othersCpu?: number | undefined;
  /** Set instead of numbers when the endpoint answered 404 (not built yet) or the server could not run. */
  skipped?: string;
};

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

let keyCounter = 0;
const runId = Date.now().toString(36);

export async function measure(
  baseUrl: string,
  scenario: Scenario,
  options: { connections: number; seconds: number; warmupSeconds: number },
): Promise<Measurement> {
  const request: Request = {
    method: scenario.method,
    path: scenario.path,
    headers: { ...scenario.headers, ...(scenario.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(scenario.body === undefined ? {} : { body: JSON.stringify(scenario.body) }),
  };
  const rotation = scenario.rotation?.map((turn) => ({ headers: turn.headers, body: JSON.stringify(turn.body) }));
  let turns = 0;
  if (scenario.idempotencyKeys || rotation) {
    request.setupRequest = (r) => {
      const turn = rotation?.[turns++ % rotation.length];
      const key: Record<string, string> = scenario.idempotencyKeys ? { 'idempotency-key': `bench-${runId}-${++keyCounter}` } : {};
      return { ...r, headers: { ...r.headers, ...turn?.headers, ...key }, ...(turn ? { body: turn.body } : {}) };
    };
  }
  const latencies: number[] = [];
  const instance = autocannon({
    url: baseUrl,
    connections: options.connections,
    duration: options.seconds,
    timeout: 30,
    requests: [request],
    ...(options.warmupSeconds > 0 ? { warmup: { connections: options.connections, duration: options.warmupSeconds } } : {}),
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
  });
  const result = await instance;
  const sorted = Float64Array.from(latencies).sort();
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  return {
    id: scenario.id,
    scenario: scenario.name,
    server: scenario.server,
    connections: options.connections,
    seconds: result.duration,
    requests: latencies.length,
    rps: latencies.length / result.duration,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
  };
}

export function skipped(scenario: Scenario, connections: number, reason: string): Measurement {
  return {
    id: scenario.id,
    scenario: scenario.name, server: scenario.server, connections, seconds: 0, requests: 0, rps: Number.NaN,
    p50: Number.NaN, p99: Number.NaN, errors: 0, non2xx: 0, statusCodes: {}, skipped: reason,
  };
}
