/**
 * The spending forecast's evaluation: rolling origin over generated monthly series (the last 12
 * origins of each, horizons 1–3), against seasonal naive, naive and the 12-month mean, with the
 * intervals' coverage, the effect of passing known recurring charges, and the time per series.
 * Returns its section of EVALUATION.md; the runner (eval/insights.ts) writes it.
 */
import type { OneStepMemo } from '../../src/features/insights/forecast-combination.ts';
import { forecastSeries, forecastSpending, type ForecastInput, type ForecastPoint } from '../../src/features/insights/forecast.ts';
import { generateSpendingSeries, householdTotals, knownRecurringAt, type SpendingSeries } from './forecast-ledgers.ts';

type Target = { name: string; value: number; target: string; met: boolean };

const evaluatedOrigins = 12;
const horizons = 3;
/** Origins with fewer months than this are not scored (a forecast from one or two months says little). */
const firstOrigin = 3;

type Bucket = 'long' | 'short' | 'veryShort';
const bucketOf = (months: number): Bucket => (months >= 24 ? 'long' : months >= 7 ? 'short' : 'veryShort');
const bucketTitles: Record<Bucket, string> = { long: '24–47 months of history', short: '7–23 months', veryShort: '3–6 months (trimmed mean)' };

/**
 * Sums of absolute errors, each divided by its series' mean monthly spending so every series
 * weighs alike; and of signed errors of `predicted` and `expected` against the actual spending.
 */
type Tally = {
  forecasts: number;
  method: number;
  seasonalNaive: number;
  naive: number;
  mean12: number;
  covered80: number;
  covered95: number;
  actual: number;
  predictedBias: number;
  expectedBias: number;
};
const emptyTally = (): Tally => ({ forecasts: 0, method: 0, seasonalNaive: 0, naive: 0, mean12: 0, covered80: 0, covered95: 0, actual: 0, predictedBias: 0, expectedBias: 0 });

function baselines(history: readonly number[], step: number): { seasonalNaive: number; naive: number; mean12: number } {
  const n = history.length;
  const last = history[n - 1] ?? 0;
  const recent = history.slice(-12);
  return {
    seasonalNaive: n >= 12 ? (history[n - 12 + step] ?? 0) : last,
    naive: last,
    mean12: recent.reduce((sum, value) => sum + value, 0) / recent.length,
  };
}

type Scored = { actual: number; point: ForecastPoint; expected: number };

function score(tally: Tally, { actual, point, expected }: Scored, history: readonly number[], step: number, scale: number): void {
  const base = baselines(history, step);
  tally.forecasts++;
  tally.actual += actual / scale;
  tally.predictedBias += (point.predicted - actual) / scale;
  tally.expectedBias += (expected - actual) / scale;
  tally.method += Math.abs(actual - point.predicted) / scale;
  tally.seasonalNaive += Math.abs(actual - base.seasonalNaive) / scale;
  tally.naive += Math.abs(actual - base.naive) / scale;
  tally.mean12 += Math.abs(actual - base.mean12) / scale;
  if (actual >= point.lower_80 && actual <= point.upper_80) tally.covered80++;
  if (actual >= point.lower_95 && actual <= point.upper_95) tally.covered95++;
}

/**
 * How known recurring charges are passed: not at all; the stable streams as `known` with
 * `knownHistory`; the stable ones as `known` alone (a floor); every stream, energy bills included,
 * as `known` alone.
 */
type KnownMode = 'none' | 'withHistory' | 'floorStable' | 'floorAll';

function inputAt(one: SpendingSeries, origin: number, horizon: number, mode: KnownMode): ForecastInput {
  const history = one.monthly.slice(0, origin);
  if (mode === 'none') return { history, horizon };
  const { past, upcoming } = knownRecurringAt(one, origin, horizon, mode === 'floorAll' ? 'all' : 'stable');
  return mode === 'withHistory' ? { history, horizon, known: upcoming, knownHistory: past } : { history, horizon, known: upcoming };
}

type Tallies = Record<Bucket, Tally>;
const emptyTallies = (): Tallies => ({ long: emptyTally(), short: emptyTally(), veryShort: emptyTally() });

/** One-step fits per series, shared by its origins and by the modes that model the same history. */
const memos = new WeakMap<SpendingSeries, OneStepMemo>();

