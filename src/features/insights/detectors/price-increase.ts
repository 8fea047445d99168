// A recurring charge (at least 3 earlier ones at one stable amount, roughly periodic) that comes
// back more than 5 % higher. Only the first charge at the new price is flagged: after it the
// stable run behind it is broken.
import type { Charge, CurrencyContext, Finding } from './charge.ts';
import { closeDays, type MerchantHistory, type RecentCharge } from './merchant-history.ts';
import { logistic } from './robust-stats.ts';

// Math's functions bound once: where the code runs in a vm context (jest), every global lookup is slow.
const { abs, floor, log, max, min, round } = Math;

export const priceIncreaseSettings = {
  minRun: 3,
  /** Amounts within this share of the last one belong to the same price (taxes, rounding). */
  stableTolerance: 0.02,
  minIncrease: 0.05,
  /** Beyond this the charge is some other purchase, a spike if anything. */
  maxRatio: 2.5,
  /** Every gap within these factors of the median gap; the new charge's gap too (looser). */
  periodTolerance: 0.25,
  arrivalWindow: [0.6, 1.6] as const,
  minPeriodDays: 6,
  maxPeriodDays: 400,
  scoreScale: 0.15,
} as const;

/** The charges at the last price, oldest first. */
function stableRun(recent: readonly RecentCharge[]): RecentCharge[] {
  const last = recent[recent.length - 1];
  if (last === undefined) return [];
  let start = recent.length - 1;
  while (start > 0 && abs((recent[start - 1] as RecentCharge).magnitude - last.magnitude) <= priceIncreaseSettings.stableTolerance * last.magnitude) start--;
  return recent.slice(start);
}

/** The charges before the run (as far as remembered) keep to one earlier price: a plan, not a shop with varied baskets. */
function earlierPriceStable(recent: readonly RecentCharge[], runLength: number): boolean {
  const earlier = recent.slice(0, recent.length - runLength);
  const reference = earlier[earlier.length - 1];
  if (reference === undefined) return true;
  return earlier.every((charge) => abs(charge.magnitude - reference.magnitude) <= priceIncreaseSettings.stableTolerance * reference.magnitude);
}

/**
 * The typical gap in days when the run is periodic, else null. A charge within 2 days of the one
 * before is a repeat of it (a duplicate, a retry), not a new cycle, and is left out.
 */
function periodOf(run: readonly RecentCharge[]): number | null {
  const cycles = run.filter((charge, i) => i === 0 || charge.day - (run[i - 1] as RecentCharge).day > closeDays);
  const gaps = cycles.slice(1).map((charge, i) => charge.day - (cycles[i] as RecentCharge).day);
  if (gaps.length < priceIncreaseSettings.minRun - 1) return null;
  const sorted = [...gaps].sort((a, b) => a - b);
  const period = sorted[floor((sorted.length - 1) / 2)] ?? 0;
  if (period < priceIncreaseSettings.minPeriodDays || period > priceIncreaseSettings.maxPeriodDays) return null;
  const tolerance = priceIncreaseSettings.periodTolerance * period;
  return gaps.every((gap) => abs(gap - period) <= tolerance) ? period : null;
}

export function priceIncreaseAt(charge: Charge, merchant: MerchantHistory | undefined, context: CurrencyContext): Finding | null {
  const last = merchant?.recent[merchant.recent.length - 1];
  if (merchant === undefined || last === undefined) return null;
  const ratio = charge.magnitude / last.magnitude;
  if (ratio <= 1 + priceIncreaseSettings.minIncrease || ratio > priceIncreaseSettings.maxRatio) return null;
  const run = stableRun(merchant.recent);
  if (run.length < priceIncreaseSettings.minRun || !earlierPriceStable(merchant.recent, run.length)) return null;
  const period = periodOf(run);
  const [early, late] = priceIncreaseSettings.arrivalWindow;
  const gap = charge.day - last.day;
  if (period === null || gap < early * period || gap > late * period) return null;
  const magnitudes = run.map((earlier) => earlier.magnitude);
  const percent = round((ratio - 1) * 100);
  return {
    kind: 'price_increase',
    score: logistic(log(ratio / (1 + priceIncreaseSettings.minIncrease)) / priceIncreaseSettings.scoreScale),
    reason: `${charge.name} went from ${context.money(last.magnitude)} to ${context.money(charge.magnitude)} (+${percent} %)`,
    expected: { low: min(...magnitudes), high: max(...magnitudes) },
  };
}
