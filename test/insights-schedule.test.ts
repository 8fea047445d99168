// A recurring stream's dates ahead (src/features/insights/schedule.ts), as a forecast adds them
// to its months: every cadence over a year, twice a month on the stream's own two days, month-end
// clamping, weekend moves learned by the model; and properties against a date-by-date reference.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays, addMonths, monthsBetween } from '../src/calendar.ts';
import { detectRecurring } from '../src/features/insights/recurring.ts';
import { expectedDates } from '../src/features/insights/schedule.ts';
import type { Cadence, RecurringSeries } from '../src/features/insights/types.ts';
import { ledger, type Line } from './helpers/ledger-lines.ts';

type Stream = Pick<RecurringSeries, 'cadence' | 'nextExpectedDate' | 'schedule'>;
type Shift = NonNullable<RecurringSeries['schedule']>['weekendShift'];

const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
/** A date moved off a weekend: to the Friday before, the Monday after, or not at all. */
function moved(date: string, shift: Shift): string {
  const day = weekday(date);
  if ((day !== 0 && day !== 6) || shift === 'none') return date;
  if (shift === 'before') return addDays(date, day === 6 ? -1 : -2);
  return addDays(date, day === 6 ? 2 : 1);
}
/** Day `day` of `month` (YYYY-MM), clamped to the month's end. */
function clampedDay(month: string, day: number): string {
  const last = Number(addDays(`${addMonths(month, 1)}-01`, -1).slice(8, 10));
  return `${month}-${String(Math.min(day, last)).padStart(2, '0')}`;
}

/** A stream as the model describes it: its next due date, days of the month and weekend habit. */
function stream(cadence: Cadence, nextDueDate: string, daysOfMonth: readonly number[], weekendShift: Shift = 'none'): Stream {
  return { cadence, nextExpectedDate: moved(nextDueDate, weekendShift), schedule: { nextDueDate, daysOfMonth, weekendShift } };
}

const countsByMonth = (dates: readonly string[]) => {
  const counts = new Map<string, number>();
  for (const date of dates) counts.set(date.slice(0, 7), (counts.get(date.slice(0, 7)) ?? 0) + 1);
  return counts;
};
const months2025 = monthsBetween('2025-01', '2025-12');

describe('expectedDates: every cadence over a year', () => {
  it.each<[Cadence, string, number[], string[]]>([
    ['weekly', '2025-01-06', [], Array.from({ length: 52 }, (_, i) => addDays('2025-01-06', 7 * i))],
    ['biweekly', '2025-01-03', [], Array.from({ length: 26 }, (_, i) => addDays('2025-01-03', 14 * i))],
    ['semi_monthly', '2025-01-01', [1, 15], months2025.flatMap((month) => [`${month}-01`, `${month}-15`])],
    ['monthly', '2025-01-10', [10], months2025.map((month) => `${month}-10`)],
    ['quarterly', '2025-02-12', [12], ['2025-02-12', '2025-05-12', '2025-08-12', '2025-11-12']],
    ['semiannual', '2025-03-09', [9], ['2025-03-09', '2025-09-09']],
    ['yearly', '2025-06-17', [17], ['2025-06-17']],
  ])('lists a %s stream due %s through 2025', (cadence, next, daysOfMonth, expected) => {
    expect(expectedDates(stream(cadence, next, daysOfMonth), '2025-12-31')).toEqual(expected);
  });

  it('lists a yearly stream once a year, and nothing when it is due after `until`', () => {
    expect(expectedDates(stream('yearly', '2025-06-17', [17]), '2027-12-31')).toEqual(['2025-06-17', '2026-06-17', '2027-06-17']);
    expect(expectedDates(stream('yearly', '2025-06-17', [17]), '2025-06-16')).toEqual([]);
  });

  it('takes a month\'s "YYYY-MM-31" as its end, as the forecast passes it', () => {
    expect(expectedDates(stream('monthly', '2025-09-30', [30]), '2025-11-31')).toEqual(['2025-09-30', '2025-10-30', '2025-11-30']);
  });
});