/** One series forecast at each of its last origins. */
function rollingOrigin(one: SpendingSeries, mode: KnownMode): Tallies {
  const memo = memos.get(one) ?? new Map();
  memos.set(one, memo);
  const tallies = emptyTallies();
  const months = one.monthly.length;
  const scale = one.monthly.reduce((sum, value) => sum + Math.abs(value), 0) / months || 1;
  for (let origin = Math.max(firstOrigin, months - evaluatedOrigins); origin < months; origin++) {
    const horizon = Math.min(horizons, months - origin);
    const input = inputAt(one, origin, horizon, mode);
    const { points, expected } = forecastSeries(input, memo);
    points.forEach((point, step) => {
      const scored = { actual: one.monthly[origin + step] ?? 0, point, expected: expected[step] ?? 0 };
      score(tallies[bucketOf(origin)], scored, input.history, step, scale);
    });
  }
  return tallies;
}

function sum(parts: readonly Tallies[]): Tallies {
  const total = emptyTallies();
  for (const part of parts) {
    for (const bucket of ['long', 'short', 'veryShort'] as const) {
      for (const key of Object.keys(total[bucket]) as (keyof Tally)[]) total[bucket][key] += part[bucket][key];
    }
  }
  return total;
}

type Timing = { cpuMedian: number; cpuP95: number; wallMedian: number; wallP95: number; cpuMedianLong: number };

/**
 * Milliseconds per series for forecastSpending (12 months ahead, backtest included), warm: after a
 * first pass over 20. CPU time is the figure held to the target: wall time also counts whatever
 * else the machine runs.
 */
function timing(series: readonly SpendingSeries[]): Timing {
  const inputs = series.map((one) => ({ history: one.monthly, horizon: 12 }));
  for (const input of inputs.slice(0, 20)) forecastSpending(input);
  const runs = inputs.map((input) => {
    const wallStarted = performance.now();
    const cpuStarted = process.cpuUsage();
    forecastSpending(input);
    const cpu = process.cpuUsage(cpuStarted);
    return { cpu: (cpu.user + cpu.system) / 1000, wall: performance.now() - wallStarted, long: input.history.length >= 24 };
  });
  const at = (values: number[], share: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0;
  };
  const cpu = runs.map((run) => run.cpu);
  const wall = runs.map((run) => run.wall);
  return { cpuMedian: at(cpu, 0.5), cpuP95: at(cpu, 0.95), wallMedian: at(wall, 0.5), wallP95: at(wall, 0.95), cpuMedianLong: at(runs.filter((run) => run.long).map((run) => run.cpu), 0.5) };
}

export function evaluationSeries(seed: number): SpendingSeries[] {
  return [
    ...generateSpendingSeries({ seed, households: 24, months: { min: 24, max: 48 } }),
    // Households that joined recently: a few months of history only.
    ...generateSpendingSeries({ seed: seed + 10_000, households: 6, months: { min: 7, max: 18 }, idPrefix: 'n' }),
  ];
}

const ratio = (value: number, baseline: number) => (baseline > 0 ? value / baseline : Number.NaN);
const share = (count: number, total: number) => (total > 0 ? count / total : Number.NaN);
const fixed = (value: number, digits = 3) => (Number.isNaN(value) ? '–' : value.toFixed(digits));
const percent = (value: number) => (Number.isNaN(value) ? '–' : `${(100 * value).toFixed(1)} %`);

function targetsOf(tallies: Tallies, time: Timing): Target[] {
  const targets: Target[] = [];
  for (const bucket of ['long', 'short'] as const) {
    const tally = tallies[bucket];
    const relative = ratio(tally.method, tally.seasonalNaive);
    const c80 = share(tally.covered80, tally.forecasts);
    const c95 = share(tally.covered95, tally.forecasts);
    const label = bucketTitles[bucket];
    targets.push(
      { name: `forecast MAE ÷ seasonal naive MAE, ${label}`, value: relative, target: '≤ 0.93', met: relative <= 0.93 },
      { name: `80 % interval coverage, ${label}`, value: c80, target: '0.75–0.85', met: c80 >= 0.75 && c80 <= 0.85 },
      { name: `95 % interval coverage, ${label}`, value: c95, target: '0.90–1.00', met: c95 >= 0.9 },
    );
  }
  targets.push({ name: 'forecastSpending CPU ms per series (12 months, backtest included), median, warm', value: time.cpuMedian, target: '< 40', met: time.cpuMedian < 40 });
  return targets;
}

const signedPercent = (value: number) => (Number.isNaN(value) ? '–' : `${value >= 0 ? '+' : '−'}${Math.abs(100 * value).toFixed(1)} %`);

function accuracyRows(tallies: Tallies, label: (bucket: Bucket) => string, withBias = false): string[] {
  return (['long', 'short', 'veryShort'] as const).map((bucket) => {
    const tally = tallies[bucket];
    const bias = withBias ? ` ${signedPercent(ratio(tally.predictedBias, tally.actual))} | ${signedPercent(ratio(tally.expectedBias, tally.actual))} |` : '';
    return (
      `| ${label(bucket)} | ${tally.forecasts} | ${fixed(ratio(tally.method, tally.seasonalNaive))} | ${fixed(ratio(tally.method, tally.naive))} | ` +
      `${fixed(ratio(tally.method, tally.mean12))} | ${percent(share(tally.covered80, tally.forecasts))} | ${percent(share(tally.covered95, tally.forecasts))} |${bias}`
    );
  });
}

