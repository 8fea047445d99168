// The anomaly detectors (src/features/insights/anomalies.ts): each kind with a case it must flag
// and a look-alike it must not, the sentences, scores and order, causality (a verdict may look
// at most 2 days ahead), and speed.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { generateAnomalyLedgers, heavyLedger } from '../eval/insights/anomaly-ledgers.ts';
import { Random } from '../eval/random.ts';
import { addDays } from '../src/calendar.ts';
import { detectAnomalies } from '../src/features/insights/anomalies.ts';
import type { Anomaly, LedgerEntry } from '../src/features/insights/types.ts';

type Charge = { date: string; amount: number; merchant?: string | null; categoryId?: string | null; currency?: string };

const byDateThenId = (a: LedgerEntry, b: LedgerEntry) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Entries in the order given (ids follow it), then sorted by date and id as the API passes them. */
function ledger(charges: readonly Charge[]): LedgerEntry[] {
  return charges
    .map((charge, i) => {
      const merchant = charge.merchant === undefined ? 'Corner Grocer' : charge.merchant;
      return {
        id: `t${String(i).padStart(6, '0')}`,
        date: charge.date,
        amount: charge.amount,
        currency: charge.currency ?? 'USD',
        merchant,
        merchantKey: merchant === null ? null : merchant.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
        categoryId: charge.categoryId === undefined ? 'groceries' : charge.categoryId,
        categoryKind: 'expense' as const,
      };
    })
    .sort(byDateThenId);
}

/** Ordinary spending from Jan 1: a grocery run a day ($20–$40) and a deli every other day, so the user's levels are known. */
function everyday(days = 150, seed = 1): Charge[] {
  const random = new Random(seed);
  const charges: Charge[] = [];
  for (let day = 0; day < days; day++) {
    const date = addDays('2025-01-01', day);
    charges.push({ date, amount: -random.int(2000, 4000) });
    if (day % 2 === 0) charges.push({ date, amount: -random.int(1200, 2000), merchant: 'Deli Express', categoryId: 'restaurants' });
  }
  return charges;
}

const weekly = (merchant: string, amounts: readonly number[], from = '2025-01-02', categoryId = 'fuel'): Charge[] =>
  amounts.map((amount, week) => ({ date: addDays(from, 7 * week), amount: -amount, merchant, categoryId }));
const monthly = (merchant: string, amount: number, months: number, categoryId = 'subscriptions'): Charge[] =>
  Array.from({ length: months }, (_, m) => ({ date: `2025-${String(m + 1).padStart(2, '0')}-05`, amount: -amount, merchant, categoryId }));

const findingOn = (anomalies: readonly Anomaly[], entries: readonly LedgerEntry[], match: (e: LedgerEntry) => boolean) => {
  const entry = entries.find(match);
  return entry === undefined ? undefined : anomalies.find((a) => a.transactionId === entry.id);
};
const at = (merchant: string, date: string) => (e: LedgerEntry) => e.merchant === merchant && e.date === date;

const shell = [4000, 4200, 4400, 4600, 4800, 5000, 5200, 4100, 4300, 4500];

