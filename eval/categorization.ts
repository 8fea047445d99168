// npm run eval:categorization [-- --fit]
// Generates users' ledgers, runs the categorizer predict-then-learn over them and writes the
// figures to EVALUATION.md. With --fit it first refits the combiner's weights on users of another
// seed and rewrites src/features/categorization/combiner-weights.ts.
import { statSync, writeFileSync } from 'node:fs';
import { defaultHybridOptions, type HybridOptions } from '../src/features/categorization/categorizer.ts';
import { combinerLayout } from '../src/features/categorization/combiner.ts';
import { shippedPrior } from '../src/features/categorization/shipped-prior.ts';
import { fitCombiner, negativeLogLikelihood } from './fit-combiner.ts';
import { generateLedgers, type UserLedger } from './ledgers.ts';
import { percentiles, share, summarize } from './metrics.ts';
import { runUser, type CombinerSample, type UserRun } from './prequential.ts';
import { writeSection } from './evaluation-file.ts';
import { renderSection } from './report.ts';
import { brandDescriber, brands, cleanMerchant } from './world.ts';

const evaluationSeed = 1;
const fitSeed = 2;
/** Labelled transactions per user: enough users past 500 labels, and a spread below. */
const ledgerSizes = [30, 45, 60, 80, 110, 150, 200, 260, 330, 420, 520, 650, 800, 950, 1100, 1300, 1500, 1700, 1900, 2100, 2400, 2700, 3000, 3300];
const root = new URL('..', import.meta.url);

function ledgersOf(seed: number): UserLedger[] {
  return generateLedgers({ seed, sizes: ledgerSizes, brands, describeBrand: brandDescriber(seed) });
}

function runAll(ledgers: readonly UserLedger[], options: HybridOptions, collectSamples: boolean, label: string): UserRun[] {
  const prior = shippedPrior();
  return ledgers.map((ledger, index) => {
    const started = performance.now();
    const run = runUser(ledger, prior, cleanMerchant, options, collectSamples);
    const hits = run.outcomes.filter((o) => o.correct.hybrid).length;
    console.log(
      `${label} ${index + 1}/${ledgers.length} ${ledger.userId} (${ledger.region}, ${ledger.transactions.length} transactions): ` +
        `top-1 ${(hits / Math.max(1, run.outcomes.length)).toFixed(3)}, ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    return run;
  });
}

/** Two rounds: the weights change which guesses get applied, and so which labels are corrections. */
function fit(): readonly number[] {
  const ledgers = ledgersOf(fitSeed);
  let weights: readonly number[] = defaultHybridOptions.combiner;
  for (let round = 1; round <= 2; round++) {
    const samples: CombinerSample[] = runAll(ledgers, { ...defaultHybridOptions, combiner: weights }, true, `fit round ${round}`).flatMap((run) => run.samples);
    const before = negativeLogLikelihood(samples, weights);
    weights = fitCombiner(samples, weights);
    console.log(`fit round ${round}: ${samples.length} samples, log-loss ${before.toFixed(4)} → ${negativeLogLikelihood(samples, weights).toFixed(4)}`);
  }
  const path = new URL('src/features/categorization/combiner-weights.ts', root);
  const body = weights.map((weight) => weight.toFixed(4)).join(', ');
  writeFileSync(
    path,
    `// Written by \`npm run eval:categorization -- --fit\`: the combiner's weights (layout in combiner.ts, ${combinerLayout.size} of them),\n` +
      `// fitted by maximum likelihood on generated users of seed ${fitSeed}; the evaluation reports on seed ${evaluationSeed}.\n` +
      `export const combinerWeights: readonly number[] = [${body}];\n`,
  );
  console.log(`wrote ${path.pathname}`);
  return weights;
}

function main(): void {
  const started = performance.now();
  const options = process.argv.includes('--fit') ? { ...defaultHybridOptions, combiner: fit() } : defaultHybridOptions;
  const ledgers = ledgersOf(evaluationSeed);
  const runs = runAll(ledgers, options, false, 'evaluate');
  const figures = summarize(runs.flatMap((run) => run.outcomes));
  const at500 = runs.flatMap((run) => (run.stateBytesAt500 === undefined ? [] : [run.stateBytesAt500])).sort((a, b) => a - b);
  const largest = runs.reduce((best, run) => (run.stateBytesAtEnd > best.stateBytesAtEnd ? run : best));
  const section = renderSection(figures, {
    seed: evaluationSeed,
    users: ledgers.length,
    stateBytesAt500: { median: at500[Math.floor(at500.length / 2)] ?? 0, max: at500[at500.length - 1] ?? 0, users: at500.length },
    stateBytesLargest: { bytes: largest.stateBytesAtEnd, labels: largest.outcomes.length },
    learnMicros: percentiles(runs.flatMap((run) => run.learnMicros)),
    suggestMicros: percentiles(runs.flatMap((run) => run.suggestMicros)),
    priorBytes: statSync(new URL('src/features/categorization/prior-weights.json', root)).size,
    seconds: (performance.now() - started) / 1000,
  });
  writeSection(new URL('EVALUATION.md', root).pathname, 'categorization', section);
  for (const { name, rates } of figures.byHistory) console.log(`${name}: hybrid ${share(rates.hybrid).toFixed(3)} (${rates.hybrid.count})`);
  console.log(`cold brands ${share(figures.coldBrands.hybrid).toFixed(3)}, cold locals ${share(figures.coldLocals.hybrid).toFixed(3)}`);
  console.log(`auto-apply coverage ${share(figures.autoApply.coverage).toFixed(3)} precision ${share(figures.autoApply.precision).toFixed(3)}, ECE ${figures.ece.toFixed(4)}`);
  console.log(`wrote EVALUATION.md in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

main();
