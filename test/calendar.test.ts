// Calendar arithmetic (src/calendar.ts) behind reports and budgets, and the trend maths
// (reports/trends.ts). The helpers below re-derive every date with Date.UTC, independently of the module.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  addDays,
  addMonths,
  daysBetween,
  firstOfMonth,
  monthsBetween,
  splitIntoMonths,
  type DayRange,
} from '../src/calendar.ts';
import { categoryTrend } from '../src/features/reports/trends.ts';

const dayMs = 86_400_000;
const epochOf = (day: string) => Date.parse(`${day}T00:00:00Z`);
const dayOf = (epoch: number) => new Date(epoch).toISOString().slice(0, 10);
const nextDay = (day: string) => dayOf(epochOf(day) + dayMs);
const lengthOf = (range: DayRange) => (epochOf(range.to) - epochOf(range.from)) / dayMs + 1;
/** The last day of the month `day` lies in. */
const lastOfMonth = (day: string) => {
  const [year, month] = day.split('-').map(Number) as [number, number];
  return dayOf(Date.UTC(year, month, 0));
};
const isWholeMonth = (range: DayRange) => range.from.endsWith('-01') && range.to === lastOfMonth(range.from);

const first = Date.UTC(1990, 0, 1) / dayMs;
const last = Date.UTC(2100, 11, 31) / dayMs;
const dayArb = fc.integer({ min: first, max: last }).map((n) => dayOf(n * dayMs));
/** A range anywhere in 1990–2100, from ≤ to: short ones (within or across a month) as often as long ones. */
const rangeArb = fc.oneof(
  fc.tuple(dayArb, dayArb).map(([a, b]) => (a <= b ? { from: a, to: b } : { from: b, to: a })),
  fc.tuple(dayArb, fc.integer({ min: 0, max: 70 })).map(([from, span]) => ({ from, to: dayOf(epochOf(from) + span * dayMs) }))
    .filter((range) => range.to <= '2100-12-31'),
  // Month-aligned at one end or both.
  fc.tuple(dayArb, fc.integer({ min: 0, max: 40 }), fc.boolean(), fc.boolean()).map(([day, months, alignFrom, alignTo]) => {
    const from = alignFrom ? firstOfMonth(day) : day;
    const [year, month] = day.split('-').map(Number) as [number, number];
    const end = dayOf(Date.UTC(year, month - 1 + months + 1, 0));
    const to = alignTo ? end : dayOf(Math.max(epochOf(from), epochOf(end) - 9 * dayMs));
    return { from, to: to > '2100-12-31' ? '2100-12-31' : to };
  }).filter((range) => range.from <= range.to),
);

/** Every piece of a split, in order: the edges and the whole months (as an inclusive range). */
function piecesOf(split: ReturnType<typeof splitIntoMonths>): DayRange[] {
  const pieces = [...split.edges];
  if (split.whole) pieces.push({ from: split.whole.start, to: dayOf(epochOf(split.whole.end) - dayMs) });
  return pieces.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
}