describe('detectAnomalies › spike', () => {
  it('flags a charge far above the merchant\'s usual, with the ratio and the usual range', () => {
    const entries = ledger([...everyday(), ...weekly('Shell', shell), { date: '2025-03-20', amount: -19000, merchant: 'Shell', categoryId: 'fuel' }]);
    const anomaly = findingOn(detectAnomalies(entries), entries, at('Shell', '2025-03-20'));
    expect(anomaly).toMatchObject({ kind: 'spike', reason: '4.3× your usual at Shell (usually $40.90–$50.20)', expected: { low: 4090, high: 5020 }, amount: -19000 });
    expect(anomaly?.score).toBeGreaterThan(0.5);
    expect(anomaly?.score).toBeLessThanOrEqual(1);
  });

  it('needs 5 earlier charges at the merchant (or a known category) before it judges', () => {
    const entries = ledger([...everyday(), ...weekly('Shell', shell.slice(0, 4), '2025-01-02', 'x-fuel'), { date: '2025-03-20', amount: -19000, merchant: 'Shell', categoryId: 'x-fuel' }]);
    expect(findingOn(detectAnomalies(entries), entries, at('Shell', '2025-03-20'))).toBeUndefined();
  });

  it('leaves a large purchase at a store whose amounts always spread widely (a big-ticket store)', () => {
    const store = [2500, 9000, 4000, 30000, 6000, 15000, 3500, 12000, 5000, 20000];
    const entries = ledger([...everyday(), ...weekly('Home Depot', store, '2025-01-02', 'home'), { date: '2025-03-20', amount: -60000, merchant: 'Home Depot', categoryId: 'home' }]);
    expect(findingOn(detectAnomalies(entries), entries, at('Home Depot', '2025-03-20'))).toBeUndefined();
  });

  it('leaves an extra smaller than one ordinary purchase (a $15 order at a $4.50 café)', () => {
    const café = Array.from({ length: 12 }, () => 450);
    const entries = ledger([...everyday(), ...weekly('Blue Bottle', café, '2025-01-02', 'coffee'), { date: '2025-03-30', amount: -1500, merchant: 'Blue Bottle', categoryId: 'coffee' }]);
    expect(findingOn(detectAnomalies(entries), entries, at('Blue Bottle', '2025-03-30'))).toBeUndefined();
  });

  it('falls back to the category while the merchant is new, and says so', () => {
    const entries = ledger([
      ...everyday(),
      { date: '2025-03-01', amount: -3500, merchant: 'Fresh Market' },
      { date: '2025-03-08', amount: -3200, merchant: 'Fresh Market' },
      { date: '2025-03-15', amount: -40000, merchant: 'Fresh Market' },
    ]);
    const anomaly = findingOn(detectAnomalies(entries), entries, at('Fresh Market', '2025-03-15'));
    expect(anomaly?.kind).toBe('spike');
    expect(anomaly?.reason).toMatch(/^\d+(\.\d)?× your usual in this category at Fresh Market \(usually \$\d+\.\d\d–\$\d+\.\d\d\)$/);
  });

  it('never flags a charge below the usual', () => {
    const entries = ledger([...everyday(), ...weekly('Shell', shell), { date: '2025-03-20', amount: -300, merchant: 'Shell', categoryId: 'fuel' }]);
    expect(findingOn(detectAnomalies(entries), entries, at('Shell', '2025-03-20'))).toBeUndefined();
  });
});

