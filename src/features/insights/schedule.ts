import { dateOfDayNumber } from '../budgets/periods.ts';
import { daysPerSlot, everyDays, everyMonths, monthsPerSlot, shiftedOffWeekend, twiceMonthly, type Schedule } from './cadence-schedules.ts';
import { calendarDayOf, type CalendarDay } from './day-numbers.ts';
import type { Cadence, RecurringSeries } from './types.ts';

type StreamSchedule = NonNullable<RecurringSeries['schedule']>;

/** More dates than any forecast asks for (a year of weekly charges is 53): a bound, not a limit in use. */
const mostDates = 1000;

/**
 * The dates a stream is expected on from its next expected date up to `until` (inclusive):
 * what a forecast adds as known amounts. They follow the schedule the model fitted, so a month
 * gets as many charges as the stream really has in it: a semi-monthly stream on its own two days
 * of the month, a charge on the 31st on each month's last day, weekend dates moved the way the
 * stream moved them. `until` is compared as text, so a month's "YYYY-MM-31" stands for its end.
 */
export function expectedDates(series: Pick<RecurringSeries, 'cadence' | 'nextExpectedDate' | 'schedule'>, until: string): string[] {
  const { nextDueDate, daysOfMonth, weekendShift } = series.schedule ?? scheduleOfNextDate(series.cadence, series.nextExpectedDate);
  const due = calendarDayOf(nextDueDate);
  const schedule = scheduleThrough(series.cadence, due, daysOfMonth);
  const dates: string[] = [];
  for (let slot = schedule.slotOf(due); dates.length < mostDates; slot++) {
    const date = dateOfDayNumber(shiftedOffWeekend(schedule.slotDay(slot), weekendShift));
    if (date > until) break;
    dates.push(date);
  }
  return dates;
}

/** The cadence's schedule with a slot on `due`, on the stream's days of the month. */
function scheduleThrough(cadence: Cadence, due: CalendarDay, daysOfMonth: readonly number[]): Schedule {
  const period = daysPerSlot[cadence];
  if (period !== undefined) return everyDays(cadence, period, due.day);
  const step = monthsPerSlot[cadence];
  if (step !== undefined) return everyMonths(cadence, step, due.month, daysOfMonth[0] ?? due.dayOfMonth);
  const [first, second] = daysOfMonth.length === 2 ? daysOfMonth : halfMonthApart(due.dayOfMonth);
  return twiceMonthly(first as number, second as number);
}

/**
 * A series that carries no schedule (not one the model found) keeps to its next date: that day
 * of the month, twice a month with a day 15 days away, no weekend moves.
 */
function scheduleOfNextDate(cadence: Cadence, nextExpectedDate: string): StreamSchedule {
  const dayOfMonth = calendarDayOf(nextExpectedDate).dayOfMonth;
  const daysOfMonth = cadence === 'semi_monthly' ? halfMonthApart(dayOfMonth) : daysPerSlot[cadence] === undefined ? [dayOfMonth] : [];
  return { nextDueDate: nextExpectedDate, daysOfMonth, weekendShift: 'none' };
}

const halfMonthApart = (dayOfMonth: number): [number, number] => (dayOfMonth <= 15 ? [dayOfMonth, dayOfMonth + 15] : [dayOfMonth - 15, dayOfMonth]);