describe('splitIntoMonths', () => {
  it('tiles [from, to] exactly with whole months and at most two partial edges (property)', () => {
    fc.assert(
      fc.property(rangeArb, (range) => {
        const split = splitIntoMonths(range);
        const pieces = piecesOf(split);
        // No gap, no overlap, nothing outside.
        expect(pieces[0]!.from).toBe(range.from);
        expect(pieces.at(-1)!.to).toBe(range.to);
        for (const piece of pieces) expect(piece.from <= piece.to).toBe(true);
        for (let i = 1; i < pieces.length; i += 1) expect(pieces[i]!.from).toBe(nextDay(pieces[i - 1]!.to));
        expect(pieces.reduce((sum, piece) => sum + lengthOf(piece), 0)).toBe(lengthOf(range));

        expect(split.edges.length).toBeLessThanOrEqual(2);
        for (const edge of split.edges) expect(isWholeMonth(edge)).toBe(false);
        // An edge is part of one calendar month.
        for (const edge of split.edges) expect(edge.from.slice(0, 7)).toBe(edge.to.slice(0, 7));
        if (split.edges.length === 2) expect(split.edges[0]!.to < split.edges[1]!.from).toBe(true);
        if (split.whole) {
          expect(split.whole.start).toMatch(/^\d{4}-\d{2}-01$/);
          expect(split.whole.end).toMatch(/^\d{4}-\d{2}-01$/);
          expect(split.whole.start < split.whole.end).toBe(true);
          expect(split.whole.start >= range.from).toBe(true);
          // end is exclusive: the day before it is the last day inside the range.
          expect(dayOf(epochOf(split.whole.end) - dayMs) <= range.to).toBe(true);
          expect(split.edges.every((edge) => edge.to < split.whole!.start || edge.from >= split.whole!.end)).toBe(true);
        } else {
          // No whole month inside: the range lies within two calendar months at most.
          expect(split.edges.length).toBeGreaterThanOrEqual(1);
          expect(lengthOf(range)).toBeLessThan(62);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('puts every calendar month wholly inside the range into `whole` (property)', () => {
    fc.assert(
      fc.property(rangeArb, (range) => {
        const { whole } = splitIntoMonths(range);
        // Walk the months the range touches; each one fully inside must be covered by whole.
        const wrong: string[] = [];
        let month = firstOfMonth(range.from);
        while (month <= range.to) {
          const inside = month >= range.from && lastOfMonth(month) <= range.to;
          const covered = whole !== null && month >= whole.start && month < whole.end;
          if (covered !== inside) wrong.push(month);
          month = nextDay(lastOfMonth(month));
        }
        expect(wrong).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    [{ from: '2026-03-01', to: '2026-03-31' }, { start: '2026-03-01', end: '2026-04-01' }, []],
    [{ from: '2026-01-01', to: '2026-12-31' }, { start: '2026-01-01', end: '2027-01-01' }, []],
    [{ from: '2026-03-05', to: '2026-03-20' }, null, [{ from: '2026-03-05', to: '2026-03-20' }]],
    [{ from: '2026-03-01', to: '2026-03-01' }, null, [{ from: '2026-03-01', to: '2026-03-01' }]],
    [{ from: '2026-03-01', to: '2026-03-30' }, null, [{ from: '2026-03-01', to: '2026-03-30' }]],
    [{ from: '2026-01-31', to: '2026-02-01' }, null, [{ from: '2026-01-31', to: '2026-01-31' }, { from: '2026-02-01', to: '2026-02-01' }]],
    [{ from: '2026-03-15', to: '2026-04-10' }, null, [{ from: '2026-03-15', to: '2026-03-31' }, { from: '2026-04-01', to: '2026-04-10' }]],
    [{ from: '2026-12-31', to: '2027-01-30' }, null, [{ from: '2026-12-31', to: '2026-12-31' }, { from: '2027-01-01', to: '2027-01-30' }]],
    [
      { from: '2026-01-15', to: '2026-03-10' },
      { start: '2026-02-01', end: '2026-03-01' },
      [{ from: '2026-01-15', to: '2026-01-31' }, { from: '2026-03-01', to: '2026-03-10' }],
    ],
    [{ from: '2024-02-01', to: '2024-02-29' }, { start: '2024-02-01', end: '2024-03-01' }, []],
    [{ from: '2023-02-01', to: '2023-02-28' }, { start: '2023-02-01', end: '2023-03-01' }, []],
    [{ from: '2024-02-01', to: '2024-02-28' }, null, [{ from: '2024-02-01', to: '2024-02-28' }]],
    [{ from: '2025-12-02', to: '2027-01-31' }, { start: '2026-01-01', end: '2027-02-01' }, [{ from: '2025-12-02', to: '2025-12-31' }]],
    [{ from: '2025-12-01', to: '2027-01-30' }, { start: '2025-12-01', end: '2027-01-01' }, [{ from: '2027-01-01', to: '2027-01-30' }]],
  ])('splits %j into whole %j and edges %j', (range, whole, edges) => {
    expect(splitIntoMonths(range)).toEqual({ whole, edges });
  });
});

describe('month and day arithmetic', () => {
  it.each([
    ['2026-03', 0, '2026-03'],
    ['2026-03', 1, '2026-04'],
    ['2026-12', 1, '2027-01'],
    ['2026-01', -1, '2025-12'],
    ['2026-03', -14, '2025-01'],
    ['2026-03', 12, '2027-03'],
    ['2026-03', -12, '2025-03'],
    ['1999-12', 1, '2000-01'],
    ['1900-01', 119, '1909-12'],
  ])('addMonths(%s, %i) is %s', (month, n, expected) => {
    expect(addMonths(month, n)).toBe(expected);
  });

  it('addMonths is invertible and additive (property)', () => {
    const monthArb = fc.tuple(fc.integer({ min: 1990, max: 2100 }), fc.integer({ min: 1, max: 12 }))
      .map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`);
    fc.assert(
      fc.property(monthArb, fc.integer({ min: -600, max: 600 }), fc.integer({ min: -600, max: 600 }), (month, a, b) => {
        expect(addMonths(addMonths(month, a), -a)).toBe(month);
        expect(addMonths(addMonths(month, a), b)).toBe(addMonths(month, a + b));
        const [y, m] = month.split('-').map(Number) as [number, number];
        const shifted = new Date(Date.UTC(y, m - 1 + a, 1)).toISOString().slice(0, 7);
        expect(addMonths(month, a)).toBe(shifted);
      }),
    );
  });

  it('monthsBetween lists every month from `from` to `to`, both included', () => {
    expect(monthsBetween('2026-03', '2026-03')).toEqual(['2026-03']);
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2026-03', '2026-02')).toEqual([]);
    expect(monthsBetween('2016-01', '2025-12')).toHaveLength(120);
    fc.assert(
      fc.property(fc.integer({ min: 1990 * 12, max: 2100 * 12 }), fc.integer({ min: 0, max: 150 }), (start, length) => {
        const from = `${Math.floor(start / 12)}-${String((start % 12) + 1).padStart(2, '0')}`;
        const to = addMonths(from, length);
        const months = monthsBetween(from, to);
        expect(months).toHaveLength(length + 1);
        expect(months[0]).toBe(from);
        expect(months.at(-1)).toBe(to);
        months.forEach((month, i) => i > 0 && expect(month).toBe(addMonths(months[i - 1]!, 1)));
      }),
      { numRuns: 200 },
    );
  });

  it('addDays, daysBetween and firstOfMonth work on calendar days across months, years and leap days', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2026-03-10', '2026-03-01')).toBe(-9);
    expect(firstOfMonth('2026-03-14')).toBe('2026-03-01');
    fc.assert(
      fc.property(dayArb, fc.integer({ min: -3000, max: 3000 }), (day, n) => {
        expect(addDays(day, n)).toBe(dayOf(epochOf(day) + n * dayMs));
        expect(daysBetween(day, addDays(day, n))).toBe(n);
      }),
    );
  });
});

describe('categoryTrend', () => {
  it('compares the latest month with the rounded mean of the months before it', () => {
    expect(categoryTrend([52000, 48000, 61230])).toEqual({ total: 161230, average: 50000, latest: 61230, change: 0.2246 });
    expect(categoryTrend([100, 100, 50])).toEqual({ total: 250, average: 100, latest: 50, change: -0.5 });
    expect(categoryTrend([0, 0, 0, 100])).toEqual({ total: 100, average: 0, latest: 100, change: null });
    expect(categoryTrend([300, 0])).toEqual({ total: 300, average: 300, latest: 0, change: -1 });
    expect(categoryTrend([1, 2, 0])).toEqual({ total: 3, average: 2, latest: 0, change: -1 });
    expect(categoryTrend([10, 0, 0, 7])).toEqual({ total: 17, average: 3, latest: 7, change: 1.3333 });
    // Refunds can make a month negative: the change is measured against |average|.
    expect(categoryTrend([-200, 0, 100])).toEqual({ total: -100, average: -100, latest: 100, change: 2 });
    expect(categoryTrend([5])).toEqual({ total: 5, average: 0, latest: 5, change: null });
  });

  it('holds its definitions for any series (property)', () => {
    const series = fc.array(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), { minLength: 2, maxLength: 36 });
    fc.assert(
      fc.property(series, (values) => {
        const trend = categoryTrend(values);
        const earlier = values.slice(0, -1);
        expect(trend.total).toBe(values.reduce((a, b) => a + b, 0));
        expect(trend.latest).toBe(values.at(-1));
        const mean = earlier.reduce((a, b) => a + b, 0) / earlier.length;
        expect(Number.isInteger(trend.average)).toBe(true);
        expect(Math.abs(trend.average - mean)).toBeLessThanOrEqual(0.5);
        if (trend.average === 0) {
          expect(trend.change).toBeNull();
        } else {
          const exact = (trend.latest - trend.average) / Math.abs(trend.average);
          expect(trend.change).not.toBeNull();
          // Rounded to four decimals (up to floating-point error, relative for large ratios).
          const scaled = trend.change! * 10_000;
          const epsilon = 1e-9 * Math.max(1, Math.abs(scaled));
          expect(Math.abs(scaled - exact * 10_000)).toBeLessThanOrEqual(0.5 + epsilon);
          expect(Math.abs(scaled - Math.round(scaled))).toBeLessThanOrEqual(epsilon);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
