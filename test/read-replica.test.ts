// Reports and insights from a read replica: the server (a child process) on a primary of its own
// and a real hot standby streaming from it (test/helpers/replica.ts). What each server ran is read
// from its pg_stat_statements: the standby answers the reads, the primary every write; a lagging
// standby answers the past but never leaves it in the insights cache; a caller the standby has not
// replayed yet, and a standby that is gone, are answered by the primary.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addMonths } from '../src/calendar.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { ensureDatabase } from '../src/db/embedded.ts';
import { readOnlySessions } from '../src/db/read-replica.ts';
import { contractClient, type ContractClient, type Schema } from './helpers/app.ts';
import { categoriesOf, categoryNamed, createAccount, newUser, type TestAccount, type TestCategory, type TestUser } from './helpers/factories.ts';
import { query, startReplicatedPostgres, type ReplicatedPostgres } from './helpers/replica.ts';
import { startServerProcess, type ServerProcess } from './helpers/server-process.ts';

describe('Config.databaseReadUrl', () => {
  const primary = { DATABASE_URL: 'postgres://app@primary:5432/spendsense', JWT_SECRET: 'x'.repeat(32) };

  it('is DATABASE_READ_URL as given, or absent', () => {
    expect(loadConfig({ ...primary, DATABASE_READ_URL: 'postgres://app@replica:5432/spendsense' }).databaseReadUrl).toBe('postgres://app@replica:5432/spendsense');
    expect(loadConfig(primary).databaseReadUrl).toBeUndefined();
  });

  it('is assembled from DB_READ_HOST with the primary’s DB_* credentials (the ECS secrets)', () => {
    const env = { DB_HOST: 'primary.rds', DB_READ_HOST: 'replica.rds', DB_USER: 'app', DB_PASSWORD: 'p@ss', DB_NAME: 'spendsense', DB_SSLMODE: 'verify-full', JWT_SECRET: 'x'.repeat(32) };
    expect(loadConfig(env).databaseReadUrl).toBe('postgres://app:p%40ss@replica.rds:5432/spendsense?sslmode=verify-full');
    expect(loadConfig({ ...env, DB_READ_PORT: '6432' }).databaseReadUrl).toBe('postgres://app:p%40ss@replica.rds:6432/spendsense?sslmode=verify-full');
  });

  it('refuses a replica without the primary it replicates', () => {
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://app@replica/spendsense', JWT_SECRET: 'x'.repeat(32) })).toThrow(ConfigError);
  });

  it('opens read-only sessions, keeping the URL’s own options', () => {
    const url = new URL(readOnlySessions('postgres://app@replica/spendsense?options=-c%20work_mem%3D8MB&sslmode=require'));
    expect(url.searchParams.get('options')).toBe('-c work_mem=8MB -c default_transaction_read_only=on');
    expect(url.searchParams.get('sslmode')).toBe('require');
  });
});

const appDatabase = 'spendsense';
let servers: ReplicatedPostgres;
let server: ServerProcess;
let api: ContractClient;
let primaryApp: string;

/** The statements the app ran in its database on one server: text, calls, and the id both servers give a statement. */
async function appStatements(url: string): Promise<{ queryid: string; query: string; calls: number }[]> {
  return query(
    url,
    `select queryid::text, query, calls::int from pg_stat_statements
     where dbid = (select oid from pg_database where datname = $1) and calls > 0`,
    [appDatabase],
  );
}

const thisMonth = new Date().toISOString().slice(0, 7);
const monthly = (monthsAgo: number) => `${addMonths(thisMonth, -monthsAgo)}-14`;
const from = `${addMonths(thisMonth, -12)}-01`;
const to = new Date().toISOString().slice(0, 10);

let user: TestUser;
let account: TestAccount;
let streaming: TestCategory;

async function charge(date: string) {
  const row = { account_id: account.id, date, amount: -1549, description: 'NETFLIX.COM', merchant: 'Netflix', category_id: streaming.id };
  expect((await api.post('/v1/transactions', row, { token: user.token })).status).toBe(201);
}

async function spendingTotal(token = user.token): Promise<number> {
  const response = await api.get(`/v1/reports/spending?from=${from}&to=${to}`, { token });
  expect(response.status).toBe(200);
  return response.body.total as number;
}

async function netflixCharges(): Promise<number | undefined> {
  const response = await api.get('/v1/insights/recurring', { token: user.token });
  expect(response.status).toBe(200);
  return (response.body.data as Schema<'RecurringSeries'>[]).find((stream) => stream.merchant === 'Netflix')?.transaction_count;
}

