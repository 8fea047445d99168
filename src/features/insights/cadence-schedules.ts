import { monthDay, weekdayOf, type CalendarDay } from './day-numbers.ts';
import type { Cadence, RecurringSeries } from './types.ts';

/**
 * Each cadence as a schedule of nominal dates ("slots") on day numbers, and how a stream moves a
 * date off a weekend. The fitting reads charges against these; the forecast lists a stream's
 * future dates from them (schedule.ts), so both agree on where a stream falls.
 */

/** A cadence's nominal dates: slot k's day, and the slot nearest a date. */
export type Schedule = {
  cadence: Cadence;
  /** The days of the month the slots fall on before clamping (one; two twice a month); none for weekly and biweekly. */
  daysOfMonth: readonly number[];
  slotDay(slot: number): number;
  slotOf(date: CalendarDay): number;
};

export const monthsPerSlot: Partial<Record<Cadence, number>> = { monthly: 1, quarterly: 3, semiannual: 6, yearly: 12 };
export const daysPerSlot: Partial<Record<Cadence, number>> = { weekly: 7, biweekly: 14 };

/** Every `period` days from `anchor` (weekly, biweekly). */
export function everyDays(cadence: Cadence, period: number, anchor: number): Schedule {
  return {
    cadence,
    daysOfMonth: [],
    slotDay: (slot) => anchor + slot * period,
    slotOf: (date) => Math.round((date.day - anchor) / period),
  };
}

/** Day `dayOfMonth` of every `step`-th month, starting at month index `phase` (monthly … yearly). */
export function everyMonths(cadence: Cadence, step: number, phase: number, dayOfMonth: number): Schedule {
  const slotDay = (slot: number) => monthDay(phase + slot * step, dayOfMonth);
  return { cadence, daysOfMonth: [dayOfMonth], slotDay, slotOf: (date) => nearestSlot(date.day, Math.floor((date.month - phase) / step), slotDay) };
}

/** Two days of every month (the 1st and 15th, the 15th and the last): slot 2m is month m's first day, 2m + 1 its second. */
export function twiceMonthly(first: number, second: number): Schedule {
  const slotDay = (slot: number) => {
    const month = Math.floor(slot / 2);
    return monthDay(month, slot - month * 2 === 0 ? first : second);
  };
  return {
    cadence: 'semi_monthly',
    daysOfMonth: [first, second],
    slotDay,
    slotOf: (date) => nearestSlot(date.day, 2 * date.month + (date.dayOfMonth >= (first + second) / 2 ? 1 : 0), slotDay),
  };
}

/** From a guess one slot off at most, the slot whose day is nearest `day`. */
function nearestSlot(day: number, guess: number, slotDay: (slot: number) => number): number {
  let slot = guess;
  let distance = day - slotDay(slot);
  const direction = distance < 0 ? -1 : 1;
  for (let step = 0; step < 2 && distance !== 0; step++) {
    const nextDistance = day - slotDay(slot + direction);
    if (Math.abs(nextDistance) >= Math.abs(distance)) break;
    [slot, distance] = [slot + direction, nextDistance];
  }
  return slot;
}

/** Where a stream's charge goes when its slot falls on a weekend: the business day before, after, or the day itself. */
export type WeekendShift = NonNullable<RecurringSeries['schedule']>['weekendShift'];

/** A slot's day moved off a weekend the way the stream moves it (Saturday → Friday or Monday, Sunday → Friday or Monday). */
export function shiftedOffWeekend(day: number, shift: WeekendShift): number {
  const weekday = weekdayOf(day);
  if ((weekday !== 0 && weekday !== 6) || shift === 'none') return day;
  if (shift === 'before') return day - (weekday === 6 ? 1 : 2);
  return day + (weekday === 6 ? 2 : 1);
}
