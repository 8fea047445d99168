// The anomaly detectors against generated ledgers with injected, labelled anomalies and tagged hard
// negatives, next to two naive baselines, plus the time for one heavy user's whole history.
// Thresholds were tuned on seeds 2 and 3 (`measureAnomalies(2)`, `measureAnomalies(3)`); the report is for seed 1.
import { detectAnomalies } from '../../src/features/insights/anomalies.ts';
import type { AnomalyKind, LedgerEntry } from '../../src/features/insights/types.ts';
import { generateAnomalyLedgers, heavyLedger, type HardNegative, type LabelledLedger } from './anomaly-ledgers.ts';

type Target = { name: string; value: number; target: string; met: boolean };

/** What a method flagged in one ledger: transaction id → kind (null for a baseline, which has no kinds). */
type Flags = Map<string, AnomalyKind | null>;
type Method = { title: string; flag: (ledger: LabelledLedger) => Flags };

const kinds: readonly AnomalyKind[] = ['spike', 'duplicate', 'new_merchant', 'price_increase', 'card_testing'];
const hardNegatives: readonly HardNegative[] = [
  'big_ticket', 'holiday', 'new_subscription', 'refund', 'charged_again_after_refund', 'double_coffee', 'repeat_order', 'yearly_bill', 'new_transit',
];

/** Flags outflows above `factor` × the user's mean outflow so far (after 30 outflows). */
function meanMultipleBaseline(entries: readonly LedgerEntry[], factor = 3): Flags {
  const flags: Flags = new Map();
  let count = 0;
  let sum = 0;
  for (const entry of entries) {
    if (entry.amount >= 0) continue;
    if (count >= 30 && -entry.amount > (factor * sum) / count) flags.set(entry.id, null);
    count++;
    sum -= entry.amount;
  }
  return flags;
}

/** Flags outflows whose ln(amount) is more than 3 standard deviations above the user's mean so far. */
function logZBaseline(entries: readonly LedgerEntry[], limit = 3): Flags {
  const flags: Flags = new Map();
  let count = 0;
  let mean = 0;
  let squares = 0;
  for (const entry of entries) {
    if (entry.amount >= 0) continue;
    const x = Math.log(-entry.amount);
    if (count >= 30 && (x - mean) / Math.sqrt(squares / (count - 1)) > limit) flags.set(entry.id, null);
    count++;
    const delta = x - mean;
    mean += delta / count;
    squares += delta * (x - mean);
  }
  return flags;
}

const methods: readonly Method[] = [
  { title: 'detectors', flag: (ledger) => new Map(detectAnomalies(ledger.entries).map((a) => [a.transactionId, a.kind])) },
  { title: 'baseline: > 3× mean outflow', flag: (ledger) => meanMultipleBaseline(ledger.entries) },
  { title: 'baseline: log z-score > 3', flag: (ledger) => logZBaseline(ledger.entries) },
];

type Rate = { hits: number; count: number };
export type MethodFigures = {
  precision: Rate;
  recall: Rate;
  falseAlerts: number;
  falseAlertsPerUserYear: number;
  /** Labelled transactions flagged with their kind (a baseline: flagged at all). */
  byKind: Record<AnomalyKind, Rate>;
  /** Labelled transactions flagged at all. */
  byKindAnyFlag: Record<AnomalyKind, Rate>;
  byHardNegative: Record<HardNegative, Rate>;
  falseAlertsBySource: Map<string, number>;
};

const share = (rate: Rate) => (rate.count === 0 ? NaN : rate.hits / rate.count);
const rates = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((key) => [key, { hits: 0, count: 0 }])) as Record<K, Rate>;

/** Where a method's false alerts fall: "kind / hard negative" (a baseline: "flag / …"), "ordinary" when untagged. */
function falseAlertSources(ledger: LabelledLedger, flags: Flags, into: Map<string, number>): void {
  for (const [id, kind] of flags) {
    if (ledger.anomalies.has(id)) continue;
    const source = `${kind ?? 'flag'} / ${ledger.hardNegatives.get(id) ?? 'ordinary'}`;
    into.set(source, (into.get(source) ?? 0) + 1);
  }
}

