import { sectionMarkers } from './evaluation-file.ts';
import { share, type Figures, type PredictorRates, type Rate } from './metrics.ts';
import type { Predictor } from './prequential.ts';

const { begin, end } = sectionMarkers('categorization');

export type RunFacts = {
  seed: number;
  users: number;
  stateBytesAt500: { median: number; max: number; users: number };
  stateBytesLargest: { bytes: number; labels: number };
  learnMicros: { median: number; p99: number };
  suggestMicros: { median: number; p99: number };
  priorBytes: number;
  seconds: number;
};

const columns: { predictor: Predictor; title: string }[] = [
  { predictor: 'hybrid', title: 'hybrid' },
  { predictor: 'userModel', title: 'user model alone' },
  { predictor: 'payeeMemory', title: 'payee memory alone' },
  { predictor: 'lastPerPayee', title: 'last category per payee (YNAB)' },
  { predictor: 'mostFrequent', title: 'most frequent category' },
  { predictor: 'priorOnly', title: 'prior + lexicon, no learning' },
];

const fixed = (value: number, digits = 3) => (Number.isNaN(value) ? '–' : value.toFixed(digits));
const percent = (rate: Rate) => `${fixed(100 * share(rate), 1)} %`;

function row(name: string, rates: PredictorRates, target: string): string {
  const count = rates.hybrid.count;
  return `| ${name} | ${count} | ${target} | ${columns.map(({ predictor }) => fixed(share(rates[predictor]))).join(' | ')} |`;
}

function accuracyTable(figures: Figures): string[] {
  const targets: Record<string, string> = { '26–100': '', '101–500': '≥ 0.85', '> 500': '≥ 0.93' };
  return [
    `| top-1 accuracy | transactions | target | ${columns.map(({ title }) => title).join(' | ')} |`,
    `| --- | ---: | --- | ${columns.map(() => '---:').join(' | ')} |`,
    ...figures.byHistory.map(({ name, rates }) => row(`${name} earlier labels`, rates, targets[name] ?? '')),
    row('**all transactions**', figures.overall, ''),
    row('cold start: first purchase at a lexicon brand', figures.coldBrands, '≥ 0.75'),
    row('cold start: first purchase at an unseen local merchant', figures.coldLocals, ''),
  ];
}

function reliabilityTable(figures: Figures): string[] {
  return [
    '| confidence | transactions | mean confidence | accuracy |',
    '| --- | ---: | ---: | ---: |',
    ...figures.reliability
      .filter((bin) => bin.count > 0)
      .map((bin) => `| ${bin.from.toFixed(1)}–${bin.to.toFixed(1)} | ${bin.count} | ${fixed(bin.confidence)} | ${fixed(bin.accuracy)} |`),
  ];
}

const notes = [
  'How to read it:',
  '',
  '- The columns other than *hybrid* are baselines run on the same stream: the user\'s own softmax without prior or memory; ' +
    'payee memory alone (recency-weighted majority per cleaned merchant, following three corrections); the last category the ' +
    'user chose for the cleaned merchant (what YNAB does); the user\'s most frequent category; and the shipped prior plus the ' +
    'lexicon\'s brand category with no learning at all. A baseline with nothing to say (an unseen payee) counts as wrong.',
  '- The combiner\'s weights (src/features/categorization/combiner-weights.ts) are fitted by `--fit` on users of seed 2; ' +
    'these figures are for seed 1. The prior is trained (`npm run categorizer:prior`) on a separate corpus: lexicon brands ' +
    'through the merchant descriptor templates, local shops named from owner names the ledgers never use, with the last trade ' +
    'word of each category held out, and account lines (pay, rent, fees, transfers).',
  '- Each ledger user shops at 20–76 lexicon brands and 8–45 local merchants (a quarter with names that say nothing about ' +
    'the trade), files 6–18 % of merchants away from the usual category, half of the general stores (Amazon, Walmart, Target…) ' +
    'elsewhere and a third of them by basket size, may add custom categories (Work expenses, Kids, Eating out…), file whole ' +
    'groups coarsely or archive a category; 2 % of labels are random. The figures say how well the categorizer fits those ' +
    'assumptions, not how real users behave.',
];

/** The section's markdown: every figure with its target and the baselines. */
export function renderSection(figures: Figures, facts: RunFacts): string {
  const { coverage, precision } = figures.autoApply;
  return [
    begin,
    '## Categorization',
    '',
    `Prequential (predict, then learn, in date order) over ${facts.users} generated users and ${figures.transactions} transactions ` +
      `(seed ${facts.seed}; US, UK and EU users, lexicon brands and unseen local merchants, descriptor noise, 2 % label noise, ` +
      'users who file the same merchant differently and split general stores by basket size, custom and archived categories). ' +
      'Every label is learned right after its transaction was predicted: a suggestion at confidence ≥ 0.9 counts as applied, ' +
      'and an applied one left alone as confirmed; when it was wrong the user\'s label is learned as a correction. ' +
      `Regenerate with \`npm run eval:categorization\` (${fixed(facts.seconds, 0)} s on this machine).`,
    '',
    ...accuracyTable(figures),
    '',
    `| figure | target | measured |`,
    '| --- | --- | ---: |',
    `| auto-apply coverage at confidence ≥ 0.9 | ≥ 75 % | ${percent(coverage)} (${coverage.hits} of ${coverage.count}) |`,
    `| auto-apply precision at confidence ≥ 0.9 | ≥ 97 % | ${percent(precision)} (${precision.hits} of ${precision.count}) |`,
    `| expected calibration error (top suggestion, 10 bins) | low | ${fixed(figures.ece, 4)} |`,
    `| top-3 accuracy, all transactions | | ${fixed(share(figures.top3))} |`,
    `| state per user after 500 labels (JSON bytes) | small | median ${facts.stateBytesAt500.median}, max ${facts.stateBytesAt500.max} (${facts.stateBytesAt500.users} users) |`,
    `| largest state (JSON bytes) | | ${facts.stateBytesLargest.bytes} at ${facts.stateBytesLargest.labels} labels |`,
    `| learn, µs | ~100 | median ${fixed(facts.learnMicros.median, 0)}, p99 ${fixed(facts.learnMicros.p99, 0)} |`,
    `| suggest (top 3 with reasons), µs | | median ${fixed(facts.suggestMicros.median, 0)}, p99 ${fixed(facts.suggestMicros.p99, 0)} |`,
    `| shipped prior (prior-weights.json) | a few hundred KB | ${fixed(facts.priorBytes / 1024, 0)} KB |`,
    '',
    'Reliability of the top suggestion\'s confidence:',
    '',
    ...reliabilityTable(figures),
    '',
    ...notes,
    end,
  ].join('\n');
}
