// The first charge at a merchant the user has never paid, larger than their usual large purchase
// (2 × the 95th percentile of the last year's outflows).
import type { Charge, CurrencyContext, Finding, UserLevels } from './charge.ts';
import { logistic } from './robust-stats.ts';
import { roughly, times } from './wording.ts';

export const newMerchantSettings = {
  /** Outflows in the last year, and days of history, before the user's usual is known. */
  minOutflows: 60,
  minHistoryDays: 45,
  /** How far above the 95th percentile a first charge must be. */
  factor: 2,
  /** ln-ratio past the limit over which the score climbs from 0.5 towards 1. */
  scoreScale: 0.4,
} as const;

/** `firstAtMerchant`: nothing, in or out, was ever booked at this merchant before. */
export function newMerchantAt(charge: Charge, firstAtMerchant: boolean, levels: UserLevels, context: CurrencyContext): Finding | null {
  if (!firstAtMerchant || levels.outflows < newMerchantSettings.minOutflows || levels.historyDays < newMerchantSettings.minHistoryDays) {
    return null;
  }
  const limit = newMerchantSettings.factor * levels.p95;
  if (!(charge.magnitude > limit)) return null;
  const large = roughly(levels.p95, context.exponent);
  return {
    kind: 'new_merchant',
    score: logistic(Math.log(charge.magnitude / limit) / newMerchantSettings.scoreScale),
    reason:
      `First charge at ${charge.name}, a merchant new to you: ${context.money(charge.magnitude)}, ` +
      `${times(charge.magnitude / levels.p95)} your usual large purchase (about ${context.money(large)})`,
    expected: { low: roughly(levels.median, context.exponent), high: large },
  };
}