describe('reports and insights on a streaming replica', () => {
  beforeAll(async () => {
    servers = await startReplicatedPostgres({ preload: ['pg_stat_statements'] });
    // The view lives in the postgres database; it shows every database's statements.
    await query(servers.primaryUrl, 'create extension pg_stat_statements');
    primaryApp = await ensureDatabase(servers.primaryUrl, appDatabase);
    const standbyApp = new URL(servers.standbyUrl);
    standbyApp.pathname = `/${appDatabase}`;
    server = startServerProcess({ DATABASE_URL: primaryApp, DATABASE_READ_URL: standbyApp.toString() });
    const port = await server.listening();
    // supertest takes an origin as well as an app: every answer is still held to the contract.
    api = contractClient(`http://127.0.0.1:${port}` as never);

    user = await newUser(api, {}, { autoCategorize: false });
    account = await createAccount(api, user);
    streaming = categoryNamed(await categoriesOf(api, user), 'Streaming', 'Subscriptions');
    // Eleven monthly charges, a year back to two months ago: a recurring stream.
    for (let monthsAgo = 12; monthsAgo >= 2; monthsAgo -= 1) await charge(monthly(monthsAgo));
    await servers.caughtUp();
  }, 60_000);

  afterAll(async () => {
    await server?.kill();
    await servers?.stop();
  });

  it('are answered by the standby, right, with nothing of theirs run on the primary', async () => {
    await query(servers.primaryUrl, 'select pg_stat_statements_reset()');
    expect(await spendingTotal()).toBe(11 * 1549);
    expect(await netflixCharges()).toBe(11);
    for (const path of [
      `/v1/reports/cash-flow?from=${from.slice(0, 7)}&to=${thisMonth}`,
      '/v1/reports/trends?months=6',
      '/v1/insights/forecast?months=2',
      `/v1/insights/anomalies?from=${from}&to=${to}`,
    ]) {
      expect({ path, status: (await api.get(path, { token: user.token })).status }).toEqual({ path, status: 200 });
    }

    const onStandby = await appStatements(servers.standbyUrl);
    expect(onStandby.some((row) => row.query.includes('app_begin_session'))).toBe(true);
    expect(onStandby.some((row) => row.query.includes('ledger_revisions'))).toBe(true);
    const standbyIds = new Set(onStandby.map((row) => row.queryid));
    expect((await appStatements(servers.primaryUrl)).filter((row) => standbyIds.has(row.queryid))).toEqual([]);
    const [sessions] = await query<{ count: number }>(
      servers.standbyUrl,
      `select count(*)::int as count from pg_stat_activity where datname = $1 and backend_type = 'client backend'`,
      [appDatabase],
    );
    expect(sessions!.count).toBeGreaterThan(0);
  });

  it('never send a write to the standby', async () => {
    const writing = (row: { query: string }) => /\b(insert|update|delete|merge)\b/i.test(row.query);
    await createAccount(api, user);
    expect((await appStatements(servers.primaryUrl)).filter(writing).length).toBeGreaterThan(0);
    // Every write the test made so far (sign-ups, accounts, eleven charges) ran on the primary only.
    expect((await appStatements(servers.standbyUrl)).filter(writing)).toEqual([]);
  });

  it('lag behind a write by the replay, and the insights cache forgets the stale answer once the standby catches up', async () => {
    await servers.pauseReplay();
    try {
      await charge(monthly(1));
      // The write committed on the primary; the standby has not replayed it: the past is answered.
      expect(await spendingTotal()).toBe(11 * 1549);
      expect(await netflixCharges()).toBe(11);
      // A caller signed up on the primary moments ago is unknown to the standby: the primary answers, not a 401.
      const newcomer = await newUser(api);
      expect(await spendingTotal(newcomer.token)).toBe(0);
      await server.waitForLog((line) => /not replayed the caller/.test(line.msg), 5_000);
    } finally {
      await servers.resumeReplay();
    }
    await servers.caughtUp();
    // Cached under the older revision read with it, the stale analysis is not the answer now.
    expect(await netflixCharges()).toBe(12);
    expect(await spendingTotal()).toBe(12 * 1549);
  });

  it('are answered by the primary while the standby is down', async () => {
    await servers.stopStandby();
    await query(servers.primaryUrl, 'select pg_stat_statements_reset()');
    expect(await spendingTotal()).toBe(12 * 1549);
    expect(await netflixCharges()).toBe(12);
    await server.waitForLog((line) => /read replica unreachable/.test(line.msg), 5_000);
    expect((await appStatements(servers.primaryUrl)).some((row) => row.query.includes('ledger_revisions'))).toBe(true);
  });

  it('shut down cleanly with the replica pool among the pools', async () => {
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });
});
