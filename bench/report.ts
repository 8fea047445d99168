// Targets, ratios and the rendering of a run: the console table and BENCHMARKS.md.
import type { SeedInfo } from './db.ts';
import type { Measurement } from './scenarios.ts';

export type Row = Measurement & { target: string; pass: boolean | undefined };
export type Ratio = { name: string; value: number; target: number; pass: boolean | undefined };
export type Cluster = { single: Measurement; cluster: Measurement | undefined; scaling: number };

import type { ImportMeasurement } from './import.ts';
import type { InsertCost } from './insert-cost.ts';

export type RunReport = {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; postgres: string; database: string };
  seed: SeedInfo;
  settings: { connections: number; seconds: number; latencySeconds: number; warmupSeconds: number };
  rows: Row[];
  ratios: Ratio[];
  cluster: Cluster | undefined;
  imports: ImportMeasurement[] | undefined;
  insertCost?: InsertCost | undefined;
  plans: { title: string; sql: string; plan: string }[];
  notes: string[];
  /** The FastAPI peer's versions, or why it was not measured; undefined when no peer scenario ran. */
  peer?: string | undefined;
};

const latencyTargetMs = 5;

/** [ratio name, numerator scenario, denominator scenario, minimum]; all at the throughput connection count. */
const ratioTargets: [string, string, string, number][] = [
  ['list first page ÷ floor list', 'list', 'floor-list', 0.85],
  ['list deep page ÷ floor list', 'list-deep', 'floor-list', 0.85],
  ['get one ÷ floor list', 'get', 'floor-list', 1],
  ['create ÷ floor create', 'create', 'floor-create', 0.5],
  ['create ÷ FastAPI peer create', 'create', 'peer-create', 1.2],
  ['create, spread over 32 users ÷ FastAPI peer, spread', 'create-spread', 'peer-create-spread', 1.2],
  ['create, spread over 32 users ÷ floor, spread', 'create-spread', 'floor-create-spread', 0.5],
  ['create with Idempotency-Key ÷ create', 'create-idem', 'create', 0.7],
  ['create with Idempotency-Key ÷ create, spread over 32 users', 'create-idem-spread', 'create-spread', 0.7],
  ['create with Idempotency-Key ÷ floor create', 'create-idem', 'floor-create', 0.5],
  ['spending report heavy ÷ light', 'spending-heavy', 'spending-light', 0.7],
  ['spending report heavy ÷ floor naive scan (heavy)', 'spending-heavy', 'floor-naive', 20],
  ['spending report, arbitrary days: heavy ÷ light (informational)', 'spending-heavy-days', 'spending-light-days', 0],
  ['list first page ÷ FastAPI peer list (informational)', 'list', 'peer-list', 0],
  ['spending report heavy ÷ FastAPI peer naive report (informational)', 'spending-heavy', 'peer-naive', 0],
  ['list first page, metrics on ÷ metrics off', 'list', 'list-metrics-off', 0.95],
  ['create, metrics on ÷ metrics off', 'create', 'create-metrics-off', 0.95],
];

const clean = (m: Measurement) => m.errors === 0 && m.non2xx === 0;

