import type { components } from '../../generated/api.ts';

/**
 * Budget periods: pure calendar maths on 'YYYY-MM-DD' strings. Dates become integer day numbers
 * (days since 1970-01-01, proleptic Gregorian) and back, so no time zone or the Date object's
 * two-digit-year rule can shift a day.
 */

export type BudgetPeriod = components['schemas']['BudgetPeriod'];

/** The `index`-th period of a budget (0 starts on start_date; negative ones lie before it). */
export type PeriodWindow = { index: number; start: string; end: string };

type Civil = { year: number; month: number; day: number };

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function parseDate(date: string): Civil {
  const match = datePattern.exec(date);
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  if (!match || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`${date} is not a calendar date YYYY-MM-DD`);
  }
  return { year, month, day };
}

// Howard Hinnant's days_from_civil / civil_from_days: exact integer arithmetic over 400-year eras.
function dayOfCivil({ year, month, day }: Civil): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function civilOfDay(dayNumber: number): Civil {
  const shifted = dayNumber + 719468;
  const era = Math.floor(shifted / 146097);
  const dayOfEra = shifted - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Days since 1970-01-01 (negative before). */
export function dayNumber(date: string): number {
  return dayOfCivil(parseDate(date));
}

export function dateOfDayNumber(dayNumber: number): string {
  const { year, month, day } = civilOfDay(dayNumber);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The day a budget's `index`-th period starts, as a day number. */
function periodStartDay(period: BudgetPeriod, anchor: Civil, index: number): number {
  switch (period) {
    case 'weekly':
      return dayOfCivil(anchor) + 7 * index;
    case 'monthly': {
      // Always from the anchor, never from the previous period: a budget starting on the 31st
      // renews on 28/29 February and on the 31st again in March.
      const months = anchor.year * 12 + (anchor.month - 1) + index;
      const year = Math.floor(months / 12);
      const month = months - year * 12 + 1;
      return dayOfCivil({ year, month, day: Math.min(anchor.day, daysInMonth(year, month)) });
    }
    case 'yearly': {
      const year = anchor.year + index;
      return dayOfCivil({ year, month: anchor.month, day: Math.min(anchor.day, daysInMonth(year, anchor.month)) });
    }
  }
}

/**
 * The period of the budget that contains `date`. Periods are anchored on start_date and extend
 * both ways; each ends the day before the next one starts.
 */
export function periodContaining(budget: { period: BudgetPeriod; start_date: string }, date: string): PeriodWindow {
  const anchor = parseDate(budget.start_date);
  const target = parseDate(date);
  const day = dayOfCivil(target);
  // A first guess that is either right or one too far: the period starting in date's week,
  // month or year may start after date.
  let index: number;
  switch (budget.period) {
    case 'weekly':
      index = Math.floor((day - dayOfCivil(anchor)) / 7);
      break;
    case 'monthly':
      index = target.year * 12 + target.month - (anchor.year * 12 + anchor.month);
      break;
    case 'yearly':
      index = target.year - anchor.year;
      break;
  }
  if (periodStartDay(budget.period, anchor, index) > day) index -= 1;
  return {
    index,
    start: dateOfDayNumber(periodStartDay(budget.period, anchor, index)),
    end: dateOfDayNumber(periodStartDay(budget.period, anchor, index + 1) - 1),
  };
}