/**
 * The four ways of passing known charges over the series with recurring streams. A mode that
 * passes nothing more than another for a series (no stable stream, or no variable one) reuses
 * that one's figures rather than forecasting again.
 */
function knownComparison(series: readonly SpendingSeries[], plain: readonly Tallies[]): Record<KnownMode, Tallies> {
  const modes: Record<KnownMode, Tallies[]> = { none: [], withHistory: [], floorStable: [], floorAll: [] };
  series.forEach((one, index) => {
    if (one.recurring.length === 0) return;
    const none = plain[index] as Tallies;
    const hasStable = one.recurring.some((stream) => stream.stable);
    const floorStable = hasStable ? rollingOrigin(one, 'floorStable') : none;
    modes.none.push(none);
    modes.withHistory.push(hasStable ? rollingOrigin(one, 'withHistory') : none);
    modes.floorStable.push(floorStable);
    modes.floorAll.push(one.recurring.every((stream) => stream.stable) ? floorStable : rollingOrigin(one, 'floorAll'));
  });
  return { none: sum(modes.none), withHistory: sum(modes.withHistory), floorStable: sum(modes.floorStable), floorAll: sum(modes.floorAll) };
}

export async function evaluateForecast(seed = 1): Promise<{ markdown: string; targets: Target[] }> {
  const started = performance.now();
  const series = evaluationSeries(seed);
  const perSeries = series.map((one) => rollingOrigin(one, 'none'));
  const plain = sum(perSeries);
  const totals = sum(householdTotals(series).map((one) => rollingOrigin(one, 'none')));
  const byCategory = new Map<string, Tallies>();
  series.forEach((one, index) => byCategory.set(one.category, sum([byCategory.get(one.category) ?? emptyTallies(), perSeries[index] as Tallies])));
  const known = knownComparison(series, perSeries);
  const time = timing(series);
  const targets = targetsOf(plain, time);
  const seconds = (performance.now() - started) / 1000;
  const markdown = renderForecastSection({ seed, series, plain, totals, byCategory, known, time, targets, seconds });
  return { markdown, targets };
}

type Facts = {
  seed: number;
  series: readonly SpendingSeries[];
  plain: Tallies;
  totals: Tallies;
  byCategory: Map<string, Tallies>;
  known: Record<KnownMode, Tallies>;
  time: Timing;
  targets: Target[];
  seconds: number;
};

const knownModes: KnownMode[] = ['none', 'withHistory', 'floorStable', 'floorAll'];
const knownModeTitles: Record<KnownMode, string> = {
  none: 'not passed',
  withHistory: 'stable as known + knownHistory',
  floorStable: 'stable as known alone (floor)',
  floorAll: 'all as known alone (floor)',
};
const forecastCount = (tallies: Tallies) => tallies.long.forecasts + tallies.short.forecasts + tallies.veryShort.forecasts;

/** MAE ÷ seasonal naive per category, with two years of history and with less. */
function categoryRows(byCategory: ReadonlyMap<string, Tallies>): string[] {
  const categories = [...byCategory.keys()].sort();
  const cell = (tally: Tally) => fixed(ratio(tally.method, tally.seasonalNaive));
  return [
    `| MAE ÷ seasonal naive | ${categories.join(' | ')} |`,
    `| --- | ${categories.map(() => '---:').join(' | ')} |`,
    ...(['long', 'short'] as const).map((bucket) => `| ${bucketTitles[bucket]} | ${categories.map((name) => cell((byCategory.get(name) as Tallies)[bucket])).join(' | ')} |`),
  ];
}

