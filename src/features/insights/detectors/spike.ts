// An amount far above what this merchant usually charges: a robust z-score of ln(amount) against
// the median and MAD of the merchant's last 50 amounts, or of the category's when the merchant is
// still too new to have a usual. The spread is widened where few amounts are known, since a
// handful of charges often look tighter than the merchant really is.
import type { Charge, CurrencyContext, Finding, UserLevels } from './charge.ts';
import type { MerchantHistory } from './merchant-history.ts';
import { logistic, madToSigma, meanDeviationToSigma, type SortedWindow } from './robust-stats.ts';
import { times, usualRange } from './wording.ts';

// Math's functions bound once: where the code runs in a vm context (jest), every global lookup is slow.
const { abs, exp, log, max, round, sqrt } = Math;

export const spikeSettings = {
  /** Prior charges at the merchant before its own usual is trusted. */
  minHistory: 5,
  /** Prior charges in the category before the fallback is trusted. */
  minCategoryHistory: 12,
  /** Modified z-score past which an amount is a spike. */
  threshold: 3.5,
  categoryThreshold: 4,
  /** Floor on the log-scale sigma: a merchant with one price has MAD 0, and a 10 % change is no spike. */
  minSigma: 0.1,
  /**
   * A few amounts say little about their spread: the sigma is pulled towards `priorSigma` as if
   * `priorWeight` more amounts had that spread (a 5-amount MAD is often far too small).
   */
  priorSigma: 0.5,
  priorWeight: 8,
  /** How much past the threshold makes the score climb from 0.5 towards 1. */
  scoreScale: 1.5,
  /** A charge no more than this factor above the largest one paid here recently is a known amount. */
  knownAmountFactor: 1.25,
  /** The last charge within this factor of this one: the merchant's level has already moved. */
  sameLevelFactor: 1.05,
} as const;

/** The amounts this charge is compared with: the merchant's own, or its category's while the merchant is new. */
function basisFor(charge: Charge, merchant: MerchantHistory, category: SortedWindow | undefined): SortedWindow | null {
  if (merchant.charges >= spikeSettings.minHistory) return merchant.amounts;
  if (category === undefined || category.size < spikeSettings.minCategoryHistory) return null;
  return merchant.amounts.max() + log(spikeSettings.knownAmountFactor) >= charge.log ? null : category;
}

/** The smallest sigma `sigmaOf` can give for `n` amounts: below it no spread is looked at. */
function sigmaFloor(n: number): number {
  const { priorSigma, priorWeight, minSigma } = spikeSettings;
  return max(minSigma, priorSigma * sqrt(priorWeight / (n + priorWeight)));
}

/**
 * The robust spread of ln(amount): from the MAD (the mean deviation when more than half the
 * amounts are one price), or from the 90th percentile's distance above the median when that is
 * wider (a lunch spot where half the bills are the usual order), then shrunk towards the prior.
 */
function sigmaOf(window: SortedWindow, center: number): number {
  const mad = window.mad(center);
  const byMad = mad > 0 ? madToSigma * mad : meanDeviationToSigma * window.meanDeviation(center);
  // 1.2816: the 90th percentile of a standard normal.
  const observed = max(byMad, (window.quantile(0.9) - center) / 1.2816);
  const { priorSigma, priorWeight, minSigma } = spikeSettings;
  const n = window.size;
  return max(minSigma, sqrt((n * observed * observed + priorWeight * priorSigma * priorSigma) / (n + priorWeight)));
}

/** Whether the charge is in line with the merchant's own recent amounts: its last one, or its largest. */
function alreadyUsual(charge: Charge, merchant: MerchantHistory): boolean {
  const last = merchant.recent[merchant.recent.length - 1];
  if (last !== undefined && abs(charge.log - log(last.magnitude)) <= log(spikeSettings.sameLevelFactor)) return true;
  return merchant.charges >= spikeSettings.minHistory && merchant.amounts.max() + log(spikeSettings.knownAmountFactor) >= charge.log;
}

export function spikeAt(
  charge: Charge,
  merchant: MerchantHistory | undefined,
  category: SortedWindow | undefined,
  levels: UserLevels,
  context: CurrencyContext,
): Finding | null {
  if (merchant === undefined) return null;
  const window = basisFor(charge, merchant, category);
  if (window === null || alreadyUsual(charge, merchant)) return null;
  const byCategory = window !== merchant.amounts;
  const threshold = byCategory ? spikeSettings.categoryThreshold : spikeSettings.threshold;
  const center = window.median();
  // Most charges are settled here, before any spread is computed.
  if (charge.log - center <= threshold * sigmaFloor(window.size)) return null;
  const usual = exp(center);
  // An extra smaller than one ordinary purchase is not worth an alert, however unusual.
  if (!(charge.magnitude - usual >= levels.median)) return null;
  const z = (charge.log - center) / sigmaOf(window, center);
  if (z <= threshold) return null;
  const low = round(exp(window.quantile(0.1)));
  const high = round(exp(window.quantile(0.9)));
  const where = byCategory ? `in this category at ${charge.name}` : `at ${charge.name}`;
  return {
    kind: 'spike',
    score: logistic((z - threshold) / spikeSettings.scoreScale),
    reason: `${times(charge.magnitude / usual)} your usual ${where} (${usualRange(context.money, low, high)})`,
    expected: { low, high },
  };
}
