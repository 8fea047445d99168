// The database going away under requests in flight: every answer is a success or a 503 with
// Retry-After, never a 500, and a write either committed or did not — a retry under the same
// Idempotency-Key tells which. Runs on a PostgreSQL of its own, since it kills its backends and
// finally stops it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { pino } from 'pino';
import type { DatabasePool } from 'slonik';
import { createApp } from '../src/app.ts';
import { problemFromDatabaseError } from '../src/db/errors.ts';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';
import { createDatabasePool } from '../src/db/pool.ts';
import { contractClient, signUp, testConfig, type ContractClient } from './helpers/app.ts';
import type { Answer } from './helpers/expectations.ts';

/** The clients of the API the traffic below runs, one of each: see traffic(). */
const clients = ['read', 'create', 'batch', 'keyless'] as const;

/** What the app logged at error level: a failure below quotes the lines of its request. */
const errorsLogged: string[] = [];

let server: EmbeddedDatabase | undefined;
let databaseUrl: string;
let pools: DatabasePool[] = [];
let api: ContractClient;
let token: string;
let keyedAccountId: string;
let keylessAccountId: string;

beforeAll(async () => {
  server = await startEmbeddedPostgres({ directory: mkdtempSync(`${tmpdir()}/spendsense-outage-`), persistent: false });
  databaseUrl = await ensureDatabase(server.url, 'spendsense_outage');
  await migrate(databaseUrl);
  pools = [await createDatabasePool(databaseUrl, { maximumPoolSize: 2 }), await createDatabasePool(databaseUrl, { maximumPoolSize: clients.length })];
  const logger = pino({ level: 'error' }, { write: (line: string) => void errorsLogged.push(line) });
  const app = await createApp({ config: testConfig, pool: pools[0]!, userPool: pools[1]!, logger });
  api = contractClient(app);
  token = (await signUp(api)).token;
  const account = async (name: string) => (await api.post('/v1/accounts', { name, type: 'checking', currency: 'USD' }, { token })).body.id as string;
  keyedAccountId = await account('Keyed writes');
  keylessAccountId = await account('Writes without a key');
}, 60_000);

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await server?.stop();
});

/** Reads the database as its owner (a connection of the test's own, never one of the app's pools). */
async function asOwner<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function rowsOn(accountId: string): Promise<number> {
  const [row] = await asOwner<{ count: number }>('select count(*)::int as count from transactions where account_id = $1', [accountId]);
  return row!.count;
}

/** A success, or a 503 problem that says when to come back: what every answer during an outage must be. */
function expectSuccessOrRetryLater(response: Answer, what: string): void {
  if (response.status >= 200 && response.status < 300) return;
  const requestId = response.body?.request_id as string | undefined;
  const logged = requestId ? errorsLogged.filter((line) => line.includes(requestId)) : [];
  expect({ what, status: response.status, type: response.body?.type, logged }).toEqual({ what, status: 503, type: '/problems/service-unavailable', logged });
  expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(Number(response.headers['retry-after'])).toBeLessThanOrEqual(5);
}

type Write = { path: string; body: unknown; key: string | undefined; size: number };
type Outcome = { write?: Write; response: Answer };

const transaction = (accountId: string, index: number) => ({ account_id: accountId, date: '2026-03-14', amount: -index - 1, description: `COFFEE ${index}` });

/** The writes and reads one client of the API sends, in turn. */
function requestsOf(kind: (typeof clients)[number], counter: { next: number }) {
  return (): Promise<Outcome> => {
    counter.next += 1;
    if (kind === 'read') {
      const path = counter.next % 2 ? '/v1/accounts' : `/v1/transactions?account_id=${keyedAccountId}&limit=200`;
      return api.get(path, { token }).then((response) => ({ response }));
    }
    const write: Write = kind === 'batch'
      ? { path: '/v1/transactions/batch', body: { transactions: Array.from({ length: 300 }, (_, index) => transaction(keyedAccountId, index)) }, key: randomUUID(), size: 300 }
      : { path: '/v1/transactions', body: transaction(kind === 'create' ? keyedAccountId : keylessAccountId, counter.next), key: kind === 'create' ? randomUUID() : undefined, size: 1 };
    return send(write).then((response) => ({ write, response }));
  };
}

function send(write: Write): Promise<Answer> {
  return api.post(write.path, write.body, { token, headers: write.key ? { 'Idempotency-Key': write.key } : {} });
}

/**
 * Runs each client's requests back to back until `done()` says stop; every answer is kept. As many
 * clients as the user pool has connections: slonik 49.10.9 strands a request queued for a
 * connection when every connection being opened for the pool fails (it never rejects the queue
 * from acquire), so with more clients than connections a stopped database hangs a request
 * instead of answering it — a pool bug this test does not cover.
 */
async function traffic(done: () => boolean): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  await Promise.all(clients.map(async (kind) => {
    const next = requestsOf(kind, { next: 0 });
    while (!done()) outcomes.push(await next());
  }));
  return outcomes;
}

