// The recurring-stream model (src/features/insights/recurring.ts): each cadence with weekend shifts
// and month-end clamping (and the schedule a stream carries for its later dates), variable bills,
// what must not be a stream, late and ended streams, a subscription among a shop's purchases; and
// properties over generated streams.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays, addMonths } from '../src/calendar.ts';
import { detectRecurring } from '../src/features/insights/recurring.ts';
import type { Cadence, LedgerEntry, RecurringSeries } from '../src/features/insights/types.ts';
import { Random } from '../eval/random.ts';
import { ledger, type Line } from './helpers/ledger-lines.ts';

const charges = (key: string, dates: readonly string[], amount: number | ((index: number) => number), extra: Partial<Line> = {}): Line[] =>
  dates.map((date, index) => ({ date, amount: typeof amount === 'number' ? amount : amount(index), key, ...extra }));

/** `count` dates `days` apart from `from`. */
const everyDays = (from: string, days: number, count: number) => Array.from({ length: count }, (_, i) => addDays(from, i * days));
/** Day `day` of `count` months from `fromMonth` (YYYY-MM), clamped to each month's end. */
const everyMonths = (fromMonth: string, step: number, count: number, day: number) =>
  Array.from({ length: count }, (_, i) => clampedDay(addMonths(fromMonth, i * step), day));
function clampedDay(month: string, day: number): string {
  const last = Number(addDays(`${addMonths(month, 1)}-01`, -1).slice(8, 10));
  return `${month}-${String(Math.min(day, last)).padStart(2, '0')}`;
}
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
/** Saturday and Sunday move to Monday. */
const nextBusinessDay = (date: string) => (weekday(date) === 6 ? addDays(date, 2) : weekday(date) === 0 ? addDays(date, 1) : date);
/** Saturday and Sunday move to Friday. */
const previousBusinessDay = (date: string) => (weekday(date) === 6 ? addDays(date, -1) : weekday(date) === 0 ? addDays(date, -2) : date);

const streamsOf = (key: string, found: readonly RecurringSeries[]) => found.filter((series) => series.merchantKey === key);
function only(key: string, found: readonly RecurringSeries[]): RecurringSeries {
  const streams = streamsOf(key, found);
  expect(streams).toHaveLength(1);
  return streams[0] as RecurringSeries;
}

/** Purchases on random days (seeded, so each example is fixed), `perWeek` on average, amounts around `median` cents or from `prices`. */
function purchases(key: string, from: string, days: number, perWeek: number, median: number, seed: number, prices?: readonly number[]): Line[] {
  const random = new Random(seed);
  const lines: Line[] = [];
  for (let day = 0; day < days; day++) {
    if (!random.chance(perWeek / 7)) continue;
    const amount = prices ? random.pick(prices) : Math.round(random.logNormal(median, 0.4));
    lines.push({ date: addDays(from, day), amount: -amount, key });
  }
  return lines;
}