describe('expectedDates: twice a month', () => {
  it('gives pay on the 15th and the last day two dates in every month, February included', () => {
    const dates = expectedDates(stream('semi_monthly', '2024-01-15', [15, 31]), '2025-12-31');
    expect(dates.slice(0, 6)).toEqual(['2024-01-15', '2024-01-31', '2024-02-15', '2024-02-29', '2024-03-15', '2024-03-31']);
    expect(dates).toContain('2025-02-28');
    expect(dates).toContain('2025-04-30');
    expect([...countsByMonth(dates).values()]).toEqual(Array.from({ length: 24 }, () => 2));
  });

  it('starts from whichever of its two days is next', () => {
    expect(expectedDates(stream('semi_monthly', '2025-02-28', [15, 31]), '2025-04-15')).toEqual(['2025-02-28', '2025-03-15', '2025-03-31', '2025-04-15']);
    expect(expectedDates(stream('semi_monthly', '2025-01-20', [5, 20]), '2025-02-28')).toEqual(['2025-01-20', '2025-02-05', '2025-02-20']);
  });
});

describe('expectedDates: month ends', () => {
  it('follows a charge on the 31st to the 30th, the 29th and the 28th of shorter months', () => {
    const months2024 = monthsBetween('2024-01', '2024-12');
    expect(expectedDates(stream('monthly', '2024-01-31', [31]), '2025-03-31')).toEqual([
      ...months2024.map((month) => clampedDay(month, 31)),
      '2025-01-31',
      '2025-02-28',
      '2025-03-31',
    ]);
  });

  it('goes back to the 31st after a short month it was due in', () => {
    expect(expectedDates(stream('monthly', '2025-02-28', [31]), '2025-05-31')).toEqual(['2025-02-28', '2025-03-31', '2025-04-30', '2025-05-31']);
  });

  it('renews a policy taken out on February 29 on the 28th in common years', () => {
    expect(expectedDates(stream('yearly', '2024-02-29', [29]), '2028-12-31')).toEqual(['2024-02-29', '2025-02-28', '2026-02-28', '2027-02-28', '2028-02-29']);
  });

  it('keeps a quarterly bill on the 31st to each quarter month\'s end', () => {
    expect(expectedDates(stream('quarterly', '2025-01-31', [31]), '2025-12-31')).toEqual(['2025-01-31', '2025-04-30', '2025-07-31', '2025-10-31']);
  });
});

describe('expectedDates: weekends', () => {
  it('moves rent due on a Saturday the 1st to the Monday after, as the stream was paid', () => {
    expect(expectedDates(stream('monthly', '2025-09-01', [1], 'after'), '2025-12-31')).toEqual(['2025-09-01', '2025-10-01', '2025-11-03', '2025-12-01']);
  });

  it('moves pay due on a weekend to the Friday before, into the month before when the 1st is a Saturday', () => {
    expect(expectedDates(stream('monthly', '2025-10-25', [25], 'before'), '2026-01-31')).toEqual(['2025-10-24', '2025-11-25', '2025-12-25', '2026-01-23']);
    expect(expectedDates(stream('monthly', '2025-10-01', [1], 'before'), '2025-11-30')).toEqual(['2025-10-01', '2025-10-31']);
  });

  it('leaves a weekend date where it is for a stream that is charged on weekends', () => {
    expect(expectedDates(stream('monthly', '2025-10-25', [25]), '2025-10-31')).toEqual(['2025-10-25']);
  });
});

function onlyStream(lines: readonly Line[], today: string): RecurringSeries {
  const found = detectRecurring(ledger(lines), today);
  expect(found).toHaveLength(1);
  return found[0] as RecurringSeries;
}

