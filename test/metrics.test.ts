// GET /metrics on METRICS_PORT, from the real server process: the request series by contract
// operation and status class, the pools, the process, imports, the categorizer and the insights;
// never on the public port. Also with WEB_CONCURRENCY=2, where the primary sums its workers.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../src/config.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { startServerProcess, type ServerProcess } from './helpers/server-process.ts';

type Sample = { name: string; labels: Record<string, string>; value: number };

/** The Prometheus text format, one sample per line (comments skipped). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[name!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The samples of `name` whose labels include `labels`. */
const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));

/** The one sample of `name` with exactly these labels (apart from none), or undefined. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const matches = find(samples, name, labels).filter((sample) => Object.keys(sample.labels).length === Object.keys(labels).length);
  expect(matches.length).toBeLessThanOrEqual(1);
  return matches[0]?.value;
}

type Server = { process: ServerProcess; base: string; metrics: string };

async function startServer(database: TestDatabase, env: Record<string, string> = {}): Promise<Server> {
  const spawned = startServerProcess({ DATABASE_URL: database.url, DATABASE_POOL_SIZE: '4', ...env });
  const port = await spawned.listening(60_000);
  const metricsLine = await spawned.waitForLog((line) => line.msg === 'metrics listening', 5_000);
  return { process: spawned, base: `http://127.0.0.1:${port}`, metrics: `http://127.0.0.1:${Number(metricsLine.metricsPort)}/metrics` };
}

async function scrape(server: Server): Promise<{ status: number; type: string | null; samples: Sample[] }> {
  const response = await fetch(server.metrics);
  return { status: response.status, type: response.headers.get('content-type'), samples: parseExposition(await response.text()) };
}

/** Scrapes until `ready` holds: a request is counted when its response closes, an instant after the caller has read it. */
async function scrapeUntil(server: Server, ready: (samples: Sample[]) => boolean): Promise<Sample[]> {
  let samples: Sample[] = [];
  for (let attempt = 0; attempt < 40; attempt += 1) {
    samples = (await scrape(server)).samples;
    if (ready(samples)) return samples;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return samples;
}

type Call = { token?: string; body?: unknown; form?: FormData };

async function call(server: Server, method: string, path: string, options: Call = {}): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const body = options.form ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(`${server.base}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  return { status: response.status, json: text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text };
}

async function signUpWithAccount(server: Server): Promise<{ token: string; accountId: string }> {
  const email = `metrics-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
  const signUp = await call(server, 'POST', '/v1/auth/signup', { body: { email, password: 'correct horse battery', default_currency: 'USD' } });
  expect(signUp.status).toBe(201);
  const token = signUp.json.access_token as string;
  const account = await call(server, 'POST', '/v1/accounts', { token, body: { name: 'Everyday', type: 'checking', currency: 'USD', opening_balance: 0 } });
  expect(account.status).toBe(201);
  return { token, accountId: account.json.id as string };
}

const requestsTotal = 'spendsense_http_requests_total';
const durationCount = 'spendsense_http_request_duration_seconds_count';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

describe('GET /metrics on METRICS_PORT (one process)', () => {
  let server: Server;
  let user: { token: string; accountId: string };
  beforeAll(async () => {
    server = await startServer(database);
    user = await signUpWithAccount(server);
  }, 90_000);
  afterAll(async () => {
    await server.process.kill();
  });

  it('counts requests and their durations by operationId and status class', async () => {
    for (let index = 0; index < 2; index += 1) expect((await call(server, 'GET', '/v1/transactions', { token: user.token })).status).toBe(200);
    expect((await call(server, 'GET', '/v1/transactions')).status).toBe(401);
    const labels = { operation: 'listTransactions', status_class: '2xx' };
    const samples = await scrapeUntil(server, (s) => valueOf(s, requestsTotal, { operation: 'listTransactions', status_class: '4xx' }) === 1);
    expect(valueOf(samples, requestsTotal, labels)).toBe(2);
    expect(valueOf(samples, durationCount, labels)).toBe(2);
    expect(valueOf(samples, 'spendsense_http_request_duration_seconds_sum', labels)).toBeGreaterThan(0);
    // Cumulative buckets: the last (+Inf) holds both requests.
    expect(valueOf(samples, 'spendsense_http_request_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(2);
    expect(valueOf(samples, requestsTotal, { operation: 'listTransactions', status_class: '4xx' })).toBe(1);
    expect(valueOf(samples, requestsTotal, { operation: 'createAccount', status_class: '2xx' })).toBe(1);
    expect(valueOf(samples, 'spendsense_http_requests_in_flight')).toBe(0);
  });

  it('labels a path outside the contract `unmatched` and the docs `docs`, never by the path itself', async () => {
    expect((await call(server, 'GET', '/v1/no-such-thing/12345')).status).toBe(404);
    expect((await call(server, 'GET', '/openapi.json')).status).toBe(200);
    const samples = await scrapeUntil(server, (s) => valueOf(s, requestsTotal, { operation: 'docs', status_class: '2xx' }) === 1);
    expect(valueOf(samples, requestsTotal, { operation: 'unmatched', status_class: '4xx' })).toBe(1);
    expect(valueOf(samples, requestsTotal, { operation: 'docs', status_class: '2xx' })).toBe(1);
    const operations = new Set(find(samples, requestsTotal).map((sample) => sample.labels.operation!));
    for (const operation of operations) expect(operation).toMatch(/^[a-zA-Z]+$/);
  });

  it('reports each pool: size, idle, waiting and its maximum', async () => {
    const { status, type, samples } = await scrape(server);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(valueOf(samples, 'spendsense_db_pool_max', { pool: 'public' })).toBe(3);
    expect(valueOf(samples, 'spendsense_db_pool_max', { pool: 'users' })).toBe(4);
    for (const pool of ['public', 'users']) {
      const size = valueOf(samples, 'spendsense_db_pool_size', { pool })!;
      expect(size).toBeGreaterThanOrEqual(1); // both served requests above, and keep their connections idle
      expect(valueOf(samples, 'spendsense_db_pool_idle', { pool })).toBeLessThanOrEqual(size);
      expect(valueOf(samples, 'spendsense_db_pool_waiting', { pool })).toBe(0);
    }
    // No replica configured: no replica pool, and no read was meant for one.
    expect(valueOf(samples, 'spendsense_db_pool_max', { pool: 'replica' })).toBeUndefined();
    expect(valueOf(samples, 'spendsense_replica_reads_total', { outcome: 'replica' })).toBe(0);
    expect(valueOf(samples, 'spendsense_replica_reads_total', { outcome: 'unreachable' })).toBe(0);
  });

  it('includes the standard process and Node.js series, unprefixed', async () => {
    const { samples } = await scrape(server);
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(find(samples, name).length).toBeGreaterThan(0);
    }
  });

  it('times imports, their rows by outcome, the categorizer and the insights', async () => {
    const csv = ['Date,Description,Amount', '2026-03-02,BLUE BOTTLE COFFEE,-4.75', '2026-03-03,SHELL OIL 1234,-40.00', '2026-03-03,SHELL OIL 1234,-40.00', 'not a date,Broken,-1.00'].join('\r\n');
    const form = new FormData();
    form.append('on_error', 'skip');
    form.append('file', new Blob([`${csv}\r\n`], { type: 'text/csv' }), 'statement.csv');
    const imported = await call(server, 'POST', `/v1/accounts/${user.accountId}/imports`, { token: user.token, form });
    expect(imported.status).toBe(201);
    // Spending in past months, so the forecast has a history to fit.
    const months = [3, 2, 1].map((back) => {
      const date = new Date();
      date.setUTCDate(1);
      date.setUTCMonth(date.getUTCMonth() - back);
      return date.toISOString().slice(0, 10);
    });
    const categories = (await call(server, 'GET', '/v1/categories?limit=200', { token: user.token })).json.data as { id: string; name: string }[];
    const groceries = categories.find((category) => category.name === 'Groceries')!.id;
    const transactions = months.map((date, index) => ({ account_id: user.accountId, date, amount: -2000 - index, description: 'Corner shop', category_id: groceries }));
    expect((await call(server, 'POST', '/v1/transactions/batch', { token: user.token, body: { transactions } })).status).toBe(201);
    const forecast = await call(server, 'GET', '/v1/insights/forecast?months=1', { token: user.token });
    expect(forecast.status).toBe(200);
    expect(forecast.json.series.length).toBeGreaterThan(0);
    expect((await call(server, 'GET', '/v1/insights/anomalies', { token: user.token })).status).toBe(200);

    const samples = await scrapeUntil(server, (s) => valueOf(s, requestsTotal, { operation: 'listAnomalies', status_class: '2xx' }) === 1);
    const created = imported.json.created as number;
    expect(created).toBeGreaterThan(0);
    expect(imported.json.failed).toBe(1);
    expect(valueOf(samples, 'spendsense_import_rows_total', { outcome: 'created' })).toBe(created);
    expect(valueOf(samples, 'spendsense_import_rows_total', { outcome: 'duplicate' })).toBe(imported.json.duplicates);
    expect(valueOf(samples, 'spendsense_import_rows_total', { outcome: 'failed' })).toBe(1);
    expect(valueOf(samples, 'spendsense_import_duration_seconds_count', { result: 'succeeded' })).toBe(1);
    expect(valueOf(samples, 'spendsense_categorizer_duration_seconds_count', { step: 'suggest' })).toBeGreaterThan(0);
    expect(valueOf(samples, 'spendsense_categorizer_duration_seconds_count', { step: 'load' })).toBeGreaterThan(0);
    expect(valueOf(samples, 'spendsense_insight_computation_seconds_count', { computation: 'forecast' })).toBeGreaterThan(0);
    expect(valueOf(samples, 'spendsense_insight_computation_seconds_count', { computation: 'ledger_analysis' })).toBeGreaterThan(0);
  });

  it('is not served on the public port, and the metrics port serves nothing else', async () => {
    const publicAnswer = await fetch(`${server.base}/metrics`);
    expect(publicAnswer.status).toBe(404);
    expect(await publicAnswer.text()).not.toContain('spendsense_http_requests_total');
    expect((await fetch(server.metrics.replace('/metrics', '/v1/transactions'))).status).toBe(404);
    expect((await fetch(server.metrics, { method: 'POST' })).status).toBe(404);
  });

  it('stops with the server on SIGTERM: exit 0, the port closed', async () => {
    server.process.child.kill('SIGTERM');
    expect(await server.process.exited).toMatchObject({ code: 0, signal: null });
    await expect(fetch(server.metrics)).rejects.toThrow();
  });
});

describe('METRICS_PORT', () => {
  const env = { JWT_SECRET: 'x'.repeat(32) };

  it('defaults to 9464; `off` or empty turns the endpoint off', () => {
    expect(loadConfig(env).metricsPort).toBe(9464);
    expect(loadConfig({ ...env, METRICS_PORT: '9100' }).metricsPort).toBe(9100);
    expect(loadConfig({ ...env, METRICS_PORT: 'off' }).metricsPort).toBeNull();
    expect(loadConfig({ ...env, METRICS_PORT: 'OFF' }).metricsPort).toBeNull();
    expect(loadConfig({ ...env, METRICS_PORT: '' }).metricsPort).toBeNull();
  });

  it('refuses a port out of range, and the public port', () => {
    expect(() => loadConfig({ ...env, METRICS_PORT: '70000' })).toThrow(/METRICS_PORT must be an integer between 0 and 65535/);
    expect(() => loadConfig({ ...env, METRICS_PORT: 'nine' })).toThrow(/METRICS_PORT/);
    expect(() => loadConfig({ ...env, PORT: '8000', METRICS_PORT: '8000' })).toThrow(/METRICS_PORT must differ from PORT/);
  });

  it('off: the server starts without the endpoint', async () => {
    const server = startServerProcess({ DATABASE_URL: database.url, METRICS_PORT: 'off' });
    try {
      const port = await server.listening(60_000);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect(server.logs.some((line) => line.msg === 'metrics listening')).toBe(false);
    } finally {
      await server.kill();
    }
  }, 60_000);
});

describe('GET /metrics with WEB_CONCURRENCY=2', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer(database, { WEB_CONCURRENCY: '2' });
    // Both workers listen before the test counts on them.
    await server.process.waitForLog((line) => line.msg === 'listening' && line.pid !== server.process.logs.find((first) => first.msg === 'listening')!.pid, 60_000);
  }, 90_000);
  afterAll(async () => {
    await server.process.kill();
  });

  it('is served by the primary, with the series of every worker summed', async () => {
    for (let index = 0; index < 6; index += 1) expect((await call(server, 'GET', '/healthz')).status).toBe(200);
    const samples = await scrapeUntil(server, (s) => valueOf(s, requestsTotal, { operation: 'getHealth', status_class: '2xx' }) === 6);
    expect(valueOf(samples, requestsTotal, { operation: 'getHealth', status_class: '2xx' })).toBe(6);
    // Each worker has its own two pools: their maxima add up.
    expect(valueOf(samples, 'spendsense_db_pool_max', { pool: 'users' })).toBe(8);
    expect(valueOf(samples, 'spendsense_db_pool_max', { pool: 'public' })).toBe(6);
  });
});
