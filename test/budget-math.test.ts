import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays, daysBetween } from '../src/calendar.ts';
import {
  dateOfDayNumber,
  daysInMonth,
  dayNumber,
  periodContaining,
  type BudgetPeriod,
  type PeriodWindow,
} from '../src/features/budgets/periods.ts';
import { budgetStatus, divideRounded, type BudgetStatusInput } from '../src/features/budgets/status.ts';

const day1900 = dayNumber('1900-01-01');
const day2199 = dayNumber('2199-12-31');

/** A calendar date between 1900-01-01 and 2199-12-31, the ledger's range. */
const ledgerDate = fc.integer({ min: day1900, max: day2199 }).map(dateOfDayNumber);
const period = fc.constantFrom<BudgetPeriod>('weekly', 'monthly', 'yearly');
const budgetShape = fc.record({ period, start_date: ledgerDate });

const parts = (date: string) => date.split('-').map(Number) as [number, number, number];

describe('day numbers', () => {
  it('agree with the UTC calendar of Date for years 0001–9999, both ways', () => {
    const min = dayNumber('0001-01-01');
    const max = dayNumber('9999-12-31');
    fc.assert(
      fc.property(fc.integer({ min, max }), (day) => {
        const date = dateOfDayNumber(day);
        expect(date).toBe(new Date(day * 86_400_000).toISOString().slice(0, 10));
        expect(dayNumber(date)).toBe(day);
      }),
      { numRuns: 2000 },
    );
  });

  it('count days between dates and add them', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(daysBetween('2026-02-28', '2026-03-01')).toBe(1);
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
    expect(daysBetween('2026-03-31', '2026-03-01')).toBe(-30);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
  });

  it('reject strings that are not calendar dates', () => {
    for (const bad of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-1-1', 'yesterday', '2026-04-31']) {
      expect(() => dayNumber(bad)).toThrow(RangeError);
    }
  });
});