/** Holds every measurement to its targets and computes the ratios; `latencyTargets` are the scenarios' own p50 limits. */
export function evaluate(
  measurements: Measurement[],
  throughputConnections: number,
  latencyTargets: ReadonlyMap<string, number> = new Map(),
): { rows: Row[]; ratios: Ratio[] } {
  const at32 = (id: string) => measurements.find((m) => m.id === id && m.connections === throughputConnections);
  const ratios: Ratio[] = ratioTargets.map(([name, top, bottom, target]) => {
    const a = at32(top);
    const b = at32(bottom);
    const value = a && b && !a.skipped && !b.skipped ? a.rps / b.rps : Number.NaN;
    return { name, value, target, pass: Number.isNaN(value) ? undefined : value >= target && clean(a!) && clean(b!) };
  });
  const rows = measurements.map((m): Row => {
    if (m.skipped) return { ...m, target: m.skipped, pass: undefined };
    if (m.server !== 'api') return { ...m, target: 'reference', pass: clean(m) };
    if (m.connections !== throughputConnections) {
      const limit = latencyTargets.get(m.id) ?? latencyTargetMs;
      return { ...m, target: `p50 < ${limit} ms`, pass: clean(m) && m.p50 < limit };
    }
    const own = ratios.filter((r) => ratioTargets.some(([name, top]) => name === r.name && top === m.id));
    const target = own.length ? own.map((r) => `≥ ${r.target}× ${r.name.split(' ÷ ')[1]}`).join(', ') : 'no errors';
    const ratiosPass = own.some((r) => r.pass === false) ? false : own.some((r) => r.pass === undefined) ? undefined : true;
    return { ...m, target, pass: clean(m) ? ratiosPass : false };
  });
  return { rows, ratios };
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const rps = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–');
const verdict = (pass: boolean | undefined) => (pass === undefined ? '–' : pass ? 'pass' : 'FAIL');
const failures = (m: Measurement) => `${m.errors} / ${m.non2xx}${m.non2xx ? ` (${Object.keys(m.statusCodes).filter((c) => !c.startsWith('2')).join(',')})` : ''}`;

function tableCells(row: Row): string[] {
  const others = row.othersCpu === undefined ? '–' : `${(row.othersCpu * 100).toFixed(0)} %`;
  return [row.scenario, String(row.connections), rps(row.rps), fixed(row.p50, 2), fixed(row.p99, 2), failures(row), row.target, verdict(row.pass), others];
}
const headers = ['scenario', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'errors / non-2xx', 'target', 'result', 'other CPU'];

export function renderConsole(report: RunReport): string {
  const lines = [headers, ...report.rows.map(tableCells)];
  const widths = headers.map((_, i) => Math.max(...lines.map((cells) => cells[i]!.length)));
  const text = lines.map((cells) => cells.map((cell, i) => (i >= 1 && i <= 4 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  '));
  const ratios = report.ratios.map((r) => `${r.name.padEnd(50)} ${fixed(r.value, 2).padStart(7)}×  (target ≥ ${r.target}×)  ${verdict(r.pass)}`);
  const cluster = report.cluster
    ? [`cluster: list first page ${rps(report.cluster.single.rps)} req/s with 1 worker → ${rps(report.cluster.cluster?.rps ?? Number.NaN)} with 2: ×${fixed(report.cluster.scaling, 2)}`]
    : [];
  return [...text, '', ...ratios, ...cluster, ...report.notes].join('\n');
}

/** What changed to reach the figures, and what was tried without gain: kept by hand, newest last. */
const changes = [
  'Slonik runs `DISCARD ALL` on every connection release by default: a round trip per request. Off; the only session state, the caller\'s name, is tracked per connection (src/db/user-scope.ts).',
  'Verified JWTs are cached until they expire.',
  'openapi-backend rebuilt its list of operations and a RegExp per path template on every request (8 % of a request\'s CPU): routing is precompiled once.',
  'Reads name the caller once per connection session (rechecked every second) instead of a `set_config` round trip per request. (Keyed at first by slonik\'s connectionId, which is new on every checkout, so it never hit; see below.)',
  'Ownership checks are folded into the INSERT; timestamps are parsed by string surgery (building a Date was 7 % of a list); the idempotency lock and lookup share one round trip.',
  'Budget status sums whole months from the aggregates: 36 ms → 2 ms. The category aggregate has no account dimension.',
  'Imports insert 5,000 rows per statement while the next chunk parses.',
  'pino-http serialised and redacted the whole request into a child logger on every request, logged or not (6 % of a list request\'s CPU): replaced by src/http/request-log.ts. helmet\'s dozen middlewares are replaced by its headers computed once (3 %).',
  'A create without an Idempotency-Key is one INSERT, atomic on its own: it no longer wraps itself in BEGIN and COMMIT (three round trips → one; create 0.41–0.55× → 0.8× the floor).',
  'Every statement is a named prepared statement, planned once per connection (planning was half of a multi-year report\'s database time and a tenth of a list\'s).',
  'Reports read from indexes alone: the (user, date) index carries the columns the partial-month edges sum, and the aggregate\'s key carries its totals (heavy arbitrary-day report p50 7.0 → 3.2 ms). Edges are one range scan each, never spanning months.',
  'Spending by category sums per category before joining the categories: 32 rows instead of 1,120 for the heavy user (heavy whole-month report 1,104 → 2,423 req/s).',
  'Bulk writes (arrays over 100 elements) stay unnamed: a reused generic plan misjudged a 5,000-row import chunk (+9 %). Cash flow looks the category kinds up once instead of joining them per aggregate row, which a generic plan did by 1,177 index probes (1.9 → 0.7 ms).',
  'The caller\'s name is remembered per physical connection. Slonik gives every checkout a fresh connectionId, so the cache keyed by it had never hit: every request paid an `app_begin_session` round trip (list 0.62× → 0.82×, create 0.50× → 0.70×).',
  'The merchant and account reports sum per category and merchant (or account) before joining, and read the merchant aggregate index-only (its key carries the totals, migration 0009): heavy user, 3 years, 12 ms → 5 and 3 ms at one connection.',
  'Spending by week or day (read from the transactions) sums per day and category before picking the expense categories by id, instead of a generic plan\'s index probe per transaction: heavy user, ten months by week, 60 → 19 ms.',
  'A create filed under a category is one statement: its lesson goes in with the row (a CTE keeping only the inserted rows\' lessons), and folding lessons into the stored model every sixteen runs after the commit. BEGIN, the lesson append and COMMIT are gone, and the account\'s balance row is no longer locked across round trips (one-account create 232–276 → 266–371 req/s, 0.43× → 0.48–0.65× the floor).',
  'One statement trigger keeps the revision, the volumes, the report totals and the balances on insert (migration 0018), instead of four, the report totals no longer through jsonb; a single-row INSERT 1.29–1.96 → 0.99–1.13 ms on a 100,000-row user (a plain table: 0.69–0.81 ms; so 0.45–0.54× → 0.62–0.70× of it).',
  'One Ajv per set of options compiles every validator of the contract (src/http/contract.ts, through openapi-backend\'s `customizeAjv`), instead of a new Ajv, and a new compile of the JSON Schema meta-schema, per schema: the contract\'s init 0.96–1.2 → 0.48–0.57 s, every response validator 0.96–1.06 → 0.43–0.55 s, RSS after init −10 MiB.',
  'The image sizes V8\'s heap for its 1 GiB Fargate task (`--max-old-space-size=512`, what V8 derives from 1 GiB, and `--max-semi-space-size=16`), and the bench starts the API with the Dockerfile\'s CMD itself: on this 24 GiB host V8 had let a ~40 MB live heap grow to ~300 MB. RSS after the load scenarios 383 → 184 MiB, import peaks 385/476 → 204/222 MiB, throughput within the noise.',
  'A create that is one statement checks its Idempotency-Key as it stores the reply (one statement that takes the key\'s advisory lock and inserts the answer unless the key holds one), not in a lookup before the create: BEGIN, create, store, COMMIT, one round trip fewer. A replay rolls the repeated create back and answers what is stored. Interleaved runs, one account: create with a key 218–228 → 253–266 req/s, ÷ create 0.56–0.67 → 0.72–0.91; spread over 32 users 351–435 → 370–478 req/s.',
  'Statement import is bound by the database (the API\'s CPU profile: 17 s busy, 50 s idle over both imports). One 5,000-row chunk on the bench database costs 84 µs a row as shipped; without the trigram search index 67 µs, with every trigger (foreign keys included) disabled 60 µs, with the triggers and all secondary indexes gone 41 µs: the 2.5 s target needs about 25 µs, below what the heap, the primary key and the conflict check cost alone. Raising the search index\'s `gin_pending_list_limit` to 64 MB, and dropping `ON CONFLICT` (a probe only), stayed within the noise.',
  'Tried without gain: a larger V8 young generation (`--max-semi-space-size=32`); the API\'s CPU per list request stayed within the noise (371–407 µs either way).',
];

const howToRun = `## How to run

\`\`\`sh
npm run bench:seed   # once: recreates database spendsense_bench (embedded in .data/bench, or on DATABASE_URL's server)
npm run bench        # builds, measures, rewrites this file (raw numbers in .data/bench-results.json)
\`\`\`

Seed size: \`BENCH_USERS\` (1000), \`BENCH_TXNS_PER_USER\` (1000), \`BENCH_HEAVY_TXNS\` (100000), \`BENCH_YEARS\` (3), or the flags \`-- --users=… --txns-per-user=… --heavy-txns=… --years=…\`. Run knobs: \`BENCH_DURATION\`, \`BENCH_LATENCY_DURATION\`, \`BENCH_WARMUP\`, \`BENCH_CONNECTIONS\`, \`BENCH_RETRIES\`; \`BENCH_ONLY\` (comma-separated ids: list, list-deep, get, create, create-idem, create-spread, create-idem-spread, insert-cost, budget-light, budget-heavy, spending-light, spending-heavy, spending-light-days, spending-heavy-days, cash-flow, insights-forecast, insights-anomalies, insights-recurring, import, list-metrics-off, create-metrics-off, floor-list, floor-create, floor-create-spread, floor-naive, peer-list, peer-create, peer-create-spread, peer-naive) measures only those, without cluster mode and without touching this file; \`BENCH_CPU_PROF=1\` writes the API's CPU profiles to .data/bench-profiles/.`;

function machineAndRun(r: RunReport): string {
  const { seed, settings: s, machine: m } = r;
  return `## Machine and run

- Date: ${r.date}
- CPU: ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB RAM; the load generator (autocannon), the API and PostgreSQL share them
- Node ${m.node}; PostgreSQL ${m.postgres} (${m.database}, default settings)
${r.peer ? `- FastAPI peer: ${r.peer}\n` : ''}- Dataset (\`npm run bench:seed\`, ${seed.seconds} s on ${seed.seededAt.slice(0, 10)}): ${seed.users.toLocaleString('en-US')} users × ${seed.txnsPerUser.toLocaleString('en-US')} transactions and one heavy user × ${seed.heavyTxns.toLocaleString('en-US')}, over ${seed.years} years — ${Object.entries(seed.counts).map(([k, v]) => `${k.replaceAll('_', ' ')} ${v.toLocaleString('en-US')}`).join(', ')}
- Each scenario: ${s.connections} connections for ${s.seconds} s after a ${s.warmupSeconds} s warm-up (throughput), then 1 connection for ${s.latencySeconds} s after 1 s (latency), over loopback; before each run the harness waits until PostgreSQL has no query left from the previous one`;
}

function method(s: RunReport['settings']): string {
  return `## Method

- **API**: the production build (\`node dist/server.js\`, \`NODE_ENV=production\`, so responses are not validated against the contract; requests are), \`LOG_LEVEL=warn\`, one process with a pool of 10 connections as \`spendsense_app\` under row-level security, one transaction per request, JWT bearer tokens (\`JWT_TTL_SECONDS=86400\`, so none expires mid-run).
- **Metrics**: the API runs as the image does, with the Dockerfile's CMD (\`node --max-old-space-size=512 --max-semi-space-size=16 --import ./dist/observability/tracing.js dist/server.js\`; no OTLP endpoint, so no tracing), with \`RATE_LIMITS=off\` and its Prometheus metrics on (\`METRICS_PORT\`: request count and duration per operation, process metrics, the event-loop monitor). The "(metrics off)" rows are the list and the create again on a second API with \`METRICS_PORT=off\`, started right after the first one stops; the ratios "metrics on ÷ metrics off" hold the metrics' cost to 5 %.
- **Floor** (bench/floor.ts): \`node:http\` + \`pg\` (pool of 10) running the API's own statements for the list and the create (built by its query modules, bench/sql.ts: the create is the API's insert, which takes the currency from the account and checks the category) and the naive spending-by-category query over the transactions table. No framework, no validation, no auth (the user id comes in a header), no transaction and no \`set_config\` per request, no logging — and it **connects as the owner, so row-level security does not apply**. It is the cost of HTTP plus the SQL alone.
- **FastAPI peer** (bench/peer/): the seed's stack, what a user would otherwise pick — FastAPI with pydantic models and an asyncpg pool of 10 (statements prepared and cached, asyncpg's default), one uvicorn process like the API and the floor (with uvloop and httptools when Debian has them, as \`uvicorn[standard]\` brings), no access log. Its tables are a plain schema \`plain\` in the same database (bench/peer/schema.sql: uuid keys, foreign keys to users, accounts and categories, one (user, date, id) index; no triggers, aggregates or row-level security), copied from the seeded ledger once per seed, so it serves the same rows under the same ids. It answers the floor's three requests at the floor's paths with the user id in the same header (no auth): the first page of 50 by keyset cursor, a create whose body pydantic validates (integer minor units) and whose single INSERT checks that the account and the category are the caller's, and the naive spending-by-category scan. Its Python packages are Debian's, installed by the bench with apt-get when missing; when they cannot be (not root, apt fails), its rows are skipped and a note says why.
- Users: the heavy user for the list, get, deep page (cursor after ~20 pages of 50), budget status (heavy) and reports; \`bench-1\` as the light user; \`bench-2\` receives the creates on one account, and \`bench-3\` … \`bench-34\` the spread ones, each request the next user's, on the API, the floor and the peer alike (the rows created are deleted after the run). Budget status is the monthly "Eating out" budget of the Food & Drink group with rollover since the start of the data.
- "other CPU" is the share of the machine's CPU that processes outside the bench (say, a test suite) used during the measurement, read from /proc; a measurement above 10 % is repeated up to twice (after waiting for a quiet moment) and the least disturbed one is kept.
- req/s counts every response; p50 and p99 are computed from each response's own time. "errors" are socket errors and timeouts; any non-2xx answer also fails the row.
- Targets: at ${s.connections} connections list ≥ 0.85× and get ≥ 1× the floor's list; create ≥ 0.5× the floor's create and ≥ 1.2× the FastAPI peer's, both with all writers on one account and spread over 32 users; create with an Idempotency-Key ≥ 0.7× the create without; the heavy user's spending report ≥ 0.7× the light user's and ≥ 20× the floor's naive scan, list and create with metrics on ≥ 0.95× with them off; at 1 connection every API operation p50 < ${latencyTargetMs} ms (the insights over the heavy user's whole history: < 20 ms); no errors anywhere.`;
}

function results(r: RunReport): string {
  const table = [`| ${headers.join(' | ')} |`, `|${headers.map(() => ' --- ').join('|')}|`, ...r.rows.map((row) => `| ${tableCells(row).join(' | ')} |`)];
  const ratios = ['| ratio | measured | target | result |', '| --- | --- | --- | --- |',
    ...r.ratios.map((x) => `| ${x.name} | ${fixed(x.value, 2)}× | ≥ ${x.target}× | ${verdict(x.pass)} |`)];
  return `## Results

${table.join('\n')}

## Ratios

${ratios.join('\n')}`;
}

function statementImport(r: RunReport): string {
  return `## Statement import

${r.imports ? ['| file | rows | seconds | rows created | API RSS before → peak (MiB) | target |', '| --- | --- | --- | --- | --- | --- |',
  ...r.imports.map((i, n) => `| ${fixed(i.mib, 1)} MiB CSV | ${i.rows.toLocaleString('en-US')} | ${fixed(i.seconds, 2)} | ${i.created.toLocaleString('en-US')} | ${fixed(i.rssBeforeMiB, 0)} → ${fixed(i.rssPeakMiB, 0)} | ${n === 0 ? `under 2.5 s: ${i.seconds < 2.5 ? 'pass' : 'FAIL'}` : 'memory flat'} |`)].join('\n') : 'Not measured.'}

POST /v1/accounts/{id}/imports with a generated bank-style CSV (date, description, amount), end to end: upload, streamed parse, fingerprinting, 5,000-row multi-row inserts with the balance and report triggers, the import record. The file streams to disk and the parse streams from it, so the API's memory follows the chunk size, not the file.`;
}

/** The schema's write amplification: the same INSERT on the schema and on a plain table. */
const insertCostTarget = 0.6;

function insertCost(r: RunReport): string {
  const c = r.insertCost;
  return `## Insert cost

${c ? `The API's single-row INSERT, ${c.rounds} alternating rounds of ${c.rowsPerRound.toLocaleString('en-US')} autocommit statements on one connection (bench/insert-cost.ts): **${fixed(c.schemaMs, 3)} ms** per row into \`transactions\`, **${fixed(c.plainMs, 3)} ms** into a plain copy (same columns and defaults, primary key only): the schema runs at **${fixed(c.ratio, 2)}×** the plain table (target ≥ ${insertCostTarget}×: ${c.ratio >= insertCostTarget ? 'pass' : 'FAIL'}). Commits do not wait for the WAL flush here, so this is the database's work per row.` : 'Not measured.'}`;
}

function clusterMode(r: RunReport): string {
  const c = r.cluster;
  const { settings: s, machine: m } = r;
  return `## Cluster mode

${c ? `List first page at ${s.connections} connections: ${rps(c.single.rps)} req/s with one process, ${rps(c.cluster?.rps ?? Number.NaN)} req/s with \`WEB_CONCURRENCY=2\` (errors / non-2xx ${c.cluster ? failures(c.cluster) : '–'}): **×${fixed(c.scaling, 2)}**. With ${m.cpus} cores shared by the load generator and PostgreSQL, a second worker mostly competes for the same CPUs.` : 'Not measured.'}`;
}

function queryPlans(r: RunReport): string {
  return `## Query plans

\`EXPLAIN (ANALYZE, BUFFERS)\` for the heavy user, run as the owner (no row-level-security filter) against the bench database after the run, on a warm cache. Add queries in bench/plans.ts.

${r.plans.map((p) => `### ${p.title}\n\n\`\`\`sql\n${p.sql}\n\`\`\`\n\n\`\`\`text\n${p.plan}\n\`\`\`\n`).join('\n')}`;
}

export function renderMarkdown(r: RunReport): string {
  return `# Benchmarks

Written by \`npm run bench\` (bench/run.ts) — rerun it rather than editing this file; the text lives in bench/report.ts.

${howToRun}

${machineAndRun(r)}

${method(r.settings)}

${results(r)}

${statementImport(r)}

${insertCost(r)}

${clusterMode(r)}
${r.notes.length ? `\n## Notes\n\n${r.notes.map((n) => `- ${n}`).join('\n')}\n` : ''}
## What was changed to reach these figures

Found with \`BENCH_CPU_PROF=1\` profiles, \`strace -c\` round-trip counts and \`EXPLAIN ANALYZE\` (the plans below), in the order they were made:

${changes.map((change) => `- ${change}`).join('\n')}

${queryPlans(r)}`;
}