describe('detectAnomalies › duplicate', () => {
  const delivery = weekly('Uber Eats', [3100, 2875, 4460, 3390, 2650, 3720, 5120, 2990], '2025-01-03', 'restaurants');

  it('flags the second of two identical charges within 2 days, naming both dates', () => {
    const entries = ledger([...everyday(), ...delivery, { date: '2025-03-03', amount: -4210, merchant: 'Uber Eats', categoryId: 'restaurants' }, { date: '2025-03-04', amount: -4210, merchant: 'Uber Eats', categoryId: 'restaurants' }]);
    const anomalies = detectAnomalies(entries);
    expect(findingOn(anomalies, entries, at('Uber Eats', '2025-03-03'))).toBeUndefined();
    expect(findingOn(anomalies, entries, at('Uber Eats', '2025-03-04'))).toMatchObject({
      kind: 'duplicate',
      reason: 'Charged $42.10 twice at Uber Eats within 2 days (Mar 3 and Mar 4)',
      expected: null,
    });
  });

  it('says "on" the day for a same-day repeat, and scores it above a repeat a day later', () => {
    const sameDay = ledger([...everyday(), ...delivery, { date: '2025-03-03', amount: -4210, merchant: 'Uber Eats', categoryId: 'restaurants' }, { date: '2025-03-03', amount: -4210, merchant: 'Uber Eats', categoryId: 'restaurants' }]);
    const nextDay = ledger([...everyday(), ...delivery, { date: '2025-03-03', amount: -4210, merchant: 'Uber Eats', categoryId: 'restaurants' }, { date: '2025-03-04', amount: -4210, merchant: 'Uber Eats', categoryId: 'restaurants' }]);
    const same = detectAnomalies(sameDay).find((a) => a.kind === 'duplicate');
    const next = detectAnomalies(nextDay).find((a) => a.kind === 'duplicate');
    expect(same?.reason).toBe('Charged $42.10 twice at Uber Eats on Mar 3');
    expect(same?.score).toBeGreaterThan(next?.score ?? 1);
  });

  it('leaves identical charges 3 days apart', () => {
    const entries = ledger([...everyday(), ...delivery, { date: '2025-03-03', amount: -4210, merchant: 'Uber Eats', categoryId: 'restaurants' }, { date: '2025-03-06', amount: -4210, merchant: 'Uber Eats', categoryId: 'restaurants' }]);
    expect(detectAnomalies(entries).filter((a) => a.kind === 'duplicate')).toEqual([]);
  });

  it('flags a second charge of a monthly plan the day after', () => {
    const entries = ledger([...everyday(), ...monthly('Netflix', 1549, 4), { date: '2025-04-06', amount: -1549, merchant: 'Netflix', categoryId: 'subscriptions' }]);
    expect(findingOn(detectAnomalies(entries), entries, at('Netflix', '2025-04-06'))?.kind).toBe('duplicate');
  });

  it('leaves a repeat where identical amounts within 2 days are the habit (the usual lunch, twice a day)', () => {
    const lunches: Charge[] = [];
    for (let day = 0; day < 60; day++) {
      const date = addDays('2025-01-01', day);
      lunches.push({ date, amount: -1500, merchant: 'Noodle Bar', categoryId: 'restaurants' });
      if (day % 4 === 0) lunches.push({ date, amount: day % 8 === 0 ? -1500 : -1750, merchant: 'Noodle Bar', categoryId: 'restaurants' });
    }
    const entries = ledger([...everyday(), ...lunches, { date: '2025-03-05', amount: -1500, merchant: 'Noodle Bar', categoryId: 'restaurants' }, { date: '2025-03-05', amount: -1500, merchant: 'Noodle Bar', categoryId: 'restaurants' }]);
    expect(detectAnomalies(entries).filter((a) => a.merchantKey === 'noodle-bar')).toEqual([]);
  });

  it('leaves two identical espressos the same day: too small to alert', () => {
    const entries = ledger([...everyday(), { date: '2025-03-05', amount: -275, merchant: 'Blue Bottle', categoryId: 'coffee' }, { date: '2025-03-05', amount: -275, merchant: 'Blue Bottle', categoryId: 'coffee' }]);
    expect(detectAnomalies(entries).filter((a) => a.merchantKey === 'blue-bottle')).toEqual([]);
  });

  it('keeps the verdict when a refund comes more than 2 days later (the verdict is settled by then)', () => {
    const repeat = [...everyday(), ...delivery, { date: '2025-03-03', amount: -4210, merchant: 'Uber Eats', categoryId: 'restaurants' }, { date: '2025-03-04', amount: -4210, merchant: 'Uber Eats', categoryId: 'restaurants' }];
    const refundedLater = ledger([...repeat, { date: '2025-03-12', amount: 4210, merchant: 'Uber Eats', categoryId: 'restaurants' }]);
    const refundedAtOnce = ledger([...repeat, { date: '2025-03-05', amount: 4210, merchant: 'Uber Eats', categoryId: 'restaurants' }]);
    expect(detectAnomalies(refundedLater).filter((a) => a.kind === 'duplicate')).toHaveLength(1);
    expect(detectAnomalies(refundedAtOnce).filter((a) => a.kind === 'duplicate')).toEqual([]);
  });

  it('leaves a charge made again after the first was refunded', () => {
    const entries = ledger([
      ...everyday(),
      ...weekly('Target', [2600, 4100, 1900, 7300, 3300], '2025-01-04', 'shopping'),
      { date: '2025-03-03', amount: -8000, merchant: 'Target', categoryId: 'shopping' },
      { date: '2025-03-03', amount: 8000, merchant: 'Target', categoryId: 'shopping' },
      { date: '2025-03-04', amount: -8000, merchant: 'Target', categoryId: 'shopping' },
    ]);
    expect(detectAnomalies(entries).filter((a) => a.merchantKey === 'target')).toEqual([]);
  });
});

