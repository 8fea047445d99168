import { HybridCategorizer, type CategorizationInput, type HybridOptions } from '../src/features/categorization/categorizer.ts';
import { candidateCategories, candidateFeatures, otherFeatures } from '../src/features/categorization/combiner.ts';
import { extractFeatures } from '../src/features/categorization/features.ts';
import { PayeeMemory } from '../src/features/categorization/payee-memory.ts';
import type { GlobalPrior } from '../src/features/categorization/prior.ts';
import { SparseSoftmax } from '../src/features/categorization/softmax.ts';
import type { CleanedMerchant } from '../src/features/merchants/types.ts';
import type { UserLedger } from './ledgers.ts';

/** Confidence at or above which a suggestion is applied without asking. */
export const autoApplyThreshold = 0.9;

/** What happened at one transaction of the predict-then-learn pass. */
export type Outcome = {
  /** Labels the user had given before this one. */
  history: number;
  origin: 'brand' | 'local' | 'flow';
  /** The first time this user paid this merchant. */
  firstAtMerchant: boolean;
  /** Whether each predictor's top-1 was the user's label. */
  correct: Record<Predictor, boolean>;
  top3: boolean;
  confidence: number;
};

export const predictors = ['hybrid', 'userModel', 'payeeMemory', 'lastPerPayee', 'mostFrequent', 'priorOnly'] as const;
export type Predictor = (typeof predictors)[number];

/** One candidate set of the combiner, as the fit sees it: its meta-features and which one was right. */
export type CombinerSample = { rows: Float64Array[]; target: number };

export type UserRun = {
  outcomes: Outcome[];
  samples: CombinerSample[];
  /** JSON bytes of the state after the 500th label (undefined for shorter ledgers). */
  stateBytesAt500: number | undefined;
  stateBytesAtEnd: number;
  learnMicros: number[];
  suggestMicros: number[];
};

type Baselines = {
  model: SparseSoftmax;
  memory: PayeeMemory;
  lastPerPayee: Map<string, string>;
  counts: Map<string, number>;
};

const micros = (start: bigint) => Number(process.hrtime.bigint() - start) / 1000;

/**
 * Predict, then learn, in date order: every transaction is suggested before its label is known,
 * as a user sees it. A suggestion at or above the threshold is applied; when it was wrong the
 * user's label is a correction.
 */
export function runUser(
  ledger: UserLedger,
  prior: GlobalPrior,
  clean: (description: string) => CleanedMerchant | undefined,
  options: HybridOptions,
  collectSamples: boolean,
): UserRun {
  const context = { categoryIdsByPath: ledger.categoryIdsByPath };
  const hybrid = new HybridCategorizer(prior, context, undefined, options);
  const coldOnly = new HybridCategorizer(prior, context, undefined, options);
  const baselines: Baselines = { model: new SparseSoftmax(options.softmax), memory: new PayeeMemory(options.memory), lastPerPayee: new Map(), counts: new Map() };
  const run: UserRun = { outcomes: [], samples: [], stateBytesAt500: undefined, stateBytesAtEnd: 0, learnMicros: [], suggestMicros: [] };
  const seenMerchants = new Set<string>();
  ledger.transactions.forEach((transaction, history) => {
    const input: CategorizationInput = { description: transaction.description, amount: transaction.amount, currency: transaction.currency, merchant: clean(transaction.description) };
    if (collectSamples) run.samples.push(combinerSample(hybrid, input, transaction.categoryId));
    const suggestStart = process.hrtime.bigint();
    const suggestions = hybrid.suggest(input, 3);
    run.suggestMicros.push(micros(suggestStart));
    const top = suggestions[0];
    const label = transaction.categoryId;
    const key = input.merchant?.key;
    const correct: Record<Predictor, boolean> = {
      hybrid: top?.categoryId === label,
      userModel: baselines.model.predict(featuresOf(input))[0]?.label === label,
      payeeMemory: key !== undefined && topOfMemory(baselines.memory, key) === label,
      lastPerPayee: key !== undefined && baselines.lastPerPayee.get(key) === label,
      mostFrequent: mostFrequent(baselines.counts) === label,
      priorOnly: coldOnly.suggest(input, 1)[0]?.categoryId === label,
    };
    const confidence = top?.confidence ?? 0;
    run.outcomes.push({ history, origin: transaction.origin, firstAtMerchant: !seenMerchants.has(transaction.merchantId), correct,
      top3: suggestions.some(({ categoryId }) => categoryId === label), confidence });
    seenMerchants.add(transaction.merchantId);
    const correction = confidence >= autoApplyThreshold && !correct.hybrid;
    const learnStart = process.hrtime.bigint();
    hybrid.learn(input, label, { correction });
    run.learnMicros.push(micros(learnStart));
    learnBaselines(baselines, input, label, correction);
    if (history + 1 === 500) run.stateBytesAt500 = JSON.stringify(hybrid.toState()).length;
  });
  run.stateBytesAtEnd = JSON.stringify(hybrid.toState()).length;
  return run;
}

function featuresOf(input: CategorizationInput) {
  return extractFeatures({ description: input.description, merchantKey: input.merchant?.key, amount: input.amount, currency: input.currency });
}

function topOfMemory(memory: PayeeMemory, key: string): string | undefined {
  const recall = memory.recall(key);
  if (recall === undefined) return undefined;
  if (recall.follow !== undefined) return recall.follow;
  return [...recall.categories].sort((a, b) => b[1].share - a[1].share)[0]?.[0];
}

function mostFrequent(counts: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  let bestCount = 0;
  for (const [label, count] of counts) if (count > bestCount) [best, bestCount] = [label, count];
  return best;
}

function learnBaselines(baselines: Baselines, input: CategorizationInput, label: string, correction: boolean): void {
  baselines.model.learn(featuresOf(input), label);
  baselines.counts.set(label, (baselines.counts.get(label) ?? 0) + 1);
  const key = input.merchant?.key;
  if (key === undefined) return;
  baselines.memory.learn(key, label, correction);
  baselines.lastPerPayee.set(key, label);
}

/** The combiner's view of this transaction, for fitting its weights. */
function combinerSample(categorizer: HybridCategorizer, input: CategorizationInput, label: string): CombinerSample {
  const { evidence } = categorizer.trace(input);
  const candidates = candidateCategories(evidence, () => true);
  const rows = candidates.map((categoryId) => candidateFeatures(evidence, categoryId));
  rows.push(otherFeatures(evidence));
  const at = candidates.indexOf(label);
  return { rows, target: at === -1 ? candidates.length : at };
}