function figuresOf(ledgers: readonly LabelledLedger[], flagsByLedger: readonly Flags[]): MethodFigures {
  const figures = { precision: { hits: 0, count: 0 }, recall: { hits: 0, count: 0 }, falseAlerts: 0, byKind: rates(kinds), byKindAnyFlag: rates(kinds), byHardNegative: rates(hardNegatives), falseAlertsBySource: new Map<string, number>() };
  for (const [index, ledger] of ledgers.entries()) {
    const flags = flagsByLedger[index] ?? new Map();
    for (const id of flags.keys()) {
      figures.precision.count++;
      if (ledger.anomalies.has(id)) figures.precision.hits++;
      else figures.falseAlerts++;
    }
    for (const [id, kind] of ledger.anomalies) {
      const flagged = flags.has(id);
      const rightKind = flagged && (flags.get(id) === kind || flags.get(id) === null);
      figures.recall.count++;
      figures.recall.hits += flagged ? 1 : 0;
      figures.byKind[kind].count++;
      figures.byKind[kind].hits += rightKind ? 1 : 0;
      figures.byKindAnyFlag[kind].count++;
      figures.byKindAnyFlag[kind].hits += flagged ? 1 : 0;
    }
    for (const [id, tag] of ledger.hardNegatives) {
      figures.byHardNegative[tag].count++;
      figures.byHardNegative[tag].hits += flags.has(id) ? 1 : 0;
    }
    falseAlertSources(ledger, flags, figures.falseAlertsBySource);
  }
  const userYears = ledgers.reduce((sum, ledger) => sum + ledger.years, 0);
  return { ...figures, falseAlertsPerUserYear: figures.falseAlerts / userYears };
}

const spikeSizes = [
  { name: '< 4×', below: 4 },
  { name: '4–5×', below: 5 },
  { name: '5–7×', below: 7 },
  { name: '≥ 7×', below: Infinity },
] as const;

/** Recall of labelled spikes by their size: amount over the median of the merchant's earlier, unlabelled charges. */
function spikeRecallBySize(ledgers: readonly LabelledLedger[], flagsByLedger: readonly Flags[]): Rate[] {
  const bySize = spikeSizes.map(() => ({ hits: 0, count: 0 }));
  for (const [index, ledger] of ledgers.entries()) {
    for (const [id, kind] of ledger.anomalies) {
      const spike = kind === 'spike' ? ledger.entries.find((entry) => entry.id === id) : undefined;
      if (spike === undefined) continue;
      const earlier = ledger.entries
        .filter((e) => e.merchantKey === spike.merchantKey && e.amount < 0 && e.date < spike.date && !ledger.anomalies.has(e.id))
        .map((e) => -e.amount)
        .sort((a, b) => a - b);
      const ratio = -spike.amount / (earlier[Math.floor(earlier.length / 2)] ?? -spike.amount);
      const bucket = bySize[spikeSizes.findIndex((size) => ratio < size.below)] as Rate;
      bucket.count++;
      bucket.hits += flagsByLedger[index]?.get(id) === 'spike' ? 1 : 0;
    }
  }
  return bySize;
}

type Timing = { entries: number; milliseconds: number; fastest: number };

/** The time for one heavy user's whole history: the median (and fastest) of 7 runs after two warm-ups. */
export function timeHeavyUser(seed: number): Timing {
  const entries = heavyLedger(seed);
  detectAnomalies(entries);
  detectAnomalies(entries);
  const runs: number[] = [];
  for (let run = 0; run < 7; run++) {
    const started = performance.now();
    detectAnomalies(entries);
    runs.push(performance.now() - started);
  }
  runs.sort((a, b) => a - b);
  return { entries: entries.length, milliseconds: runs[3] ?? NaN, fastest: runs[0] ?? NaN };
}

/** Recall of card testing per currency: "tiny" is judged in the currency's own terms. */
function cardTestingRecallByCurrency(ledgers: readonly LabelledLedger[], flagsByLedger: readonly Flags[]): Map<string, Rate> {
  const byCurrency = new Map<string, Rate>();
  for (const [index, ledger] of ledgers.entries()) {
    const rate = byCurrency.get(ledger.currency) ?? { hits: 0, count: 0 };
    for (const [id, kind] of ledger.anomalies) {
      if (kind !== 'card_testing') continue;
      rate.count++;
      rate.hits += flagsByLedger[index]?.get(id) === 'card_testing' ? 1 : 0;
    }
    byCurrency.set(ledger.currency, rate);
  }
  return byCurrency;
}

export type Measurement = {
  ledgers: readonly LabelledLedger[];
  figures: MethodFigures[];
  spikeRecallBySize: Rate[];
  cardTestingRecallByCurrency: Map<string, Rate>;
};