describe('periodContaining', () => {

  it.each<[BudgetPeriod, string, string, PeriodWindow]>([
    // Monthly anchored on the 31st: clamped in short months, back to the 31st when the month has one.
    ['monthly', '2026-01-31', '2026-01-31', { index: 0, start: '2026-01-31', end: '2026-02-27' }],
    ['monthly', '2026-01-31', '2026-02-15', { index: 0, start: '2026-01-31', end: '2026-02-27' }],
    ['monthly', '2026-01-31', '2026-02-28', { index: 1, start: '2026-02-28', end: '2026-03-30' }],
    ['monthly', '2026-01-31', '2026-03-30', { index: 1, start: '2026-02-28', end: '2026-03-30' }],
    ['monthly', '2026-01-31', '2026-03-31', { index: 2, start: '2026-03-31', end: '2026-04-29' }],
    ['monthly', '2026-01-31', '2026-04-30', { index: 3, start: '2026-04-30', end: '2026-05-30' }],
    ['monthly', '2026-01-31', '2028-02-29', { index: 25, start: '2028-02-29', end: '2028-03-30' }],
    ['monthly', '2026-01-31', '2026-01-15', { index: -1, start: '2025-12-31', end: '2026-01-30' }],
    ['monthly', '2026-01-31', '2025-12-01', { index: -2, start: '2025-11-30', end: '2025-12-30' }],
    ['monthly', '2026-01-01', '2026-03-15', { index: 2, start: '2026-03-01', end: '2026-03-31' }],
    ['monthly', '2026-01-15', '2026-12-31', { index: 11, start: '2026-12-15', end: '2027-01-14' }],
    ['monthly', '2026-03-30', '2026-03-01', { index: -1, start: '2026-02-28', end: '2026-03-29' }],
    // Yearly anchored on 29 February.
    ['yearly', '2024-02-29', '2025-02-27', { index: 0, start: '2024-02-29', end: '2025-02-27' }],
    ['yearly', '2024-02-29', '2025-02-28', { index: 1, start: '2025-02-28', end: '2026-02-27' }],
    ['yearly', '2024-02-29', '2028-02-28', { index: 3, start: '2027-02-28', end: '2028-02-28' }],
    ['yearly', '2024-02-29', '2028-02-29', { index: 4, start: '2028-02-29', end: '2029-02-27' }],
    ['yearly', '2024-02-29', '2023-06-01', { index: -1, start: '2023-02-28', end: '2024-02-28' }],
    ['yearly', '2026-01-01', '2026-12-31', { index: 0, start: '2026-01-01', end: '2026-12-31' }],
    // Weekly, both sides of the anchor.
    ['weekly', '2026-01-01', '2026-01-07', { index: 0, start: '2026-01-01', end: '2026-01-07' }],
    ['weekly', '2026-01-01', '2026-01-08', { index: 1, start: '2026-01-08', end: '2026-01-14' }],
    ['weekly', '2026-01-01', '2025-12-31', { index: -1, start: '2025-12-25', end: '2025-12-31' }],
    ['weekly', '2026-01-01', '2025-12-25', { index: -1, start: '2025-12-25', end: '2025-12-31' }],
    ['weekly', '2026-01-01', '2025-12-24', { index: -2, start: '2025-12-18', end: '2025-12-24' }],
  ])('%s from %s: %s lies in %j', (kind, start_date, date, expected) => {
    expect(periodContaining({ period: kind, start_date }, date)).toEqual(expected);
  });

  it('tiles the timeline: every date lies in its period, and the next period starts the day after it ends', () => {
    fc.assert(
      fc.property(budgetShape, ledgerDate, (budget, date) => {
        const window = periodContaining(budget, date);
        expect(window.start <= date && date <= window.end).toBe(true);
        const next = periodContaining(budget, addDays(window.end, 1));
        expect(next.index).toBe(window.index + 1);
        expect(next.start).toBe(addDays(window.end, 1));
        const previous = periodContaining(budget, addDays(window.start, -1));
        expect(previous.index).toBe(window.index - 1);
        expect(previous.end).toBe(addDays(window.start, -1));
        expect(periodContaining(budget, window.start)).toEqual(window);
        expect(periodContaining(budget, window.end)).toEqual(window);
      }),
      { numRuns: 1000 },
    );
  });

  it('starts period 0 on start_date', () => {
    fc.assert(
      fc.property(budgetShape, (budget) => {
        expect(periodContaining(budget, budget.start_date)).toMatchObject({ index: 0, start: budget.start_date });
      }),
    );
  });

  it('has weekly periods of exactly 7 days, index × 7 days from the anchor', () => {
    fc.assert(
      fc.property(ledgerDate, ledgerDate, (start_date, date) => {
        const window = periodContaining({ period: 'weekly', start_date }, date);
        expect(daysBetween(window.start, window.end)).toBe(6);
        expect(daysBetween(start_date, window.start)).toBe(7 * window.index);
      }),
      { numRuns: 500 },
    );
  });

  it("keeps a monthly anchor's day when the month has it and clamps it to the month's last day otherwise", () => {
    fc.assert(
      fc.property(ledgerDate, ledgerDate, (start_date, date) => {
        const [anchorYear, anchorMonth, anchorDay] = parts(start_date);
        const window = periodContaining({ period: 'monthly', start_date }, date);
        const [year, month, day] = parts(window.start);
        expect(year * 12 + month - (anchorYear * 12 + anchorMonth)).toBe(window.index);
        expect(day).toBe(Math.min(anchorDay, daysInMonth(year, month)));
      }),
      { numRuns: 1000 },
    );
  });

  it('renews a yearly budget on the same date, 29 February becoming 28 February in common years', () => {
    fc.assert(
      fc.property(ledgerDate, ledgerDate, (start_date, date) => {
        const [anchorYear, anchorMonth, anchorDay] = parts(start_date);
        const window = periodContaining({ period: 'yearly', start_date }, date);
        const [year, month, day] = parts(window.start);
        expect(year - anchorYear).toBe(window.index);
        expect(month).toBe(anchorMonth);
        expect(day).toBe(Math.min(anchorDay, daysInMonth(year, month)));
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2199 }), (year) => {
        const leapAnchor = { period: 'yearly' as const, start_date: '2000-02-29' };
        const start = periodContaining(leapAnchor, `${year}-03-01`).start;
        expect(start).toBe(daysInMonth(year, 2) === 29 ? `${year}-02-29` : `${year}-02-28`);
      }),
    );
  });
});

describe('divideRounded', () => {
  it('rounds half away from zero', () => {
    expect(divideRounded(3n, 2n)).toBe(2n);
    expect(divideRounded(-3n, 2n)).toBe(-2n);
    expect(divideRounded(5n, 4n)).toBe(1n);
    expect(divideRounded(-5n, 4n)).toBe(-1n);
    expect(divideRounded(7n, 4n)).toBe(2n);
    expect(divideRounded(-7n, 4n)).toBe(-2n);
    expect(divideRounded(0n, 9n)).toBe(0n);
  });

  it('is within half a unit of the exact quotient', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.bigInt({ min: 1n, max: 10n ** 6n }), (n, d) => {
        const q = divideRounded(n, d);
        const error = q * d - n; // d × (q − n/d)
        expect(2n * (error < 0n ? -error : error) <= d).toBe(true);
        if (2n * (error < 0n ? -error : error) === d) expect(q * n >= 0n).toBe(true); // a tie goes away from zero
      }),
    );
  });
});

