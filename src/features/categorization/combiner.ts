import type { PayeeRecall } from './payee-memory.ts';

/**
 * Everything known about one transaction, from each source, over the user's category ids. The
 * combiner turns it into one calibrated distribution: a conditional logit over candidate
 * categories whose weights (combiner-weights.ts) were fitted by the evaluation on separate users.
 */
export type Evidence = {
  /** How many labels the user has given in all. */
  labelCount: number;
  /** The user's own model: probability per category it has learned (empty before any label). */
  user: ReadonlyMap<string, number>;
  /** How much of this transaction's text the user's model has seen before (0–1). */
  familiarity: number;
  /** The global prior, mapped to the user's categories. */
  prior: ReadonlyMap<string, { probability: number }>;
  /** The user's past choices at this merchant. */
  recall: PayeeRecall | undefined;
  /** The category the lexicon files this brand under, resolved to the user's category. */
  brandCategory: string | undefined;
  /** How often the user chose each category. */
  labelCounts: ReadonlyMap<string, number>;
  /** How the user filed earlier transactions of this transaction's hint path (the lexicon's or the prior's category). */
  translation: PayeeRecall | undefined;
};

/** Knots of the history-size basis, in labels: each source's trust is interpolated between them. */
const historyKnots = [0, 5, 25, 100, 500].map((labels) => Math.log1p(labels));
/** Knots of the merchant-history basis, in earlier labels at this merchant. */
const merchantKnots = [1, 3, 10].map((labels) => Math.log1p(labels));

/** Piecewise-linear "hat" functions over `knots`, clamped at both ends; they sum to 1. */
export function hatBasis(value: number, knots: readonly number[]): number[] {
  const basis = knots.map(() => 0);
  const last = knots.length - 1;
  if (value <= (knots[0] ?? 0)) basis[0] = 1;
  else if (value >= (knots[last] ?? 0)) basis[last] = 1;
  else {
    const upper = knots.findIndex((knot) => knot > value);
    const low = knots[upper - 1] ?? 0;
    const fraction = (value - low) / ((knots[upper] ?? 0) - low);
    basis[upper - 1] = 1 - fraction;
    basis[upper] = fraction;
  }
  return basis;
}

/**
 * The meta-feature groups, each a weight per knot of its basis (or a single weight). Every group
 * has a set of weights per regime (below): at a new merchant the user's model must generalize,
 * and the lexicon and the prior matter most.
 */
const groups = {
  /** log P(c) of the user's own model, by history size. */
  userLog: historyKnots.length,
  /** the same times the model's familiarity with the text: it knows what it has seen. */
  userLogFamiliar: historyKnots.length,
  /** c is the user model's first choice, by history size. */
  userTop: historyKnots.length,
  /** log P(c) of the global prior, by history size. */
  priorLog: historyKnots.length,
  /** c is where the lexicon files this brand, by history size. */
  brand: historyKnots.length,
  /** the user has filed something under c before, by history size. */
  used: historyKnots.length,
  /** c's share of the user's recency-weighted labels at this merchant, by labels there. */
  share: merchantKnots.length,
  /** c was the user's latest label at this merchant, by labels there. */
  last: merchantKnots.length,
  /** c's share of the user's labels for this hint path (their own translation of the lexicon's category), by labels. */
  translation: merchantKnots.length,
  /** c is the brand's category and the user has never filed anything of that path: the lexicon is all there is. */
  brandNovel: 1,
  /** log P(c) of the prior when the user has never filed anything of the hint path. */
  priorNovel: 1,
  /** c is the category the user corrected this merchant to, enough times. */
  follow: 1,
  /** log of c's share of all the user's labels. */
  baseRate: 1,
  /** "none of the candidates", by history size. */
  other: historyKnots.length,
} as const;

type Group = keyof typeof groups;

/**
 * The situations that get weights of their own: a merchant the user has filed before, a new
 * merchant the lexicon knows, and a new merchant nobody knows (where only the words speak).
 */
const regimes = ['known', 'newBrand', 'newUnknown'] as const;

/** Where each group starts within a regime's weights (`regime` of them); `size` counts all regimes. */
export const combinerLayout = (() => {
  const offsets = {} as Record<Group, number>;
  let regime = 0;
  for (const [name, width] of Object.entries(groups) as [Group, number][]) {
    offsets[name] = regime;
    regime += width;
  }
  return { ...offsets, regime, size: regimes.length * regime };
})();

function regimeOf(evidence: Evidence): (typeof regimes)[number] {
  if (evidence.recall !== undefined) return 'known';
  return evidence.brandCategory === undefined ? 'newUnknown' : 'newBrand';
}

const logFloor = Math.log(1e-4);
const clippedLog = (p: number) => Math.max(logFloor, Math.log(p));