export function measureAnomalies(seed: number, users = 120): Measurement {
  const ledgers = generateAnomalyLedgers(seed, users);
  const flags = methods.map((method) => ledgers.map((ledger) => method.flag(ledger)));
  return {
    ledgers,
    figures: flags.map((flagsByLedger) => figuresOf(ledgers, flagsByLedger)),
    spikeRecallBySize: spikeRecallBySize(ledgers, flags[0] ?? []),
    cardTestingRecallByCurrency: cardTestingRecallByCurrency(ledgers, flags[0] ?? []),
  };
}

const fixed = (value: number, digits = 3) => (Number.isNaN(value) ? '–' : value.toFixed(digits));
const rateText = (rate: Rate) => `${fixed(share(rate))} (${rate.hits}/${rate.count})`;
const kindNames: Record<AnomalyKind, string> = {
  spike: 'spikes', duplicate: 'duplicates', new_merchant: 'large first charges at new merchants', price_increase: 'price increases', card_testing: 'card testing',
};
const kindTargets: Partial<Record<AnomalyKind, number>> = { duplicate: 0.95, card_testing: 0.95, price_increase: 0.8 };
const negativeNames: Record<HardNegative, string> = {
  big_ticket: 'large purchase at the usual big-ticket store',
  holiday: 'holiday-season spending (Nov 20 – Dec 31)',
  new_subscription: 'new subscription at its normal price (first two charges)',
  refund: 'refund',
  charged_again_after_refund: 'charged again right after a refund',
  double_coffee: 'identical coffees within 2 days at the regular café',
  repeat_order: 'the usual order again within 2 days at a lunch spot',
  yearly_bill: 'yearly bill (every occurrence, the first included)',
  new_transit: 'fares at a transit system new to the user',
};

function figureTable(figures: readonly MethodFigures[], timing: Timing): string[] {
  const row = (name: string, target: string, cells: string[]) => `| ${name} | ${target} | ${cells.join(' | ')} |`;
  return [
    `| figure | target | ${methods.map((method) => method.title).join(' | ')} |`,
    `| --- | --- | ${methods.map(() => '---:').join(' | ')} |`,
    row('precision (flagged transactions that are labelled anomalies)', '≥ 0.6', figures.map((f) => rateText(f.precision))),
    row('recall (labelled anomalies flagged)', '≥ 0.8', figures.map((f) => rateText(f.recall))),
    row('false alerts per user-year', '≤ 8', figures.map((f) => fixed(f.falseAlertsPerUserYear, 2))),
    ...kinds.map((kind) =>
      row(`recall: ${kindNames[kind]} (detectors: with the right kind)`, kindTargets[kind] === undefined ? '' : `≥ ${kindTargets[kind]}`, figures.map((f) => rateText(f.byKind[kind]))),
    ),
    row(`whole history of a heavy user (${timing.entries.toLocaleString('en')} entries, 600 merchants, 3 years), ms: median of 7 runs (fastest)`, '< 150', [
      `${fixed(timing.milliseconds, 0)} (${fixed(timing.fastest, 0)})`,
      ...methods.slice(1).map(() => ''),
    ]),
  ];
}

function hardNegativeTable(figures: readonly MethodFigures[]): string[] {
  return [
    `| hard negative (must not be flagged) | transactions | ${methods.map((method) => `flagged: ${method.title}`).join(' | ')} |`,
    `| --- | ---: | ${methods.map(() => '---:').join(' | ')} |`,
    ...hardNegatives.map((tag) => `| ${negativeNames[tag]} | ${figures[0]?.byHardNegative[tag].count ?? 0} | ${figures.map((f) => f.byHardNegative[tag].hits).join(' | ')} |`),
  ];
}

function targetsOf(detectors: MethodFigures, timing: { milliseconds: number }): Target[] {
  const target = (name: string, value: number, text: string, met: boolean): Target => ({ name, value, target: text, met });
  return [
    target('anomalies: precision', share(detectors.precision), '≥ 0.6', share(detectors.precision) >= 0.6),
    target('anomalies: recall', share(detectors.recall), '≥ 0.8', share(detectors.recall) >= 0.8),
    ...Object.entries(kindTargets).map(([kind, minimum]) => {
      const value = share(detectors.byKind[kind as AnomalyKind]);
      return target(`anomalies: recall, ${kindNames[kind as AnomalyKind]}`, value, `≥ ${minimum}`, value >= (minimum ?? 0));
    }),
    target('anomalies: false alerts per user-year', detectors.falseAlertsPerUserYear, '≤ 8', detectors.falseAlertsPerUserYear <= 8),
    target('anomalies: heavy user (100k entries), ms', Math.round(timing.milliseconds), '< 150', timing.milliseconds < 150),
  ];
}