describe('detectAnomalies › new_merchant', () => {
  it('flags a first charge far above the user\'s usual large purchase', () => {
    const entries = ledger([...everyday(), { date: '2025-04-10', amount: -250000, merchant: 'Luxe Timepieces', categoryId: 'shopping' }]);
    const anomaly = findingOn(detectAnomalies(entries), entries, at('Luxe Timepieces', '2025-04-10'));
    expect(anomaly?.kind).toBe('new_merchant');
    expect(anomaly?.reason).toMatch(/^First charge at Luxe Timepieces, a merchant new to you: \$2,500\.00, \d+× your usual large purchase \(about \$\d\d\.00\)$/);
    expect(anomaly?.expected?.high).toBeGreaterThan(3000);
    expect(anomaly?.expected?.high).toBeLessThan(4500);
  });

  it('leaves a new subscription at a normal price, and a second charge at a merchant once new', () => {
    const entries = ledger([
      ...everyday(),
      { date: '2025-04-10', amount: -799, merchant: 'Hulu', categoryId: 'subscriptions' },
      { date: '2025-04-10', amount: -250000, merchant: 'Luxe Timepieces', categoryId: 'shopping' },
      { date: '2025-04-20', amount: -260000, merchant: 'Luxe Timepieces', categoryId: 'shopping' },
    ]);
    const anomalies = detectAnomalies(entries);
    expect(findingOn(anomalies, entries, at('Hulu', '2025-04-10'))).toBeUndefined();
    expect(findingOn(anomalies, entries, at('Luxe Timepieces', '2025-04-20'))?.kind).not.toBe('new_merchant');
  });

  it('waits for enough history to know what is large', () => {
    const entries = ledger([...everyday(20), { date: '2025-01-20', amount: -250000, merchant: 'Luxe Timepieces', categoryId: 'shopping' }]);
    expect(detectAnomalies(entries)).toEqual([]);
  });
});

describe('detectAnomalies › price_increase', () => {
  it('flags the first charge of a monthly plan at a higher price, and only that one', () => {
    const entries = ledger([
      ...everyday(200),
      ...monthly('Netflix', 1549, 4),
      { date: '2025-05-05', amount: -2299, merchant: 'Netflix', categoryId: 'subscriptions' },
      { date: '2025-06-05', amount: -2299, merchant: 'Netflix', categoryId: 'subscriptions' },
    ]);
    const anomalies = detectAnomalies(entries);
    expect(findingOn(anomalies, entries, at('Netflix', '2025-05-05'))).toMatchObject({
      kind: 'price_increase',
      reason: 'Netflix went from $15.49 to $22.99 (+48 %)',
      expected: { low: 1549, high: 1549 },
    });
    expect(findingOn(anomalies, entries, at('Netflix', '2025-06-05'))).toBeUndefined();
  });

  it('leaves a rise of 5 % or less', () => {
    const entries = ledger([...everyday(), ...monthly('Spotify', 1099, 4), { date: '2025-05-05', amount: -1149, merchant: 'Spotify', categoryId: 'subscriptions' }]);
    expect(findingOn(detectAnomalies(entries), entries, at('Spotify', '2025-05-05'))).toBeUndefined();
  });

  it('leaves a higher bill at a merchant whose equal charges were not periodic', () => {
    const entries = ledger([
      ...everyday(),
      ...[['2025-01-03', -2000], ['2025-01-04', -2000], ['2025-02-20', -2000], ['2025-03-20', -2400]].map(([date, amount]) => ({ date: date as string, amount: amount as number, merchant: 'Diner', categoryId: 'restaurants' })),
    ]);
    expect(detectAnomalies(entries).filter((a) => a.kind === 'price_increase')).toEqual([]);
  });
});