/** Writes one group's values into the weights of the evidence's regime. */
function featureWriter(features: Float64Array, evidence: Evidence) {
  const base = regimes.indexOf(regimeOf(evidence)) * combinerLayout.regime;
  return {
    basis(group: Group, basis: readonly number[], value: number) {
      if (value !== 0) basis.forEach((h, j) => (features[base + combinerLayout[group] + j] = h * value));
    },
    single(group: Group, value: number) {
      features[base + combinerLayout[group]] = value;
    },
  };
}

/** The meta-features of one candidate category. */
export function candidateFeatures(evidence: Evidence, categoryId: string): Float64Array {
  const features = new Float64Array(combinerLayout.size);
  const write = featureWriter(features, evidence);
  const history = hatBasis(Math.log1p(evidence.labelCount), historyKnots);
  const priorLog = clippedLog(evidence.prior.get(categoryId)?.probability ?? 0);
  const brand = evidence.brandCategory === categoryId ? 1 : 0;
  // A category the user never chose has no probability in their model; `used` carries that
  // instead of a floor log, which would bury a brand's category the first time it shows up.
  const userProbability = evidence.user.get(categoryId);
  const userLog = userProbability === undefined ? 0 : clippedLog(userProbability);
  write.basis('userLog', history, userLog);
  write.basis('userLogFamiliar', history, userLog * evidence.familiarity);
  write.basis('userTop', history, evidence.labelCount > 0 && argmax(evidence.user) === categoryId ? 1 : 0);
  write.basis('priorLog', history, priorLog);
  write.basis('brand', history, brand);
  write.basis('used', history, evidence.labelCounts.has(categoryId) ? 1 : 0);
  const recall = evidence.recall;
  if (recall !== undefined) {
    const merchant = hatBasis(Math.log1p(recall.seen), merchantKnots);
    write.basis('share', merchant, recall.categories.get(categoryId)?.share ?? 0);
    write.basis('last', merchant, recall.last === categoryId ? 1 : 0);
    write.single('follow', recall.follow === categoryId ? 1 : 0);
  }
  const translation = evidence.translation;
  if (translation !== undefined) {
    const seen = hatBasis(Math.log1p(translation.seen), merchantKnots);
    write.basis('translation', seen, translation.categories.get(categoryId)?.share ?? 0);
  } else {
    write.single('brandNovel', brand);
    write.single('priorNovel', priorLog);
  }
  const count = evidence.labelCounts.get(categoryId) ?? 0;
  write.single('baseRate', Math.log((count + 1) / (evidence.labelCount + 1)));
  return features;
}

/**
 * The meta-features of "none of the candidates": it absorbs the probability that the user picks a
 * category no source proposed, so the candidates' confidences stay honest.
 */
export function otherFeatures(evidence: Evidence): Float64Array {
  const features = new Float64Array(combinerLayout.size);
  featureWriter(features, evidence).basis('other', hatBasis(Math.log1p(evidence.labelCount), historyKnots), 1);
  return features;
}

function argmax(scores: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  let bestScore = -Infinity;
  for (const [id, score] of scores) if (score > bestScore || (score === bestScore && best !== undefined && id < best)) [best, bestScore] = [id, score];
  return best;
}

const topOf = (scores: Iterable<[string, number]>, count: number) =>
  [...scores].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, count).map(([id]) => id);

/** The categories worth scoring: the best few of each source, in a stable order. */
export function candidateCategories(evidence: Evidence, isAvailable: (categoryId: string) => boolean): string[] {
  const proposed = new Set<string>([
    ...topOf(evidence.user, 6),
    ...topOf([...evidence.prior].map(([id, { probability }]) => [id, probability]), 6),
    ...(evidence.recall?.categories.keys() ?? []),
    ...(evidence.brandCategory === undefined ? [] : [evidence.brandCategory]),
    ...topOf(evidence.labelCounts, 3),
  ]);
  return [...proposed].filter(isAvailable);
}

const dot = (weights: readonly number[], features: Float64Array) => {
  let sum = 0;
  for (let i = 0; i < features.length; i++) sum += (weights[i] ?? 0) * (features[i] ?? 0);
  return sum;
};

/** Softmax of the weighted meta-features over the candidates plus "other". */
export function combine(
  evidence: Evidence,
  candidates: readonly string[],
  weights: readonly number[],
): { categoryId: string; probability: number }[] {
  const scores = candidates.map((categoryId) => dot(weights, candidateFeatures(evidence, categoryId)));
  const otherScore = dot(weights, otherFeatures(evidence));
  const max = Math.max(otherScore, ...scores);
  const exps = scores.map((score) => Math.exp(score - max));
  const total = exps.reduce((sum, exp) => sum + exp, Math.exp(otherScore - max));
  return candidates.map((categoryId, i) => ({ categoryId, probability: (exps[i] ?? 0) / total }));
}
