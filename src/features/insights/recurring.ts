import { calendarDayOf } from './day-numbers.ts';
import { chargesByMerchant } from './recurring-charges.ts';
import { isRefunds } from './recurring-plausibility.ts';
import { streamsAmong } from './recurring-search.ts';
import { seriesOfStream } from './recurring-series.ts';
import type { LedgerEntry, RecurringSeries } from './types.ts';

/**
 * Recurring streams (subscriptions, bills, salaries) in a user's history: per currency,
 * merchant and direction, the charges that keep to a cadence's calendar. The steps, each in its
 * own file: grouping the charges (recurring-charges.ts), finding the streams among them
 * (recurring-search.ts, on the fitting in cadence*.ts), telling a stream from a coincidence
 * (recurring-plausibility.ts), joining price steps (recurring-price-steps.ts), and the answer
 * for each stream (recurring-series.ts).
 */
export function detectRecurring(entries: readonly LedgerEntry[], today: string): RecurringSeries[] {
  const todayDay = calendarDayOf(today).day;
  const series: RecurringSeries[] = [];
  for (const { outflows, inflows } of chargesByMerchant(entries)) {
    for (const stream of streamsAmong(outflows)) series.push(seriesOfStream(stream, todayDay));
    // Money back from a shop is refunds of its purchases, however regular it looks.
    for (const stream of streamsAmong(inflows)) if (!isRefunds(stream, outflows)) series.push(seriesOfStream(stream, todayDay));
  }
  return series.sort(byStateThenNextDate);
}

const stateOrder: Record<RecurringSeries['state'], number> = { active: 0, late: 1, ended: 2 };

/** Active streams first, then late, then ended, each by next expected date; the rest only makes the order total. */
function byStateThenNextDate(a: RecurringSeries, b: RecurringSeries): number {
  return (
    stateOrder[a.state] - stateOrder[b.state] ||
    compareText(a.nextExpectedDate, b.nextExpectedDate) ||
    compareText(a.merchantKey, b.merchantKey) ||
    compareText(a.currency, b.currency) ||
    compareText(a.direction, b.direction) ||
    compareText(a.lastTransactionId, b.lastTransactionId)
  );
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