describe('expectedDates: on streams the model found', () => {
  it('expects pay on the 1st and the 15th, paid the Monday after a weekend, on those days through the next year', () => {
    const paid = months2025.flatMap((month) => [`${month}-01`, `${month}-15`]).map((date) => moved(date, 'after'));
    const pay = onlyStream(paid.map((date) => ({ date, amount: 180_000, key: 'globex-payroll' })), '2025-12-20');
    expect(pay.cadence).toBe('semi_monthly');
    const expected = monthsBetween('2026-01', '2026-12').flatMap((month) => [`${month}-01`, `${month}-15`]).map((date) => moved(date, 'after'));
    expect(expected).toContain('2026-02-02');
    expect(expectedDates(pay, '2026-12-31')).toEqual(expected);
  });

  it('gives pay on the 15th and the month\'s end, paid the Friday before a weekend, two dates in every month ahead', () => {
    const paid = months2025.flatMap((month) => [clampedDay(month, 15), clampedDay(month, 31)]).map((date) => moved(date, 'before'));
    const pay = onlyStream(paid.map((date) => ({ date, amount: 310_000, key: 'initech-payroll' })), '2025-12-31');
    const dates = expectedDates(pay, '2026-12-31');
    expect([...countsByMonth(dates).values()]).toEqual(Array.from({ length: 12 }, () => 2));
    const fifteenths = monthsBetween('2026-01', '2026-12').map((month) => moved(`${month}-15`, 'before'));
    expect(dates.filter((_, index) => index % 2 === 0)).toEqual(fifteenths);
    // The model fits "the 15th and the 30th" here (its twice-a-month days have no month-end
    // reading): a 31-day month's second date is the 30th, moved off a weekend from there, up to
    // three days early. The month, which is what the forecast counts, is still right.
    const ends = monthsBetween('2026-01', '2026-12').map((month) => moved(clampedDay(month, 31), 'before'));
    dates.filter((_, index) => index % 2 === 1).forEach((date, index) => expect(Math.abs(Date.parse(date) - Date.parse(ends[index] as string))).toBeLessThanOrEqual(86_400_000 * 3));
  });

  it('expects rent debited on the Monday after a weekend to be again', () => {
    const paid = monthsBetween('2024-11', '2025-10').map((month) => moved(`${month}-01`, 'after'));
    const rent = onlyStream(paid.map((date) => ({ date, amount: -210_000, key: 'greystar' })), '2025-10-20');
    expect(expectedDates(rent, '2026-03-31')).toEqual(['2025-11-03', '2025-12-01', '2026-01-01', '2026-02-02', '2026-03-02']);
  });

  it('follows a subscription billed on the 31st back to the 31st after February', () => {
    const billed = monthsBetween('2024-03', '2025-02').map((month) => clampedDay(month, 31));
    const netflix = onlyStream(billed.map((date) => ({ date, amount: -1549, key: 'netflix' })), '2025-03-05');
    expect(expectedDates(netflix, '2025-06-30')).toEqual(['2025-03-31', '2025-04-30', '2025-05-31', '2025-06-30']);
  });
});

describe('expectedDates: a series without a schedule', () => {
  it('keeps to its next date\'s day of the month, and comes twice a month when semi-monthly', () => {
    expect(expectedDates({ cadence: 'monthly', nextExpectedDate: '2025-01-20' }, '2025-04-30')).toEqual(['2025-01-20', '2025-02-20', '2025-03-20', '2025-04-20']);
    const twice = expectedDates({ cadence: 'semi_monthly', nextExpectedDate: '2025-01-01' }, '2025-12-31');
    expect([...countsByMonth(twice).values()]).toEqual(Array.from({ length: 12 }, () => 2));
    expect(twice[0]).toBe('2025-01-01');
  });
});

const daysPerSlot: Partial<Record<Cadence, number>> = { weekly: 7, biweekly: 14 };
const monthsPerSlot: Partial<Record<Cadence, number>> = { monthly: 1, quarterly: 3, semiannual: 6, yearly: 12 };

/** The stream's nominal dates, slot by slot, from calendar strings alone: the reference the schedule must agree with. */
function referenceDates(cadence: Cadence, next: string, daysOfMonth: readonly number[], shift: Shift, until: string): string[] {
  const dates: string[] = [];
  const days = daysPerSlot[cadence];
  const months = monthsPerSlot[cadence];
  const secondIsNext = cadence === 'semi_monthly' && next === clampedDay(next.slice(0, 7), daysOfMonth[1] as number);
  for (let slot = 0; slot < 1000; slot++) {
    let nominal: string;
    if (days !== undefined) nominal = addDays(next, slot * days);
    else if (months !== undefined) nominal = clampedDay(addMonths(next.slice(0, 7), slot * months), daysOfMonth[0] as number);
    else {
      const half = slot + (secondIsNext ? 1 : 0);
      nominal = clampedDay(addMonths(next.slice(0, 7), Math.floor(half / 2)), daysOfMonth[half % 2] as number);
    }
    const date = moved(nominal, shift);
    if (date > until) break;
    dates.push(date);
  }
  return dates;
}

