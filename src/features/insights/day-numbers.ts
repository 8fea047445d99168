import { daysInMonth } from '../budgets/periods.ts';

/**
 * Dates as the recurring-stream model reads them: day numbers (days since 1970-01-01) and month
 * indexes (year × 12 + month − 1), so fitting a long history parses no strings and builds no Date.
 */

/** A date as the fitting reads it: day number, month index, day of the month. */
export type CalendarDay = { day: number; month: number; dayOfMonth: number };

// Days from civil (Howard Hinnant), inlined here because the fitting calls it per slot in its hot loop.
function civilDay(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  return era * 146097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719468;
}

const digit = (text: string, at: number) => text.charCodeAt(at) - 48;

/** A trusted 'YYYY-MM-DD' (the ledger's own dates) as a calendar day, without a regular expression. */
export function calendarDayOf(date: string): CalendarDay {
  const year = digit(date, 0) * 1000 + digit(date, 1) * 100 + digit(date, 2) * 10 + digit(date, 3);
  const month = digit(date, 5) * 10 + digit(date, 6);
  const dayOfMonth = digit(date, 8) * 10 + digit(date, 9);
  return { day: civilDay(year, month, dayOfMonth), month: year * 12 + month - 1, dayOfMonth };
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isWeekend(day: number): boolean {
  const weekday = weekdayOf(day);
  return weekday === 0 || weekday === 6;
}

// Month starts from 1900 to 2199 (the ledger's range), looked up rather than computed per slot.
const tableFirstMonth = 1900 * 12;
const monthStarts = Int32Array.from({ length: 300 * 12 + 1 }, (_, index) => {
  const month = tableFirstMonth + index;
  return civilDay(Math.floor(month / 12), (month % 12) + 1, 1);
});

/** Day `dayOfMonth` of month index `month`, clamped to the month's end (billed on the 31st → 30th, 28th). */
export function monthDay(month: number, dayOfMonth: number): number {
  const index = month - tableFirstMonth;
  if (index >= 0 && index < monthStarts.length - 1) {
    const start = monthStarts[index] as number;
    return start + Math.min(dayOfMonth, (monthStarts[index + 1] as number) - start) - 1;
  }
  const year = Math.floor(month / 12);
  const calendarMonth = month - year * 12 + 1;
  return civilDay(year, calendarMonth, Math.min(dayOfMonth, daysInMonth(year, calendarMonth)));
}

export function isMonthEnd(date: CalendarDay): boolean {
  const year = Math.floor(date.month / 12);
  return date.dayOfMonth === daysInMonth(year, date.month - year * 12 + 1);
}
