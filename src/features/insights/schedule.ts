import { addDays, addMonths } from '../../calendar.ts';
import type { Cadence, RecurringSeries } from './types.ts';

const daysPerStep: Partial<Record<Cadence, number>> = { weekly: 7, biweekly: 14 };
const monthsPerStep: Partial<Record<Cadence, number>> = { monthly: 1, quarterly: 3, semiannual: 6, yearly: 12 };

/** `day`'s day of the month in the month `months` later, clamped to that month's end (Jan 31 → Feb 28). */
function sameDayMonthsLater(day: string, months: number): string {
  const month = addMonths(day.slice(0, 7), months);
  const lastDay = addDays(`${addMonths(month, 1)}-01`, -1);
  const wanted = `${month}-${day.slice(8, 10)}`;
  return wanted > lastDay ? lastDay : wanted;
}

/**
 * The dates a stream is expected on from its next expected date up to `until` (inclusive):
 * what a forecast adds as known amounts. Semi-monthly streams come twice a month, half a month
 * apart.
 */
export function expectedDates(series: Pick<RecurringSeries, 'cadence' | 'nextExpectedDate'>, until: string): string[] {
  const dates: string[] = [];
  const first = series.nextExpectedDate;
  const days = daysPerStep[series.cadence];
  const months = monthsPerStep[series.cadence];
  for (let step = 0; dates.length < 1000; step++) {
    let date: string;
    if (days !== undefined) date = addDays(first, step * days);
    else if (months !== undefined) date = sameDayMonthsLater(first, step * months);
    else date = step % 2 === 0 ? sameDayMonthsLater(first, step / 2) : addDays(sameDayMonthsLater(first, (step - 1) / 2), 15);
    if (date > until) break;
    dates.push(date);
  }
  return dates;
}