const cadences: readonly Cadence[] = ['weekly', 'biweekly', 'semi_monthly', 'monthly', 'quarterly', 'semiannual', 'yearly'];

/** A stream's schedule as the model could describe it: nominal next date on one of its days of the month. */
const describedStream = fc
  .record({
    cadence: fc.constantFrom(...cadences),
    start: fc.integer({ min: 0, max: 4000 }).map((offset) => addDays('2016-01-01', offset)),
    first: fc.integer({ min: 1, max: 20 }),
    gap: fc.integer({ min: 11, max: 19 }),
    day: fc.integer({ min: 1, max: 31 }),
    onSecond: fc.boolean(),
    shift: fc.constantFrom<Shift>('before', 'after', 'none'),
    untilOffset: fc.integer({ min: -60, max: 800 }),
  })
  .map(({ cadence, start, first, gap, day, onSecond, shift, untilOffset }) => {
    const month = start.slice(0, 7);
    const daysOfMonth = daysPerSlot[cadence] !== undefined ? [] : cadence === 'semi_monthly' ? [first, Math.min(31, first + gap)] : [day];
    const next = daysOfMonth.length === 0 ? start : clampedDay(month, (onSecond && cadence === 'semi_monthly' ? daysOfMonth[1] : daysOfMonth[0]) as number);
    return { cadence, next, daysOfMonth, shift, until: addDays(next, untilOffset) };
  });

describe('expectedDates: properties', () => {
  it('answers strictly increasing dates up to `until`, the first the next expected date, as the reference lists them', () => {
    fc.assert(
      fc.property(describedStream, ({ cadence, next, daysOfMonth, shift, until }) => {
        const series = stream(cadence, next, daysOfMonth, shift);
        const dates = expectedDates(series, until);
        dates.slice(1).forEach((date, index) => expect(date > (dates[index] as string)).toBe(true));
        expect(dates.every((date) => date <= until)).toBe(true);
        if (series.nextExpectedDate <= until) expect(dates[0]).toBe(series.nextExpectedDate);
        else expect(dates).toEqual([]);
        expect(dates).toEqual(referenceDates(cadence, next, daysOfMonth, shift, until));
      }),
      { numRuns: 500 },
    );
  });

  const perYear: Record<Cadence, number> = { weekly: 52, biweekly: 26, semi_monthly: 24, monthly: 12, quarterly: 4, semiannual: 2, yearly: 1 };
  const scheduleOf = (cadence: Cadence, start: string, count: number, day: number): string[] => {
    const days = daysPerSlot[cadence];
    if (days !== undefined) return Array.from({ length: count }, (_, i) => addDays(start, i * days));
    const month = start.slice(0, 7);
    if (cadence === 'semi_monthly') return Array.from({ length: count }, (_, i) => clampedDay(addMonths(month, Math.floor(i / 2)), Math.min(day, 16) + (i % 2) * 15));
    return Array.from({ length: count }, (_, i) => clampedDay(addMonths(month, i * (monthsPerSlot[cadence] as number)), day));
  };

  it('starts a found stream\'s dates at its next expected date and gives a year about a year of charges', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...cadences),
        fc.integer({ min: 0, max: 3000 }).map((offset) => addDays('2018-01-01', offset)),
        fc.integer({ min: 1, max: 31 }),
        fc.constantFrom<Shift>('before', 'after', 'none'),
        (cadence, start, day, shift) => {
          const dates = scheduleOf(cadence, start, cadence === 'semi_monthly' || cadence === 'biweekly' ? 14 : 6, day).map((date) => moved(date, shift));
          const series = onlyStream(dates.map((date) => ({ date, amount: -4_999, key: 'stream' })), dates.at(-1) as string);
          expect(series.cadence).toBe(cadence);
          const ahead = expectedDates(series, addDays(series.nextExpectedDate, 364));
          expect(ahead[0]).toBe(series.nextExpectedDate);
          expect(ahead.length).toBeGreaterThanOrEqual(perYear[cadence]);
          expect(ahead.length).toBeLessThanOrEqual(perYear[cadence] + 1);
        },
      ),
      { numRuns: 150 },
    );
  });
});