describe('detectRecurring: cadences', () => {
  it('finds a weekly meal kit and expects it a week after the last box', () => {
    const entries = ledger(charges('hellofresh', everyDays('2025-01-06', 7, 20), -6993));
    const stream = only('hellofresh', detectRecurring(entries, '2025-05-20'));
    expect(stream).toMatchObject({ cadence: 'weekly', direction: 'outflow', typicalAmount: 6993, transactionCount: 20, state: 'active' });
    expect(stream.nextExpectedDate).toBe(addDays(stream.lastDate, 7));
    expect(stream.schedule).toEqual({ nextDueDate: stream.nextExpectedDate, daysOfMonth: [], weekendShift: 'none' });
  });

  it('finds biweekly pay on Fridays, paid on Thursday when the Friday is a holiday', () => {
    const paydays = everyDays('2024-11-01', 14, 20).map((date) => (date === '2024-12-27' || date === '2025-07-04' ? addDays(date, -1) : date));
    const entries = ledger(charges('acme-payroll', paydays, 245_000, { category: 'cat-salary' }));
    const stream = only('acme-payroll', detectRecurring(entries, '2025-08-10'));
    expect(stream).toMatchObject({ cadence: 'biweekly', direction: 'inflow', transactionCount: 20, categoryId: 'cat-salary' });
    expect(stream.nextExpectedDate).toBe(addDays('2024-11-01', 14 * 20));
  });

  it('finds pay on the 1st and the 15th moved to the next business day, and expects the next one on its day of the month', () => {
    const days = Array.from({ length: 12 }, (_, i) => [clampedDay(addMonths('2025-01', i), 1), clampedDay(addMonths('2025-01', i), 15)]).flat();
    const entries = ledger(charges('globex-payroll', days.map(nextBusinessDay), 180_000));
    const stream = only('globex-payroll', detectRecurring(entries, '2025-12-20'));
    expect(stream).toMatchObject({ cadence: 'semi_monthly', transactionCount: 24 });
    // 2026-01-01 is a Thursday: no shift.
    expect(stream.nextExpectedDate).toBe('2026-01-01');
    expect(stream.schedule).toEqual({ nextDueDate: '2026-01-01', daysOfMonth: [1, 15], weekendShift: 'after' });
  });

  it('follows the day of the month for a monthly charge billed on the 31st (30th, 28th in short months)', () => {
    const days = everyMonths('2024-01', 1, 14, 31);
    expect(days.slice(0, 4)).toEqual(['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30']);
    const entries = ledger(charges('netflix', days, -1549));
    const stream = only('netflix', detectRecurring(entries, '2025-03-05'));
    expect(stream).toMatchObject({ cadence: 'monthly', transactionCount: 14, lastDate: '2025-02-28', state: 'active' });
    expect(stream.nextExpectedDate).toBe('2025-03-31');
    expect(stream.schedule?.daysOfMonth).toEqual([31]);
  });

  it('expects monthly pay on the Friday before a weekend when it was always paid early', () => {
    const days = everyMonths('2024-10', 1, 12, 25).map(previousBusinessDay);
    expect(days).toContain('2025-01-24');
    const entries = ledger(charges('initech-payroll', days, 520_000));
    const stream = only('initech-payroll', detectRecurring(entries, '2025-10-01'));
    expect(stream.cadence).toBe('monthly');
    // 2025-10-25 is a Saturday.
    expect(stream.nextExpectedDate).toBe('2025-10-24');
    expect(stream.schedule).toEqual({ nextDueDate: '2025-10-25', daysOfMonth: [25], weekendShift: 'before' });
  });

  it('expects rent debited on the 1st on the Monday after a weekend', () => {
    const days = everyMonths('2024-09', 1, 12, 1).map(nextBusinessDay);
    const entries = ledger(charges('greystar', days, -210_000));
    const stream = only('greystar', detectRecurring(entries, '2025-08-20'));
    // 2025-09-01 is a Monday; 2025-11-01 a Saturday.
    expect(stream.nextExpectedDate).toBe('2025-09-01');
    const later = only('greystar', detectRecurring(ledger(charges('greystar', everyMonths('2024-11', 1, 12, 1).map(nextBusinessDay), -210_000)), '2025-10-20'));
    expect(later.nextExpectedDate).toBe('2025-11-03');
    expect(later.schedule).toEqual({ nextDueDate: '2025-11-01', daysOfMonth: [1], weekendShift: 'after' });
  });

  it('finds a quarterly water bill whose amount varies by a third', () => {
    const amounts = [-6400, -9100, -7200, -5200, -8800, -6100, -7900, -5600];
    const entries = ledger(charges('city-water', everyMonths('2023-02', 3, 8, 12).map(nextBusinessDay), (i) => amounts[i] as number));
    const stream = only('city-water', detectRecurring(entries, '2025-01-01'));
    expect(stream).toMatchObject({ cadence: 'quarterly', transactionCount: 8 });
    expect(stream.amountVariation).toBeGreaterThan(0.1);
  });

  it('finds semiannual car insurance and a yearly policy from two renewals', () => {
    const entries = ledger([
      ...charges('progressive', everyMonths('2023-03', 6, 5, 9), -64_200),
      ...charges('state-farm', ['2023-06-17', '2024-06-17'], -148_000),
    ]);
    const found = detectRecurring(entries, '2025-04-01');
    expect(only('progressive', found)).toMatchObject({ cadence: 'semiannual', nextExpectedDate: '2025-09-09' });
    expect(only('state-farm', found)).toMatchObject({ cadence: 'yearly', transactionCount: 2, nextExpectedDate: '2025-06-17' });
  });
});