describe('detectAnomalies › card_testing', () => {
  const burst: Charge[] = [
    { date: '2025-05-04', amount: -99, merchant: 'QPay', categoryId: null },
    { date: '2025-05-04', amount: -149, merchant: 'QPay', categoryId: null },
    { date: '2025-05-05', amount: -50, merchant: 'QPay', categoryId: null },
    { date: '2025-05-05', amount: -45000, merchant: 'QPay', categoryId: null },
  ];

  it('flags every tiny charge of a burst at a new merchant and the larger charge after it', () => {
    const entries = ledger([...everyday(), ...burst]);
    const found = detectAnomalies(entries).filter((a) => a.merchantKey === 'qpay');
    expect(found.map((a) => a.kind)).toEqual(['card_testing', 'card_testing', 'card_testing', 'card_testing']);
    const pattern = '3 charges under $2.00 at QPay, a merchant new to you, within 2 days (May 4–May 5)';
    expect(found.find((a) => a.amount === -99)?.reason).toBe(`${pattern}: the pattern of a card being tested`);
    expect(found.find((a) => a.amount === -45000)?.reason).toBe(`$450.00 at QPay right after ${pattern}: a tested card being used`);
    expect(found.every((a) => a.expected === null && a.score >= 0.9)).toBe(true);
  });

  it('leaves two tiny charges, and tiny charges at a merchant used for months (a parking app)', () => {
    const parking = weekly('ParkMobile', [150, 225, 175, 200, 150, 250, 175, 150], '2025-01-06', 'transport');
    const entries = ledger([
      ...everyday(),
      ...parking,
      ...burst.slice(0, 2),
      ...['2025-04-01', '2025-04-01', '2025-04-02'].map((date, i) => ({ date, amount: -(100 + 25 * i), merchant: 'ParkMobile', categoryId: 'transport' })),
    ]);
    expect(detectAnomalies(entries).filter((a) => a.kind === 'card_testing')).toEqual([]);
  });

  it('judges "tiny" in the currency\'s terms (yen have no minor unit)', () => {
    const yen = everyday().map((charge) => ({ ...charge, amount: Math.round(charge.amount * 1.5), currency: 'JPY' }));
    const tests = ['2025-05-04', '2025-05-04', '2025-05-05'].map((date, i) => ({ date, amount: -(90 + 40 * i), merchant: 'WEBSVC*1234', categoryId: null, currency: 'JPY' }));
    const found = detectAnomalies(ledger([...yen, ...tests])).filter((a) => a.kind === 'card_testing');
    expect(found).toHaveLength(3);
    expect(found[0]?.reason).toMatch(/^3 charges under ¥200 at WEBSVC\*1234/);
  });
});

describe('detectAnomalies › the list', () => {
  const generated = generateAnomalyLedgers(5, 4);

  it('never flags money coming in', () => {
    const entries = ledger([...everyday(), ...weekly('Shell', shell), { date: '2025-03-20', amount: 500000, merchant: 'Shell', categoryId: 'fuel' }, { date: '2025-03-21', amount: 900000, merchant: 'Lottery', categoryId: null }]);
    expect(detectAnomalies(entries).filter((a) => a.amount >= 0)).toEqual([]);
  });

  it('gives each transaction one anomaly at most, sorted by score, then the most recent first', () => {
    for (const { entries } of generated) {
      const anomalies = detectAnomalies(entries);
      expect(anomalies.length).toBeGreaterThan(0);
      expect(new Set(anomalies.map((a) => a.transactionId)).size).toBe(anomalies.length);
      for (let i = 1; i < anomalies.length; i++) {
        const [before, after] = [anomalies[i - 1] as Anomaly, anomalies[i] as Anomaly];
        expect(before.score > after.score || (before.score === after.score && before.date >= after.date)).toBe(true);
      }
    }
  });

  it('keeps currencies apart and formats each with its own exponent', () => {
    const yen = weekly('Shell', shell.map((amount) => amount * 150)).map((charge) => ({ ...charge, currency: 'JPY' }));
    const entries = ledger([...everyday(), ...weekly('Shell', shell), ...yen]);
    expect(detectAnomalies(entries)).toEqual([]);
    const spiked = ledger([...everyday(), ...yen, { date: '2025-03-20', amount: -19000 * 150, merchant: 'Shell', categoryId: 'fuel', currency: 'JPY' }]);
    expect(detectAnomalies(spiked)[0]?.reason).toBe('4.3× your usual at Shell (usually ¥613,483–¥752,947)');
  });

  it('takes the exponent from the caller when given', () => {
    const entries = ledger([...everyday(), ...weekly('Uber Eats', [3100, 2875, 4460, 3390, 2650, 3720], '2025-01-03', 'restaurants'), { date: '2025-03-03', amount: -4210, merchant: 'Uber Eats' }, { date: '2025-03-03', amount: -4210, merchant: 'Uber Eats' }]);
    expect(detectAnomalies(entries, { exponentOf: () => 0 })[0]?.reason).toBe('Charged $4,210 twice at Uber Eats on Mar 3');
  });

  it('does not change its verdict on a past transaction when later history is added (more than 2 days later)', () => {
    for (const { entries } of generated) {
      const full = new Map(detectAnomalies(entries).map((a) => [a.transactionId, a]));
      for (const cut of ['2024-06-30', '2024-12-31', '2025-05-15']) {
        const settled = addDays(cut, -2);
        const early = detectAnomalies(entries.filter((e) => e.date <= cut)).filter((a) => a.date <= settled);
        const fullEarly = [...full.values()].filter((a) => a.date <= settled);
        expect(early.map((a) => a.transactionId).sort()).toEqual(fullEarly.map((a) => a.transactionId).sort());
        for (const anomaly of early) expect(full.get(anomaly.transactionId)).toEqual(anomaly);
      }
    }
  });

  // Its speed is measured by `npm run bench` (insights-anomalies), not here.
  it('reads a heavy user\'s whole history (100,000 entries, 600 merchants) and flags a small share of it', () => {
    const entries = heavyLedger(7);
    const anomalies = detectAnomalies(entries);
    expect(entries).toHaveLength(100_000);
    expect(anomalies.length).toBeGreaterThan(0);
    expect(anomalies.length).toBeLessThan(entries.length / 100);
    expect(new Set(anomalies.map((anomaly) => anomaly.transactionId)).size).toBe(anomalies.length);
  });
});

