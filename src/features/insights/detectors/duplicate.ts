// The same amount charged twice at one merchant within 2 days, unless the history says that is
// how the user shops there (two coffees a day at the café they visit daily).
import type { Charge, CurrencyContext, Finding, UserLevels } from './charge.ts';
import { closeDays, sameAmountBefore, type MerchantHistory, type RecentCharge } from './merchant-history.ts';
import { shortDate } from './wording.ts';

// Math's functions bound once: where the code runs in a vm context (jest), every global lookup is slow.
const { exp, max, sqrt } = Math;

export const duplicateSettings = {
  /** Earlier same-amount repeats at a merchant that make one more a habit. */
  habitualRepeats: 2,
  /**
   * The chance that a charge here comes within 2 days of the previous one and has this exact
   * amount, from the history; at or above this a repeat is expected, not an error.
   */
  habitualCoincidence: 0.01,
  /** Outflows the user must have before their habits, and so a repeat's oddness, are known. */
  minUserOutflows: 30,
  /** Repeats smaller than this share of the user's median outflow (a second coffee, a bus fare) are not worth an alert. */
  minShareOfMedian: 0.15,
  /** Visits this irregular (standard deviation of the gaps over their mean) come and go at random. */
  irregularGaps: 0.3,
  /** A refund of the amount this many days after the repeat settles it. */
  refundDays: 2,
} as const;

export type Refund = { day: number; magnitude: number };

/**
 * The share of charges here that come within 2 days of the previous one. For irregular visits
 * the few seen so far understate it: a place visited every 10 days at random is back within 2
 * days about a quarter of the time, so the rate implied by the mean gap stands in when higher.
 * Periodic charges (a plan, a bill) keep the share seen, which is none.
 */
function comesBackShare(merchant: MerchantHistory): number {
  // One quick return is no habit (it may have been a duplicate itself).
  const seen = merchant.closeCharges >= 2 ? merchant.closeCharges / merchant.charges : 0;
  const { count, sum, squares } = merchant.gaps;
  if (count < 3) return seen;
  const mean = sum / count;
  const deviation = sqrt(max(0, squares / count - mean * mean));
  if (mean === 0 || deviation < duplicateSettings.irregularGaps * mean) return seen;
  return max(seen, 1 - exp(-(closeDays + 1) / mean));
}

/**
 * How likely this repeat is by habit: P(back within 2 days) × P(this exact amount), both from the
 * history, leaving out the charge it repeats.
 */
function coincidence(charge: Charge, merchant: MerchantHistory): number {
  const others = merchant.amounts.size - 1;
  if (others <= 0) return 0;
  const comesBack = comesBackShare(merchant);
  const sameAmount = (merchant.amounts.countEqual(charge.log) - 1) / others;
  return comesBack * sameAmount;
}

/** Whether the amount was refunded at the merchant from the original's day until `daysAfter` past the repeat. */
export function refunded(charge: Charge, original: RecentCharge, refunds: ReadonlyMap<string, readonly Refund[]>, daysAfter: number): boolean {
  return (refunds.get(charge.merchantKey) ?? []).some(
    (refund) => refund.magnitude === charge.magnitude && refund.day >= original.day && refund.day <= charge.day + daysAfter,
  );
}

export function duplicateAt(
  charge: Charge,
  merchant: MerchantHistory | undefined,
  /** Every refund by merchant key, in the whole ledger (only 2 days past the repeat are read). */
  refunds: ReadonlyMap<string, readonly Refund[]>,
  levels: UserLevels,
  context: CurrencyContext,
): Finding | null {
  if (merchant === undefined || levels.outflows < duplicateSettings.minUserOutflows) return null;
  if (charge.magnitude < duplicateSettings.minShareOfMedian * levels.median) return null;
  const original = sameAmountBefore(merchant, charge);
  if (original === undefined || merchant.sameAmountRepeats >= duplicateSettings.habitualRepeats) return null;
  const chance = coincidence(charge, merchant);
  if (chance >= duplicateSettings.habitualCoincidence || refunded(charge, original, refunds, duplicateSettings.refundDays)) return null;
  const sameDay = original.day === charge.day;
  const amount = context.money(charge.magnitude);
  const when = sameDay
    ? `on ${shortDate(charge.entry.date)}`
    : `within ${closeDays} days (${shortDate(original.date)} and ${shortDate(charge.entry.date)})`;
  return {
    kind: 'duplicate',
    score: (sameDay ? 0.94 : 0.9) - chance,
    reason: `Charged ${amount} twice at ${charge.name} ${when}`,
    expected: null,
  };
}