describe('detectRecurring: amounts', () => {
  it('counts a variable electricity bill on a steady day as recurring', () => {
    const random = new Random(7);
    const entries = ledger(charges('pg-and-e', everyMonths('2024-01', 1, 18, 8).map(nextBusinessDay), () => -Math.round(11_000 * (0.7 + 0.6 * random.next()))));
    const stream = only('pg-and-e', detectRecurring(entries, '2025-06-20'));
    expect(stream).toMatchObject({ cadence: 'monthly', transactionCount: 18 });
    expect(stream.amountVariation).toBeGreaterThan(0.05);
  });

  it('keeps a subscription through a price increase: typical is the median of recent charges, last the last one', () => {
    const entries = ledger(charges('spotify', everyMonths('2024-03', 1, 14, 12), (i) => (i < 10 ? -1099 : -1199)));
    const stream = only('spotify', detectRecurring(entries, '2025-04-20'));
    expect(stream).toMatchObject({ cadence: 'monthly', transactionCount: 14, lastAmount: 1199 });
    // The last six: two at 10.99, four at 11.99.
    expect(stream.typicalAmount).toBe(1199);
    expect(stream.amountVariation).toBeCloseTo(100 / 1199, 3);
  });

  it('names the category most of the charges have', () => {
    const lines = charges('hulu', everyMonths('2024-01', 1, 6, 3), -799).map((line, i) => ({ ...line, category: i < 4 ? 'cat-streaming' : 'cat-other' }));
    expect(only('hulu', detectRecurring(ledger(lines), '2024-07-01')).categoryId).toBe('cat-streaming');
  });
});

describe('detectRecurring: what is not a stream', () => {
  it('finds no stream in groceries, coffee and fuel several times a week', () => {
    const entries = ledger([
      ...purchases('kroger', '2023-01-01', 900, 3, 6000, 1),
      ...purchases('starbucks', '2023-01-01', 900, 4, 0, 2, [445, 525, 610, 375]),
      ...purchases('shell', '2023-01-01', 900, 0.8, 4500, 3),
      ...purchases('chipotle', '2023-01-01', 900, 0.4, 2400, 4),
    ]);
    expect(detectRecurring(entries, '2025-06-20')).toEqual([]);
  });

  it('finds no stream in a haircut every 4–6 weeks at one price', () => {
    const random = new Random(11);
    const dates: string[] = [];
    for (let date = '2023-01-05'; date < '2025-12-01'; date = addDays(date, random.int(28, 42))) dates.push(date);
    expect(detectRecurring(ledger(charges('great-clips', dates, -3000)), '2025-12-01')).toEqual([]);
  });

  it('finds no stream in two purchases about a year apart at a store, nor in a return', () => {
    const entries = ledger([
      { date: '2024-03-02', amount: -21_999, key: 'best-buy' },
      { date: '2025-03-20', amount: -22_450, key: 'best-buy' },
      { date: '2024-05-01', amount: -8900, key: 'nordstrom' },
      { date: '2024-05-12', amount: 8900, key: 'nordstrom' },
    ]);
    expect(detectRecurring(entries, '2025-06-01')).toEqual([]);
  });

  it('ignores lines without a merchant key', () => {
    const cash = everyMonths('2024-01', 1, 12, 5).map((date) => ({ date, amount: -20_000, key: null }));
    expect(detectRecurring(ledger(cash), '2025-01-01')).toEqual([]);
  });
});

describe('detectRecurring: a subscription among a shop’s own purchases', () => {
  it('picks Amazon Prime out of Amazon shopping, and finds no inflow stream in its refunds (every 25th purchase, about quarterly)', () => {
    const shopping = purchases('amazon', '2023-01-01', 1000, 1.5, 3000, 5);
    const refunds = shopping.filter((_, i) => i % 25 === 0).map((line) => ({ ...line, date: addDays(line.date, 6), amount: -line.amount }));
    const entries = ledger([...shopping, ...refunds, ...charges('amazon', ['2023-02-14', '2024-02-14', '2025-02-14'], -13_900)]);
    const found = detectRecurring(entries, '2025-09-01');
    const prime = only('amazon', found);
    expect(prime).toMatchObject({ cadence: 'yearly', direction: 'outflow', transactionCount: 3, typicalAmount: 13_900, nextExpectedDate: '2026-02-14' });
    expect(prime.transactionIds.every((id) => entries.find((entry) => entry.id === id)?.amount === -13_900)).toBe(true);
  });

  it('picks iCloud out of App Store purchases, some at the same price', () => {
    const apps = purchases('apple', '2024-01-01', 600, 0.4, 0, 6, [99, 199, 299, 499, 999, 1499]);
    const entries = ledger([...apps, ...charges('apple', everyMonths('2024-01', 1, 20, 9), -299)]);
    const icloud = only('apple', detectRecurring(entries, '2025-08-20'));
    expect(icloud).toMatchObject({ cadence: 'monthly', typicalAmount: 299, transactionCount: 20 });
  });

  it('finds a gym’s monthly dues and its yearly fee as two streams', () => {
    const entries = ledger([...charges('planet-fitness', everyMonths('2023-04', 1, 30, 11), -2499), ...charges('planet-fitness', ['2023-06-11', '2024-06-11', '2025-06-11'], -4900)]);
    const found = streamsOf('planet-fitness', detectRecurring(entries, '2025-09-20'));
    expect(found.map((stream) => [stream.cadence, stream.typicalAmount]).sort()).toEqual([
      ['monthly', 2499],
      ['yearly', 4900],
    ]);
  });

  it('keeps currencies and directions apart', () => {
    const entries = ledger([
      ...charges('spotify', everyMonths('2024-01', 1, 10, 4), -1099),
      ...charges('spotify', everyMonths('2024-03', 1, 8, 20), -1099, { currency: 'EUR' }),
      { date: '2024-06-10', amount: 1099, key: 'spotify' },
    ]);
    const found = streamsOf('spotify', detectRecurring(entries, '2024-11-01'));
    expect(found.map((stream) => `${stream.currency} ${stream.direction} ${stream.transactionCount}`).sort()).toEqual(['EUR outflow 8', 'USD outflow 10']);
  });
});