describe('detectAnomalies › properties', () => {
  const dayArb = fc.integer({ min: 0, max: 240 }).map((n) => addDays('2025-01-01', n));
  const entryArb = fc.record({
    date: dayArb,
    // Some fixed amounts, so repeats, refunds of them and bursts of tiny charges occur.
    amount: fc.oneof(fc.integer({ min: -200_000, max: -1 }), fc.integer({ min: 1, max: 50_000 }), fc.constantFrom(-4210, 4210, -99, -149, -50, -45000)),
    merchant: fc.constantFrom('Shell', 'Netflix', 'Uber Eats', 'Grocer', 'QPay', 'New Shop', null),
    categoryId: fc.constantFrom('groceries', 'fuel', null),
    currency: fc.constantFrom('USD', 'USD', 'JPY'),
  });
  const ledgerArb = fc.array(entryArb, { minLength: 0, maxLength: 300 }).map(ledger);

  it('scores in [0, 1], one per outflow that exists, sorted', () => {
    fc.assert(
      fc.property(ledgerArb, (entries) => {
        const byId = new Map(entries.map((e) => [e.id, e]));
        const anomalies = detectAnomalies(entries);
        expect(new Set(anomalies.map((a) => a.transactionId)).size).toBe(anomalies.length);
        for (const [i, anomaly] of anomalies.entries()) {
          const entry = byId.get(anomaly.transactionId);
          expect(anomaly.score).toBeGreaterThanOrEqual(0);
          expect(anomaly.score).toBeLessThanOrEqual(1);
          expect(entry?.amount).toBeLessThan(0);
          expect([anomaly.date, anomaly.amount, anomaly.currency, anomaly.merchantKey]).toEqual([entry?.date, entry?.amount, entry?.currency, entry?.merchantKey]);
          if (i > 0) expect((anomalies[i - 1] as Anomaly).score).toBeGreaterThanOrEqual(anomaly.score);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('never calls a merchant with one constant amount a spike or a price increase', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 1000 }),
        (amount, gaps, seed) => {
          let date = '2025-01-01';
          const constant = gaps.map((gap) => ({ date: (date = addDays(date, gap)), amount: -amount, merchant: 'Steady', categoryId: 'groceries' }));
          const entries = ledger([...everyday(120, seed), ...constant]);
          const flagged = detectAnomalies(entries).filter((a) => a.merchantKey === 'steady');
          expect(flagged.filter((a) => a.kind === 'spike' || a.kind === 'price_increase')).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('judges a transaction the same however much later history follows (more than 2 days later)', () => {
    fc.assert(
      fc.property(ledgerArb, dayArb, (entries, cut) => {
        const settled = addDays(cut, -2);
        const full = detectAnomalies(entries).filter((a) => a.date <= settled);
        const early = detectAnomalies(entries.filter((e) => e.date <= cut)).filter((a) => a.date <= settled);
        expect(early).toEqual(full);
      }),
      { numRuns: 150 },
    );
  });
});
