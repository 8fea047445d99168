import type { CleanedMerchant, DefaultCategoryPath } from '../merchants/types.ts';
import type { Evidence } from './combiner.ts';
import { unexplained, type FeatureVector } from './features.ts';
import type { GlobalPrior } from './prior.ts';
import type { SparseSoftmax } from './softmax.ts';

/** Everything one suggestion was computed from, kept for explaining it. */
export type SuggestionTrace = {
  /** What the user's model saw. */
  features: FeatureVector;
  /** What the prior saw. */
  priorFeatures: FeatureVector;
  /** A credit (pay, refunds, interest) rather than a purchase: for wording. */
  moneyIn: boolean;
  evidence: Evidence;
  merchant: CleanedMerchant | undefined;
  priorPaths: ReadonlyMap<string, { probability: number; path: DefaultCategoryPath }>;
  userModel: SparseSoftmax;
  prior: GlobalPrior;
};

/** A feature source must add at least this much to a score to be named as a reason. */
const telling = 0.25;

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/**
 * The sources that pushed a score up most, by what they came from ("word: GROCERY"), strongest
 * first. Features without a source to cite (the bias, the bare sign) are left out.
 */
function tellingSources(features: FeatureVector, contributions: readonly number[], skip: ReadonlySet<string>): string[] {
  const bySource = new Map<string, number>();
  contributions.forEach((contribution, f) => {
    const source = features.sources[f];
    if (source === undefined || source === unexplained || skip.has(source)) return;
    bySource.set(source, (bySource.get(source) ?? 0) + contribution);
  });
  return [...bySource]
    .filter(([, total]) => total >= telling)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 2)
    .map(([source]) => source);
}

/** What the user did at this merchant that speaks for `categoryId`. */
function memoryReasons(categoryId: string, evidence: Evidence, moneyIn: boolean): string[] {
  const recall = evidence.recall;
  if (recall === undefined) return [];
  const noun = `earlier ${recall.merchantKey} ${moneyIn ? 'payment' : 'purchase'}`;
  const reasons: string[] = [];
  if (recall.follow === categoryId) {
    reasons.push(`you corrected the last ${plural(recall.corrections, 'suggestion')} for ${recall.merchantKey} to this category`);
  }
  const count = recall.categories.get(categoryId)?.count ?? 0;
  if (count > 0 && count === recall.seen) reasons.push(`matched your ${plural(count, noun)}`);
  else if (count > 0) reasons.push(`matched ${count} of your ${plural(recall.seen, noun)}`);
  return reasons;
}

/** Readable reasons for suggesting `categoryId`, most telling first; never empty. */
export function explainSuggestion(categoryId: string, trace: SuggestionTrace): string[] {
  const { evidence, features, merchant } = trace;
  const reasons = memoryReasons(categoryId, evidence, trace.moneyIn);
  const brand = merchant?.brand;
  if (brand !== undefined && evidence.brandCategory === categoryId) {
    reasons.push(`${brand.name} is usually filed under ${brand.category}`);
  }
  // The merchant's own feature only repeats what payee memory already said.
  const skip = new Set(reasons.length > 0 && merchant !== undefined ? [`merchant: ${merchant.key}`] : []);
  const learned = evidence.labelCounts.has(categoryId)
    ? tellingSources(features, trace.userModel.contributions(features, categoryId), skip)
    : [];
  reasons.push(...learned);
  const priorPath = trace.priorPaths.get(categoryId);
  const likely = priorPath !== undefined && priorPath.probability >= likelyPrior;
  if (learned.length === 0 && likely && brand === undefined) {
    const words = tellingSources(trace.priorFeatures, trace.prior.contributions(trace.priorFeatures, priorPath.path), skip);
    reasons.push(...words.map((source) => `${source} (usually ${priorPath.path})`));
  }
  if (reasons.length === 0) reasons.push(fallbackReason(categoryId, evidence, likely ? priorPath.path : undefined));
  return reasons;
}

/** The prior must give a path this much before it is named as the usual one. */
const likelyPrior = 0.2;

function fallbackReason(categoryId: string, evidence: Evidence, likelyPath: DefaultCategoryPath | undefined): string {
  if (likelyPath !== undefined) return `often ${likelyPath} for descriptions like this`;
  const count = evidence.labelCounts.get(categoryId) ?? 0;
  if (count > 0) return `an alternative: you filed ${plural(count, 'transaction')} here`;
  return 'an alternative with little evidence';
}