describe('detectRecurring: state', () => {
  const netflix = ledger(charges('netflix', everyMonths('2024-01', 1, 12, 10), -1549));

  it('is active until the expected date plus its tolerance, then late, then ended after two missed charges', () => {
    const at = (today: string) => only('netflix', detectRecurring(netflix, today));
    expect(at('2025-01-10')).toMatchObject({ state: 'active', nextExpectedDate: '2025-01-10' });
    expect(at('2025-01-16').state).toBe('active');
    expect(at('2025-01-17').state).toBe('late');
    expect(at('2025-02-16').state).toBe('late');
    expect(at('2025-02-17').state).toBe('ended');
  });

  it('gives a weekly stream three days before it is late', () => {
    const entries = ledger(charges('blue-apron', everyDays('2025-03-03', 7, 10), -5994));
    const at = (today: string) => only('blue-apron', detectRecurring(entries, today)).state;
    expect([at('2025-05-15'), at('2025-05-16'), at('2025-05-23')]).toEqual(['active', 'late', 'ended']);
  });

  it('lists active streams first, then late, then ended, each by next expected date', () => {
    const entries = ledger([
      ...charges('hulu', everyMonths('2024-01', 1, 6, 5), -799),
      ...charges('spotify', everyMonths('2024-06', 1, 12, 20), -1099),
      ...charges('netflix', everyMonths('2024-06', 1, 12, 10), -1549),
      ...charges('max', everyMonths('2024-06', 1, 11, 2), -1599),
    ]);
    const found = detectRecurring(entries, '2025-05-25');
    expect(found.map((stream) => [stream.merchantKey, stream.state])).toEqual([
      ['netflix', 'active'],
      ['spotify', 'active'],
      ['max', 'late'],
      ['hulu', 'ended'],
    ]);
  });
});

/** RECURRING_RUNS_SCALE=50 runs the properties 50 times as long (to hunt counterexamples by hand). */
const runs = (count: number) => count * Number(process.env.RECURRING_RUNS_SCALE ?? 1);

const cadences: readonly Cadence[] = ['weekly', 'biweekly', 'semi_monthly', 'monthly', 'quarterly', 'semiannual', 'yearly'];

/** The nominal dates of a clean stream of `cadence` from `start`. */
function scheduleOf(cadence: Cadence, start: string, count: number, day: number): string[] {
  if (cadence === 'weekly' || cadence === 'biweekly') return everyDays(start, cadence === 'weekly' ? 7 : 14, count);
  const month = start.slice(0, 7);
  if (cadence === 'semi_monthly') {
    return Array.from({ length: count }, (_, i) => clampedDay(addMonths(month, Math.floor(i / 2)), i % 2 === 0 ? Math.min(day, 16) : Math.min(day, 16) + 15));
  }
  const step = { monthly: 1, quarterly: 3, semiannual: 6, yearly: 12 }[cadence];
  return everyMonths(month, step, count, day);
}

const cleanStream = fc.record({
  cadence: fc.constantFrom(...cadences),
  start: fc.integer({ min: 0, max: 3000 }).map((offset) => addDays('2018-01-01', offset)),
  day: fc.integer({ min: 1, max: 31 }),
  count: fc.integer({ min: 3, max: 20 }),
  amount: fc.integer({ min: 100, max: 500_000 }),
  jitter: fc.array(fc.integer({ min: -2, max: 2 }), { minLength: 20, maxLength: 20 }),
});