/** What falls short: missed targets, the categories where seasonal naive does better, what known charges change. */
function shortfalls(facts: Facts): string {
  const failing = facts.targets.filter((target) => !target.met).map((target) => target.name);
  const behind = [...facts.byCategory].filter(([, tallies]) => ratio(tallies.long.method, tallies.long.seasonalNaive) > 1).map(([name]) => name);
  const knownEffect = (bucket: Bucket) =>
    `${fixed(ratio(facts.known.none[bucket].method, facts.known.none[bucket].seasonalNaive))} to ` +
    `${fixed(ratio(facts.known.withHistory[bucket].method, facts.known.withHistory[bucket].seasonalNaive))}`;
  return [
    failing.length === 0 ? 'Every target is met.' : `Short of target: ${failing.join('; ')}.`,
    behind.length === 0
      ? ''
      : `Seasonal naive stays ahead on ${behind.join(', ')} with two years of history: a bill that repeats every year is what it ` +
        'forecasts best, and the combination pulls the bill month a little towards the other months (a bill that moved month ' +
        'after an insurer switch it misses just as seasonal naive does).',
    `Passing the stable streams as \`known\` + \`knownHistory\` took the recurring series' MAE ÷ seasonal naive from ${knownEffect('long')} ` +
      `with two years of history and ${knownEffect('short')} with 7–23 months; \`known\` alone (a floor) helps less, and with the ` +
      'energy bills passed too it can hurt (a winter bill as the floor of a spring month).',
    '`predicted` is median-like: summed over lumpy categories it falls short of the spending that comes; use `expected` for sums.',
  ]
    .filter((sentence) => sentence !== '')
    .join(' ');
}

function renderForecastSection(facts: Facts): string {
  const long = facts.series.filter((one) => one.monthly.length >= 24).length;
  const header = ['| origins with | forecasts | MAE ÷ seasonal naive | ÷ naive (last month) | ÷ 12-month mean | 80 % covered | 95 % covered |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |'];
  return [
    '### Spending forecast',
    '',
    `${facts.series.length} generated monthly category series (seed ${facts.seed}; ${long} of 24–48 months from 24 households, ` +
      `${facts.series.length - long} of 7–18 months from 6 households that joined recently), each the sum per month of generated ` +
      'transactions: groceries and restaurants (noise around a level, a December bump), energy bills peaking in winter (some billed ' +
      'every two months), annual car insurance (a quarter switch insurer, moving the bill\'s month), holiday shopping with large ' +
      'purchases and refunds that can make a month negative, travel and home repairs (mostly empty months, rare large lumps), ' +
      'subscriptions that start, stop and get dearer; a third of households move house (spending ×0.65–1.6 from then on), a third ' +
      'have 1–3 months with nothing linked (zeros). Rolling origin over the last 12 origins of each series (from 3 months of history), ' +
      `horizons 1–3. MAE is pooled over series after dividing each error by its series' mean monthly spending; seasonal naive is the ` +
      'same month last year (the last month under a year of history). The forecast (src/features/insights/forecast.ts): on the ' +
      'square-root scale, seasonal naive, MSTL (augurs), a smoothed level and the 12-month mean, weighted by their one-step errors ' +
      'over the past year, with non-seasonal AutoETS intervals re-centred on that; a trimmed mean under 7 months. Weights and ' +
      `interval widths were tuned on seed 2. ${fixed(facts.seconds, 0)} s on this machine.`,
    '',
    '| figure | target | measured | met |',
    '| --- | --- | ---: | --- |',
    ...facts.targets.map((target) => `| ${target.name} | ${target.target} | ${fixed(target.value)} | ${target.met ? 'yes' : '**no**'} |`),
    '',
    `${header[0]} bias of predicted | bias of expected |`,
    `${header[1]} ---: | ---: |`,
    ...accuracyRows(facts.plain, (bucket) => `categories, ${bucketTitles[bucket]}`, true),
    ...accuracyRows(facts.totals, (bucket) => `household totals, ${bucketTitles[bucket]}`, true),
    '',
    ...categoryRows(facts.byCategory),
    '',
    'Bias is the signed error summed over forecasts ÷ the spending that came: `predicted` is a typical month (the square of a ' +
      'forecast made on the square-root scale, median-like, which is what MAE rewards), so it falls short of the average on lumpy ' +
      'categories (travel, repairs); `expected` (SeriesForecast.expected) adds the variance back for sums and budgets.',
    '',
    `Known recurring charges, on the ${forecastCount(facts.known.none)} forecasts of the series with recurring streams (a stream counts ` +
      'as known once charged twice; "stable" leaves out the energy bills, whose amounts vary):',
    '',
    ...header,
    ...knownModes.flatMap((mode) => accuracyRows(facts.known[mode], (bucket) => `${bucketTitles[bucket]}, ${knownModeTitles[mode]}`)),
    '',
    `Time per series (forecastSpending, 12 months ahead, backtest included, warm), CPU: median ${fixed(facts.time.cpuMedian, 1)} ms, ` +
      `p95 ${fixed(facts.time.cpuP95, 1)} ms, median ${fixed(facts.time.cpuMedianLong, 1)} ms with ≥ 24 months of history; wall clock: median ` +
      `${fixed(facts.time.wallMedian, 1)} ms, p95 ${fixed(facts.time.wallP95, 1)} ms (wall time also counts whatever else the machine ran).`,
    '',
    shortfalls(facts),
  ].join('\n');
}
