// What the detectors remember about each merchant, bounded: the last 50 amounts (spikes), the last
// 8 charges (duplicates, recurring prices) and a few counters (habits).
import type { Charge } from './charge.ts';
import { SortedWindow } from './robust-stats.ts';

export type RecentCharge = { day: number; date: string; magnitude: number };

export type MerchantHistory = {
  /** ln(magnitude) of the last 50 outflows. */
  amounts: SortedWindow;
  /** The last 8 outflows, oldest first. */
  recent: RecentCharge[];
  charges: number;
  /** Outflows that came within 2 days after the previous one here: how often the user comes back at once. */
  closeCharges: number;
  /** Outflows that repeated an amount charged here within the 2 days before. */
  sameAmountRepeats: number;
  /** Days between consecutive outflows here: count, sum and sum of squares (how regular the visits are). */
  gaps: { count: number; sum: number; squares: number };
};

export const amountWindow = 50;
const recentCharges = 8;
/** Two charges this many days apart or fewer are "within 2 days". */
export const closeDays = 2;

export function emptyMerchantHistory(): MerchantHistory {
  return { amounts: new SortedWindow(amountWindow), recent: [], charges: 0, closeCharges: 0, sameAmountRepeats: 0, gaps: { count: 0, sum: 0, squares: 0 } };
}

/** The most recent earlier charge of the same amount within `closeDays`, if any. */
export function sameAmountBefore(history: MerchantHistory, charge: Pick<Charge, 'day' | 'magnitude'>): RecentCharge | undefined {
  for (let i = history.recent.length - 1; i >= 0; i--) {
    const earlier = history.recent[i] as RecentCharge;
    if (charge.day - earlier.day > closeDays) return undefined;
    if (earlier.magnitude === charge.magnitude) return earlier;
  }
  return undefined;
}

/** `refundedRepeat`: the charge repeats one that was refunded in between (a corrected order), no habit. */
export function recordCharge(history: MerchantHistory, charge: Charge, refundedRepeat = false): void {
  const previous = history.recent[history.recent.length - 1];
  if (previous !== undefined) {
    const gap = charge.day - previous.day;
    if (gap <= closeDays) history.closeCharges++;
    history.gaps.count++;
    history.gaps.sum += gap;
    history.gaps.squares += gap * gap;
  }
  if (!refundedRepeat && sameAmountBefore(history, charge) !== undefined) history.sameAmountRepeats++;
  history.recent.push({ day: charge.day, date: charge.entry.date, magnitude: charge.magnitude });
  if (history.recent.length > recentCharges) history.recent.shift();
  history.amounts.add(charge.log);
  history.charges++;
}