function shortfalls(seed: number, targets: readonly Target[], measurement: Measurement): string {
  const detectors = measurement.figures[0] as MethodFigures;
  const missed = targets.filter((t) => !t.met).map((t) => `${t.name.replace('anomalies: ', '')} (${fixed(t.value, t.value >= 10 ? 0 : 3)}, target ${t.target})`);
  const bySize = spikeSizes.map((size, i) => `${size.name} ${rateText(measurement.spikeRecallBySize[i] ?? { hits: 0, count: 0 })}`).join(', ');
  const sources = [...detectors.falseAlertsBySource].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([source, count]) => `${source} ${count}`).join(', ');
  return [
    missed.length === 0 ? `Every target is met on seed ${seed}.` : `Short of target on seed ${seed}: ${missed.join('; ')}.`,
    `Spikes are the weakest kind; their recall by size (over the merchant's earlier median): ${bySize}. ` +
      'A 3–5× charge at a restaurant or store whose amounts spread by 0.3–0.6 in the log lies inside what that merchant has charged, ' +
      'and the sigma of a merchant with few charges is pulled towards a wide prior on purpose.',
    `Card testing by currency: ${[...measurement.cardTestingRecallByCurrency].map(([currency, rate]) => `${currency} ${rateText(rate)}`).join(', ')}; ` +
      '"tiny" is at most 7 % of the user\'s median outflow or 2 major units (200 units of a currency without cents), whichever is larger, ' +
      'and with no exchange rates a ¥250 test charge can sit above that line.',
    `The detectors' false alerts by kind / hard negative, largest first: ${sources}. ` +
      'A first yearly bill is a large first charge at a merchant never seen, so it is flagged once, like a first purchase at a new store above twice the user\'s 95th percentile.',
  ].join(' ');
}

export async function evaluateAnomalies(seed = 1): Promise<{ markdown: string; targets: Target[] }> {
  // Timed first, on a small heap: the generated ledgers would otherwise be in the collector's way.
  const timing = timeHeavyUser(seed);
  const measurement = measureAnomalies(seed);
  const { ledgers, figures } = measurement;
  const detectors = figures[0] as MethodFigures;
  const userYears = ledgers.reduce((sum, ledger) => sum + ledger.years, 0);
  const entries = ledgers.reduce((sum, ledger) => sum + ledger.entries.length, 0);
  const labelled = ledgers.reduce((sum, ledger) => sum + ledger.anomalies.size, 0);
  const targets = targetsOf(detectors, timing);
  const markdown = [
    '### Anomalies',
    '',
    `${ledgers.length} generated users (seed ${seed}; USD, EUR, GBP and JPY), ${fixed(userYears, 0)} user-years, ${entries.toLocaleString('en')} entries: ` +
      'groceries, a regular café with a fixed menu, fuel, regular restaurants (a third with a usual order), delivery, Amazon and other stores, ' +
      'new restaurants and shops tried now and then, rent, salary, variable utilities, monthly plans, and a big-ticket store for some. ' +
      `Injected and labelled (${labelled}): spikes of 3–10× at a merchant with at least 6 earlier charges, copies of ordinary charges 0–2 days later ` +
      '(not at the café or a lunch spot with a usual order), $400–$3,000 first charges at merchants never seen, plan prices raised by 6–50 %, ' +
      'and card-testing bursts (3–6 charges of $0.50–$1.99 at 1–2 new merchants within 2 days, 70 % followed by $150–$900). ' +
      'Hard negatives are tagged (table below). Each method runs once over each whole history, as the API does; thresholds were tuned on seeds 2 and 3. ' +
      'The baselines flag outflows above 3× the user\'s running mean, or with ln(amount) more than 3 standard deviations above the user\'s running mean (both after 30 outflows); they have no kinds, so their per-kind recall counts any flag.',
    '',
    ...figureTable(figures, timing),
    '',
    ...hardNegativeTable(figures),
    '',
    shortfalls(seed, targets, measurement),
  ].join('\n');
  return { markdown, targets };
}