describe('detectRecurring: properties', () => {
  // Under half a year of charges twice a month, each up to 2 days off either way, reads as well
  // as a biweekly run (14 against 15.2 days: the drift outgrows the jitter only after months).
  const fewest: Record<Cadence, number> = { weekly: 4, biweekly: 12, semi_monthly: 12, monthly: 3, quarterly: 3, semiannual: 3, yearly: 3 };

  // A charge 2 days early among charges 2 days late is as well read as 4 days early: the fit may
  // leave a few such out, never most.
  it('finds any clean stream of a cadence, each charge up to 2 days off its date, with that cadence and most of its charges', () => {
    fc.assert(
      fc.property(cleanStream, ({ cadence, start, day, count, amount, jitter }) => {
        const dates = scheduleOf(cadence, start, Math.max(count, fewest[cadence]), day).map((date, i) => addDays(date, jitter[i] ?? 0));
        const entries = ledger(charges('stream', dates, -amount));
        const found = detectRecurring(entries, dates[dates.length - 1] as string);
        expect(found).toHaveLength(1);
        expect(found[0]).toMatchObject({ cadence, typicalAmount: amount, state: 'active' });
        expect(found[0]?.transactionCount).toBeGreaterThanOrEqual(Math.ceil(0.75 * dates.length));
        if (jitter.slice(0, dates.length).every((days) => days === 0)) expect(found[0]?.transactionCount).toBe(dates.length);
      }),
      { numRuns: runs(400) },
    );
  });

  it('gives a stream the same result whatever unrelated merchants do around it', () => {
    const noise = fc.array(
      fc.record({ key: fc.constantFrom('kroger', 'shell', 'target', 'uber'), offset: fc.integer({ min: 0, max: 700 }), amount: fc.integer({ min: 100, max: 20_000 }) }),
      { maxLength: 300 },
    );
    fc.assert(
      fc.property(noise, fc.integer({ min: 1, max: 28 }), (lines, day) => {
        const stream = charges('netflix', everyMonths('2024-01', 1, 20, day), -1549);
        const unrelated = lines.map(({ key, offset, amount }) => ({ key, date: addDays('2024-01-01', offset), amount: -amount }));
        // Ids are given in date order, so a stream's own ids move with the noise: compare by date and amount.
        const view = (entries: readonly LedgerEntry[]) => {
          const byId = new Map(entries.map((entry) => [entry.id, entry]));
          const { transactionIds, lastTransactionId, ...rest } = only('netflix', detectRecurring(entries, '2025-09-01'));
          return { ...rest, charges: transactionIds.map((id) => byId.get(id)?.date), last: byId.get(lastTransactionId)?.date };
        };
        const alone = view(ledger(stream));
        expect(view(ledger([...unrelated, ...stream]))).toEqual(alone);
        expect(view(ledger([...stream, ...[...unrelated].reverse().map((line, i) => ({ ...line, date: addDays(line.date, i % 5) }))]))).toEqual(alone);
      }),
      { numRuns: runs(60) },
    );
  });

  it('answers series whose fields agree with each other and with the entries', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (seed) => {
        const entries = ledger([
          // No purchase at Prime's price: one in Prime's slot would rightly join it.
          ...purchases('amazon', '2024-01-01', 500, 2, 3000, seed).filter((line) => line.amount !== -1499),
          ...charges('amazon', everyMonths('2024-01', 1, 16, 1 + (seed % 28)), -1499),
          ...charges('comcast', everyMonths('2024-02', 1, 15, 20).map(nextBusinessDay), -7999),
        ]);
        const byId = new Map(entries.map((entry) => [entry.id, entry]));
        const found = detectRecurring(entries, '2025-06-01');
        const ids = found.flatMap((series) => series.transactionIds);
        expect(new Set(ids).size).toBe(ids.length);
        // Random purchases may line up by chance (rarely); the two real streams are always there.
        expect(found.filter((series) => series.merchantKey === 'amazon' && series.typicalAmount === 1499 && series.transactionCount === 16)).toHaveLength(1);
        expect(found.filter((series) => series.merchantKey === 'comcast' && series.transactionCount === 15)).toHaveLength(1);
        for (const series of found) {
          const own = series.transactionIds.map((id) => byId.get(id) as LedgerEntry);
          expect(own).toHaveLength(series.transactionCount);
          expect(own.map((entry) => entry.date)).toEqual([...own.map((entry) => entry.date)].sort());
          expect([own[0]?.date, own.at(-1)?.date, own.at(-1)?.id]).toEqual([series.firstDate, series.lastDate, series.lastTransactionId]);
          expect(own.every((entry) => entry.merchantKey === series.merchantKey && entry.amount < 0)).toBe(true);
          expect(series.nextExpectedDate > series.lastDate).toBe(true);
          expect(series.lastAmount).toBe(Math.abs(own.at(-1)?.amount ?? 0));
        }
      }),
      { numRuns: runs(40) },
    );
  });
});