const sizeOf = (outcomes: Outcome[]) => outcomes.reduce((sum, outcome) => sum + (outcome.write?.size ?? 0), 0);
const keyed = (outcomes: Outcome[]) => outcomes.filter((outcome) => outcome.write?.key !== undefined);

describe('PostgreSQL terminating the connections of requests in flight', () => {
  it('answers 2xx or 503 with Retry-After, never 500, and a retry under the same Idempotency-Key applies each write exactly once', async () => {
    // Kill every backend of the app that is running a statement or inside a transaction, over and
    // over, for a second and a half of traffic. Idle ones are spared: slonik 49.10.9 hands a
    // connection it has just opened to a queued request without checking that it is still alive,
    // and when it is not, that request waits forever.
    const owner = new pg.Client({ connectionString: databaseUrl });
    owner.on('error', () => undefined);
    await owner.connect();
    let stop = false;
    let killed = 0;
    const killer = (async () => {
      while (!stop) {
        const [row] = (await owner.query<{ killed: number }>(
          `select count(pg_terminate_backend(pid))::int as killed from pg_stat_activity
           where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'
             and state in ('active', 'idle in transaction')`,
        )).rows;
        killed += row!.killed;
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    })();
    const startedAt = Date.now();
    const outcomes = await traffic(() => Date.now() - startedAt > 1_500);
    stop = true;
    await killer;
    await owner.end();

    for (const { write, response } of outcomes) expectSuccessOrRetryLater(response, write?.path ?? 'read');
    expect(killed).toBeGreaterThan(0);
    const unavailable = outcomes.filter(({ response }) => response.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    expect(outcomes.filter(({ response }) => response.status < 300).length).toBeGreaterThan(0);

    // With the database back: each keyed write that answered 503 is sent again. A replay means the
    // first attempt had committed after all; a fresh 201 that it had not.
    const keyedRows = await rowsOn(keyedAccountId);
    const retried = await Promise.all(keyed(unavailable).map(async (outcome) => ({ write: outcome.write!, response: await send(outcome.write!) })));
    for (const { response } of retried) expect(response.status).toBe(201);
    const committedAnyway = retried.filter(({ response }) => response.headers['idempotent-replayed'] === 'true');
    const created = keyed(outcomes).filter(({ response }) => response.status === 201);
    expect(keyedRows).toBe(sizeOf(created) + sizeOf(committedAnyway));
    expect(await rowsOn(keyedAccountId)).toBe(sizeOf(keyed(outcomes)));

    // Without a key a 503 cannot say whether the write committed: at least every 201, at most one more per 503.
    const keyless = outcomes.filter((outcome) => outcome.write && outcome.write.key === undefined);
    const keylessRows = await rowsOn(keylessAccountId);
    expect(keylessRows).toBeGreaterThanOrEqual(keyless.filter(({ response }) => response.status === 201).length);
    expect(keylessRows).toBeLessThanOrEqual(keyless.length);
  }, 30_000);
});

describe('PostgreSQL shutting down under requests in flight', () => {
  it('answers 2xx or 503 with Retry-After, never 500, while it stops and once it is gone', async () => {
    let stoppedAt: number | undefined;
    const startedAt = Date.now();
    const stopping = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await server!.stop();
      server = undefined;
      stoppedAt = Date.now();
    })();
    const outcomes = await traffic(() => stoppedAt !== undefined && Date.now() - stoppedAt > 500);
    await stopping;
    expect(stoppedAt! - startedAt).toBeGreaterThan(0);
    for (const { write, response } of outcomes) expectSuccessOrRetryLater(response, write?.path ?? 'read');
    expect(outcomes.filter(({ response }) => response.status === 503).length).toBeGreaterThan(0);
  }, 30_000);
});

describe('problemFromDatabaseError for a lost connection', () => {
  // The states a real outage goes through that the tests above cannot stage on demand.
  it.each([
    ['57P02', 'terminating connection because of crash of another server process'],
    ['57P03', 'the database system is starting up'],
    ['08006', 'connection failure'],
    ['53300', 'sorry, too many clients already'],
    ['ECONNRESET', 'read ECONNRESET'],
  ])('answers %s (%s) with 503 and Retry-After', (code, message) => {
    const problem = problemFromDatabaseError(Object.assign(new Error(message), { code }));
    expect(problem).toMatchObject({ status: 503, type: '/problems/service-unavailable', headers: { 'Retry-After': '2' } });
  });

  it('finds the lost connection under the error that wraps it', () => {
    const wrapped = new Error('query failed', { cause: new Error('Connection terminated unexpectedly') });
    expect(problemFromDatabaseError(wrapped)?.status).toBe(503);
  });

  it('leaves an error that is not about the connection to answer 500', () => {
    expect(problemFromDatabaseError(Object.assign(new Error('division by zero'), { code: '22012' }))).toBeUndefined();
    expect(problemFromDatabaseError(new Error('something else'))).toBeUndefined();
  });
});