describe('budgetStatus', () => {
  const march: PeriodWindow = { index: 2, start: '2026-03-01', end: '2026-03-31' };
  const budget = { id: '5e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b', name: 'Groceries', currency: 'USD' as const, amount: 60000, rollover: true, alert_threshold: 0.8 };
  const status = (overrides: Partial<Omit<BudgetStatusInput, 'budget'>> & { budget?: Partial<BudgetStatusInput['budget']> } = {}) =>
    budgetStatus({
      date: '2026-03-15',
      period: march,
      spentInPeriod: 0,
      spentBeforePeriod: 120000,
      ...overrides,
      budget: { ...budget, ...overrides.budget },
    });

  it("reproduces the contract's example", () => {
    expect(status({ spentInPeriod: 35000, spentBeforePeriod: 117500 })).toEqual({
      budget_id: budget.id,
      name: 'Groceries',
      currency: 'USD',
      date: '2026-03-15',
      period_start: '2026-03-01',
      period_end: '2026-03-31',
      budgeted: 60000,
      carried_over: 2500,
      spent: 35000,
      remaining: 27500,
      percent_used: 0.56,
      state: 'ok',
      projected_spend: 72333,
      days_left: 17,
    });
  });

  it('carries over every earlier period with rollover, negative when overspent, and nothing otherwise', () => {
    expect(status({ spentBeforePeriod: 100000 }).carried_over).toBe(20000);
    expect(status({ spentBeforePeriod: 150000 }).carried_over).toBe(-30000);
    expect(status({ spentBeforePeriod: 150000, budget: { rollover: false } }).carried_over).toBe(0);
    expect(status({ spentBeforePeriod: 5, period: { ...march, index: 0 } }).carried_over).toBe(0);
    expect(status({ spentBeforePeriod: 5, period: { ...march, index: -3 } }).carried_over).toBe(0);
  });

  it('answers percent_used 0 when nothing or less than nothing is spent, and null when something is spent with nothing available', () => {
    expect(status({ spentInPeriod: 0 })).toMatchObject({ percent_used: 0, state: 'ok' });
    expect(status({ spentInPeriod: -2500 })).toMatchObject({ percent_used: 0, state: 'ok', remaining: 62500, projected_spend: -5167 });
    // 60000 carried over the wrong way: nothing available.
    expect(status({ spentInPeriod: 1, spentBeforePeriod: 180000 })).toMatchObject({ carried_over: -60000, percent_used: null, state: 'over', remaining: -1 });
    expect(status({ spentInPeriod: 0, spentBeforePeriod: 180001 })).toMatchObject({ percent_used: 0, state: 'over', remaining: -1 });
  });

  it('rounds percent_used to 4 decimals', () => {
    const noCarry = { rollover: false, amount: 3 };
    expect(status({ spentInPeriod: 1, budget: noCarry }).percent_used).toBe(0.3333);
    expect(status({ spentInPeriod: 2, budget: noCarry }).percent_used).toBe(0.6667);
    expect(status({ spentInPeriod: 7, budget: noCarry }).percent_used).toBe(2.3333);
  });

  it.each([
    { spent: 0, threshold: 0.8, state: 'ok' },
    { spent: 79, threshold: 0.8, state: 'ok' },
    { spent: 80, threshold: 0.8, state: 'warning' },
    { spent: 100, threshold: 0.8, state: 'warning' },
    { spent: 101, threshold: 0.8, state: 'over' },
    { spent: 101, threshold: 1, state: 'over' },
    { spent: 100, threshold: 1, state: 'warning' },
    { spent: 99, threshold: 1, state: 'ok' },
    { spent: 0, threshold: 0, state: 'warning' },
    { spent: -5, threshold: 0, state: 'warning' },
  ])('is $state when $spent of 100 is spent with alert_threshold $threshold', ({ spent, threshold, state }) => {
    expect(status({ spentInPeriod: spent, budget: { amount: 100, rollover: false, alert_threshold: threshold } }).state).toBe(state);
  });

  it('projects linearly over the period and counts days left with the date included', () => {
    expect(status({ date: '2026-03-01', spentInPeriod: 1000 })).toMatchObject({ projected_spend: 31000, days_left: 31 });
    expect(status({ date: '2026-03-31', spentInPeriod: 1000 })).toMatchObject({ projected_spend: 1000, days_left: 1 });
    // 3 × 31 / 2 = 46.5 → 47; −46.5 → −47.
    expect(status({ date: '2026-03-02', spentInPeriod: 3 }).projected_spend).toBe(47);
    expect(status({ date: '2026-03-02', spentInPeriod: -3 }).projected_spend).toBe(-47);
  });

  it('projects exactly where floating point would not', () => {
    const spent = 999_999_225_204_344;
    const projected = status({ date: '2026-03-30', spentInPeriod: spent, budget: { amount: 10 ** 15 } }).projected_spend;
    // 999 999 225 204 344 × 31 ÷ 30 = 1 033 332 532 711 155.47 (the float product is off by one).
    expect(projected).toBe(1_033_332_532_711_155);
    expect(Math.round((spent * 31) / 30)).toBe(1_033_332_532_711_156);
  });

  it('carries over large amounts exactly', () => {
    const result = status({ period: { ...march, index: 7 }, spentBeforePeriod: 1, budget: { amount: 10 ** 15 } });
    expect(result.carried_over).toBe(7 * 10 ** 15 - 1);
    expect(result.remaining).toBe(8 * 10 ** 15 - 1);
  });

  it('saturates an amount beyond ±(2^53 − 1) at that limit, and judges state and percent_used on the exact values', () => {
    const largest = Number.MAX_SAFE_INTEGER;
    // 10 earlier periods of 10^15, nothing spent: 10^16 carried over, past the limit.
    const carried = status({ period: { ...march, index: 10 }, spentBeforePeriod: 0, budget: { amount: 10 ** 15 } });
    expect(carried).toMatchObject({ carried_over: largest, remaining: largest, state: 'ok', percent_used: 0 });
    const overdrawn = status({ period: { ...march, index: 10 }, spentBeforePeriod: largest, spentInPeriod: 1, budget: { amount: 10 ** 15 } });
    // 10^16 − (2^53 − 1) is carried; within the limit, so exact.
    expect(overdrawn).toMatchObject({ carried_over: 10 ** 16 - largest, remaining: 10 ** 16 + 10 ** 15 - largest - 1, state: 'ok' });
    // Day 1 of 31 with the most a ledger can hold spent: 31 × (2^53 − 1) projected, shown as the limit.
    const projected = status({ date: '2026-03-01', spentInPeriod: largest, budget: { amount: 10 ** 15, rollover: false } });
    expect(projected).toMatchObject({ spent: largest, projected_spend: largest, state: 'over', remaining: -(largest - 10 ** 15) });
    expect(status({ date: '2026-03-01', spentInPeriod: -largest, budget: { rollover: false } }).projected_spend).toBe(-largest);
  });

  it('keeps its identities for any spending and any date in the period', () => {
    fc.assert(
      fc.property(
        fc.record({ period, start_date: ledgerDate }),
        ledgerDate,
        // Up to 10^11 so index × amount stays in the safe range for any weekly index in the ledger's years.
        fc.integer({ min: 1, max: 10 ** 11 }),
        fc.integer({ min: -(10 ** 12), max: 10 ** 12 }),
        fc.integer({ min: -(10 ** 12), max: 10 ** 13 }),
        fc.boolean(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (shape, date, amount, spentInPeriod, spentBeforePeriod, rollover, alert_threshold) => {
          const window = periodContaining(shape, date);
          const result = budgetStatus({ budget: { ...budget, amount, rollover, alert_threshold }, date, period: window, spentInPeriod, spentBeforePeriod });
          const available = result.budgeted + result.carried_over;
          expect(result.remaining).toBe(available - result.spent);
          expect(result.days_left).toBe(daysBetween(date, window.end) + 1);
          expect(result.days_left).toBeGreaterThanOrEqual(1);
          expect(result.carried_over).toBe(rollover && window.index > 0 ? window.index * amount - spentBeforePeriod : 0);
          if (result.spent > available) expect(result.state).toBe('over');
          else if (result.percent_used !== null && result.percent_used >= alert_threshold) expect(result.state).toBe('warning');
          else expect(result.state).toBe('ok');
          if (result.spent <= 0) expect(result.percent_used).toBe(0);
          else if (available > 0) expect(Math.abs(result.percent_used! - result.spent / available)).toBeLessThanOrEqual(0.00005 + (result.spent / available) * 1e-12);
          else expect(result.percent_used).toBeNull();
          const exact = (result.spent * (daysBetween(window.start, window.end) + 1)) / (daysBetween(window.start, date) + 1);
          expect(Math.abs(result.projected_spend - exact)).toBeLessThanOrEqual(0.5 + Math.abs(exact) * 1e-12);
        },
      ),
      { numRuns: 500 },
    );
  });
});
