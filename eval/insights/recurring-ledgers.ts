/**
 * Ledgers with known recurring streams, for the recurring-stream evaluation. Each generated user
 * has 1–3 years of history ending on `today`: a salary (biweekly on Fridays, twice a month or
 * monthly, moved off weekends and holidays), subscriptions billed on the sign-up day of the month
 * (clamped at month end, some with a price increase, some cancelled), utility bills that vary
 * ±30 %, a quarterly water bill, semiannual and annual insurance, loans that get paid off, and
 * the purchases that must not look recurring: groceries, coffee and fuel several times a week,
 * a haircut every 4–6 weeks at one price, shopping at a merchant that also bills a membership,
 * two purchases a year apart at a store, refunds.
 *
 * Dates and truth come from this file's own calendar code, not the model's.
 */
import { cadenceRules } from '../../src/features/insights/cadence.ts';
import type { Cadence, LedgerEntry } from '../../src/features/insights/types.ts';
import { dateOfDayNumber, dayNumber, daysInMonth } from '../../src/features/budgets/periods.ts';
import { Random } from '../random.ts';

export type StreamKind = 'salary' | 'subscription' | 'bill' | 'insurance' | 'membership' | 'loan' | 'payout';

/** A stream the generator made, and what the model should say about it at `today`. */
export type TrueStream = {
  merchantKey: string;
  currency: string;
  direction: 'inflow' | 'outflow';
  cadence: Cadence;
  kind: StreamKind;
  /** Amounts vary from charge to charge (utility bills, payouts). */
  variable: boolean;
  entryIds: string[];
  /** The next charge's date as the schedule has it (for a cancelled stream: the one that will not come). */
  nextDate: string;
  state: 'active' | 'late' | 'ended';
};

export type RecurringLedger = { userId: string; today: string; entries: LedgerEntry[]; streams: TrueStream[] };

/** When a stream's charges fall: every few days, on a day of every few months, or on two days of every month. */
type Timing =
  | { kind: 'days'; step: number; first: number }
  | { kind: 'months'; step: number; dayOfMonth: number; firstMonth: number }
  | { kind: 'twice'; days: readonly [number, number]; firstMonth: number };

/** Card charges land on any day; bank debits and pay move to the next (or previous) business day. */
type Shift = 'none' | 'next' | 'previous';

type StreamSpec = {
  merchant: string;
  currency: string;
  direction: 'inflow' | 'outflow';
  kind: StreamKind;
  category: string;
  timing: Timing;
  shift: Shift;
  /** Days a charge may post after its due date (uniform 0..lag). */
  lag: number;
  /** Magnitude of the `index`-th charge, minor units. */
  amount: (index: number, day: number) => number;
  variable: boolean;
  /** No charge on or after this day (cancelled, paid off); null: still running. */
  stopDay: number | null;
  /** Chance a single charge is skipped (a meal-kit week paused). */
  skipChance: number;
};

/** A ledger line before ids are given; `merchant` null for cash and unnamed lines. */
type Draft = { date: number; amount: number; currency: string; merchant: string | null; category: string | null; stream: number | null };

const cents = (major: number) => Math.round(major * 100);
/** A retail price: 12.99, 139.00 for round ones. */
const price = (major: number) => (major >= 50 && major % 10 === 0 ? cents(major) : cents(Math.floor(major) + 0.99));
export const slugOf = (name: string) => name.toLowerCase().replace(/&/g, ' and ').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

const monthIndexOf = (day: number) => {
  const date = dateOfDayNumber(day);
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
};
function dayOfMonthIndex(month: number, dayOfMonth: number): number {
  const year = Math.floor(month / 12);
  const calendarMonth = month - year * 12 + 1;
  const clamped = Math.min(dayOfMonth, daysInMonth(year, calendarMonth));
  return dayNumber(`${year}-${String(calendarMonth).padStart(2, '0')}-${String(clamped).padStart(2, '0')}`);
}
const weekday = (day: number) => (((day + 4) % 7) + 7) % 7;

// US bank holidays: fixed dates and the Mondays / Thursday the law names.
const holidayCache = new Map<number, Set<number>>();
function holidaysOf(year: number): Set<number> {
  const cached = holidayCache.get(year);
  if (cached !== undefined) return cached;
  const on = (month: number, day: number) => dayNumber(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
  const nth = (month: number, wanted: number, n: number) => {
    const first = on(month, 1);
    return first + ((wanted - weekday(first) + 7) % 7) + 7 * (n - 1);
  };
  const lastMonday = (month: number) => {
    const last = on(month, daysInMonth(year, month));
    return last - ((weekday(last) - 1 + 7) % 7);
  };
  const days = new Set([on(1, 1), nth(1, 1, 3), nth(2, 1, 3), lastMonday(5), on(6, 19), on(7, 4), nth(9, 1, 1), nth(10, 1, 2), on(11, 11), nth(11, 4, 4), on(12, 25)]);
  holidayCache.set(year, days);
  return days;
}
const isBusinessDay = (day: number) => weekday(day) !== 0 && weekday(day) !== 6 && !holidaysOf(Number(dateOfDayNumber(day).slice(0, 4))).has(day);

function shifted(day: number, shift: Shift): number {
  if (shift === 'none') return day;
  let moved = day;
  while (!isBusinessDay(moved)) moved += shift === 'next' ? 1 : -1;
  return moved;
}

/** The due dates of a timing from its first one until `until`. */
function dueDates(timing: Timing, until: number): number[] {
  const dates: number[] = [];
  for (let index = 0; dates.length < 5000; index++) {
    let date: number;
    if (timing.kind === 'days') date = timing.first + index * timing.step;
    else if (timing.kind === 'months') date = dayOfMonthIndex(timing.firstMonth + index * timing.step, timing.dayOfMonth);
    else date = dayOfMonthIndex(timing.firstMonth + Math.floor(index / 2), timing.days[index % 2] as number);
    if (date > until) break;
    dates.push(date);
  }
  return dates;
}

function cadenceOf(timing: Timing): Cadence {
  if (timing.kind === 'twice') return 'semi_monthly';
  if (timing.kind === 'days') return timing.step === 7 ? 'weekly' : 'biweekly';
  return ({ 1: 'monthly', 3: 'quarterly', 6: 'semiannual', 12: 'yearly' } as Record<number, Cadence>)[timing.step] ?? 'monthly';
}

/** Writes a stream's charges from `ledgerStart` to `today` and returns what is true of it then. */
function runStream(spec: StreamSpec, random: Random, ledgerStart: number, today: number, drafts: Draft[], streamIndex: number): Omit<TrueStream, 'entryIds'> {
  const cadence = cadenceOf(spec.timing);
  const scheduledAfter: number[] = [];
  let index = 0;
  for (const due of dueDates(spec.timing, today + 800)) {
    const date = shifted(due, spec.shift) + (spec.lag > 0 ? random.int(0, spec.lag) : 0);
    const stopped = spec.stopDay !== null && due >= spec.stopDay;
    if (date > today || stopped) {
      if (!(random.chance(spec.skipChance) && !stopped)) scheduledAfter.push(date);
      if (scheduledAfter.length >= 3) break;
      continue;
    }
    if (random.chance(spec.skipChance)) continue;
    const amount = spec.amount(index++, due);
    if (date < ledgerStart) continue;
    drafts.push({ date, amount: spec.direction === 'inflow' ? amount : -amount, currency: spec.currency, merchant: spec.merchant, category: spec.category, stream: streamIndex });
  }
  const grace = cadenceRules[cadence].grace;
  const missed = scheduledAfter.filter((date) => date + grace < today).length;
  return {
    merchantKey: slugOf(spec.merchant),
    currency: spec.currency,
    direction: spec.direction,
    cadence,
    kind: spec.kind,
    variable: spec.variable,
    nextDate: dateOfDayNumber(scheduledAfter[0] ?? today),
    state: missed >= 2 ? 'ended' : missed === 1 ? 'late' : 'active',
  };
}

/** What every part of one user's ledger is written with. */
type User = {
  random: Random;
  currency: string;
  start: number;
  today: number;
  drafts: Draft[];
  streams: Omit<TrueStream, 'entryIds'>[];
};

function addStream(user: User, spec: StreamSpec): void {
  user.streams.push(runStream(spec, user.random, user.start, user.today, user.drafts, user.streams.length));
}

/** A fixed price that goes up now and then (at most twice), by 8–25 % each time. */
function fixedPrice(random: Random, base: number, from: number, to: number, increaseChance: number): (index: number, day: number) => number {
  const days: number[] = [];
  for (let step = 0; step < 2 && random.chance(increaseChance); step++) days.push(random.int(from, to));
  days.sort((a, b) => a - b);
  let amount = base;
  const steps = days.map((day) => ({ day, amount: (amount = price((amount * (1.08 + 0.17 * random.next())) / 100)) }));
  return (_, day) => {
    let current = base;
    for (const step of steps) if (day >= step.day) current = step.amount;
    return current;
  };
}

/** A utility bill: a seasonal swing (peak in winter or summer) times ±10 % noise, ±30 % overall. */
function meteredBill(random: Random, base: number): (index: number, day: number) => number {
  const swing = 0.08 + 0.14 * random.next();
  const peakMonth = random.chance(0.6) ? 0 : 7;
  return (_, day) => {
    const month = monthIndexOf(day) % 12;
    const season = Math.cos((2 * Math.PI * (month - peakMonth)) / 12);
    return Math.round(base * (1 + swing * season) * (0.9 + 0.2 * random.next()));
  };
}

/** Pay that rises once a year, maybe wobbling with hours worked. */
function pay(random: Random, base: number, start: number, wobble: number): (index: number, day: number) => number {
  const raise = 0.02 + 0.05 * random.next();
  return (_, day) => Math.round(base * (1 + raise) ** Math.floor((day - start) / 365) * (1 + wobble * (2 * random.next() - 1)));
}

/** When a stream begins: before the ledger (most) or during it. */
function streamStart(user: User, before = 0.6): number {
  return user.random.chance(before) ? user.start - user.random.int(1, 400) : user.random.int(user.start, user.today - 60);
}

/** When a stream stops: null (still running), somewhen after it began, or just lately (a late truth). */
function streamStop(user: User, begin: number, cancelChance: number): number | null {
  const { random } = user;
  if (!random.chance(cancelChance)) return null;
  if (random.chance(0.3)) return user.today - random.int(0, 50);
  return random.int(Math.max(begin, user.start) + 40, user.today);
}

type MonthsTiming = Extract<Timing, { kind: 'months' }>;
const monthly = (begin: number, dayOfMonth?: number): MonthsTiming => ({
  kind: 'months',
  step: 1,
  dayOfMonth: dayOfMonth ?? Number(dateOfDayNumber(begin).slice(8, 10)),
  firstMonth: monthIndexOf(begin),
});
const everyMonths = (begin: number, step: number): MonthsTiming => ({ ...monthly(begin), step });
/** The first `wanted` weekday on or after `day`. */
const onWeekday = (day: number, wanted: number) => day + ((wanted - weekday(day) + 7) % 7);

type Catalogue = { name: string; category: string; monthly?: number; yearly?: number };
const subscriptions: readonly Catalogue[] = [
  { name: 'Netflix', category: 'streaming', monthly: 15.49 },
  { name: 'Spotify', category: 'streaming', monthly: 10.99 },
  { name: 'Hulu', category: 'streaming', monthly: 7.99 },
  { name: 'Disney+', category: 'streaming', monthly: 13.99 },
  { name: 'YouTube Premium', category: 'streaming', monthly: 13.99 },
  { name: 'Max', category: 'streaming', monthly: 15.99 },
  { name: 'Paramount+', category: 'streaming', monthly: 11.99 },
  { name: 'Adobe', category: 'software', monthly: 54.99, yearly: 659.88 },
  { name: 'Microsoft 365', category: 'software', monthly: 9.99, yearly: 99.99 },
  { name: 'Dropbox', category: 'software', monthly: 11.99, yearly: 119.88 },
  { name: 'Audible', category: 'books', monthly: 14.95 },
  { name: 'Xbox Game Pass', category: 'games', monthly: 16.99 },
  { name: 'PlayStation Plus', category: 'games', yearly: 79.99 },
  { name: 'New York Times', category: 'news', monthly: 17 },
  { name: 'Patreon', category: 'entertainment', monthly: 5 },
  { name: 'Duolingo', category: 'education', yearly: 83.99 },
  { name: 'Peloton', category: 'fitness', monthly: 44 },
  { name: 'ChatGPT Plus', category: 'software', monthly: 20 },
  { name: 'Headspace', category: 'health', monthly: 12.99, yearly: 69.99 },
  { name: 'Norton', category: 'software', yearly: 99.99 },
  { name: 'GoDaddy', category: 'software', yearly: 21.99 },
  { name: 'AAA', category: 'auto', yearly: 89 },
  { name: 'LinkedIn Premium', category: 'software', monthly: 39.99 },
];

function subscription(user: User, item: Catalogue): void {
  const { random } = user;
  const yearly = item.yearly !== undefined && (item.monthly === undefined || random.chance(0.35));
  const begin = streamStart(user);
  const base = cents((yearly ? item.yearly : item.monthly) ?? 10);
  const stopDay = streamStop(user, begin, 0.25);
  addStream(user, {
    merchant: item.name,
    currency: user.currency,
    direction: 'outflow',
    kind: 'subscription',
    category: item.category,
    timing: yearly ? everyMonths(begin, 12) : monthly(begin),
    shift: 'none',
    lag: 0,
    amount: fixedPrice(random, base, begin, user.today, 0.35),
    variable: false,
    stopDay,
    skipChance: 0,
  });
}

const employers = ['Acme Corp', 'Globex Corporation', 'Initech', 'Northwind Traders', 'Contoso', 'Umbrella Health', 'Stark Industries', 'Hooli', 'Vandelay Industries', 'Wayne Enterprises'];

/** Salary: biweekly on Fridays, twice a month or monthly, paid the business day before a weekend or holiday. */
function salary(user: User, employer: string, begin: number, stopDay: number | null): void {
  const { random } = user;
  const style = random.weighted(['biweekly', 'twice', 'monthly'] as const, (s) => ({ biweekly: 4, twice: 3, monthly: 3 })[s]);
  const yearly = random.int(38_000, 160_000);
  const timing: Timing =
    style === 'biweekly'
      ? { kind: 'days', step: 14, first: onWeekday(begin, 5) }
      : style === 'twice'
        ? { kind: 'twice', days: random.chance(0.5) ? [15, 31] : [1, 15], firstMonth: monthIndexOf(begin) }
        : monthly(begin, random.pick([1, 25, 28, 31]));
  const perCharge = yearly / (style === 'biweekly' ? 26 : style === 'twice' ? 24 : 12);
  const merchant = `${employer} Payroll`;
  addStream(user, {
    merchant,
    currency: user.currency,
    direction: 'inflow',
    kind: 'salary',
    category: 'salary',
    timing,
    shift: random.chance(0.85) ? 'previous' : 'next',
    lag: 0,
    amount: pay(random, cents(perCharge * 0.72), begin, random.chance(0.4) ? 0.04 : 0),
    variable: false,
    stopDay,
    skipChance: 0,
  });
  // A yearly bonus and expense refunds from the same payer: inflows off the schedule.
  const bonus = random.chance(0.35);
  for (let day = Math.max(begin, user.start); day <= Math.min(stopDay ?? user.today, user.today); day += random.int(20, 80)) {
    if (bonus && random.chance(0.12)) extra(user, day, cents(perCharge * (0.5 + random.next())), merchant, 'salary');
    else if (random.chance(0.08)) extra(user, day, cents(random.logNormal(120, 0.6)), merchant, 'reimbursement');
  }
}

/** One entry that belongs to no stream (negative amounts are money out). */
function extra(user: User, day: number, amount: number, merchant: string | null, category: string | null): void {
  if (day < user.start || day > user.today) return;
  user.drafts.push({ date: day, amount, currency: user.currency, merchant, category, stream: null });
}

type Bill = { merchant: string; category: string; kind: StreamKind; base: [number, number]; months: number; metered: boolean };
/** Kinds of bill, each a list of providers to pick one from, and the share of users who have one. */
const bills: readonly (readonly Bill[])[] = [
  [
    { merchant: 'Greystar', category: 'rent', kind: 'bill', base: [1400, 3200], months: 1, metered: false },
    { merchant: 'Wells Fargo Home Mortgage', category: 'mortgage', kind: 'loan', base: [1500, 3800], months: 1, metered: false },
  ],
  [
    { merchant: 'PG&E', category: 'utilities', kind: 'bill', base: [70, 220], months: 1, metered: true },
    { merchant: 'Con Edison', category: 'utilities', kind: 'bill', base: [60, 180], months: 1, metered: true },
    { merchant: 'Duke Energy', category: 'utilities', kind: 'bill', base: [80, 200], months: 1, metered: true },
  ],
  [
    { merchant: 'SoCalGas', category: 'utilities', kind: 'bill', base: [30, 110], months: 1, metered: true },
    { merchant: 'Nicor Gas', category: 'utilities', kind: 'bill', base: [40, 130], months: 1, metered: true },
  ],
  [
    { merchant: 'Comcast Xfinity', category: 'internet', kind: 'bill', base: [60, 110], months: 1, metered: false },
    { merchant: 'Spectrum', category: 'internet', kind: 'bill', base: [50, 90], months: 1, metered: false },
  ],
  [
    { merchant: 'Verizon Wireless', category: 'phone', kind: 'bill', base: [60, 180], months: 1, metered: false },
    { merchant: 'T-Mobile', category: 'phone', kind: 'bill', base: [50, 150], months: 1, metered: false },
  ],
  [{ merchant: 'City Water Utility', category: 'utilities', kind: 'bill', base: [60, 180], months: 3, metered: true }],
  [{ merchant: 'Waste Management', category: 'utilities', kind: 'bill', base: [60, 110], months: 3, metered: false }],
  [
    { merchant: 'GEICO', category: 'insurance', kind: 'insurance', base: [90, 220], months: 1, metered: false },
    { merchant: 'Progressive', category: 'insurance', kind: 'insurance', base: [450, 1100], months: 6, metered: false },
  ],
  [
    { merchant: 'State Farm', category: 'insurance', kind: 'insurance', base: [700, 2400], months: 12, metered: false },
    { merchant: 'Lemonade', category: 'insurance', kind: 'insurance', base: [12, 40], months: 1, metered: false },
  ],
  [{ merchant: 'County Treasurer', category: 'taxes', kind: 'bill', base: [900, 4000], months: 6, metered: false }],
  [{ merchant: 'Toyota Financial Services', category: 'loans', kind: 'loan', base: [280, 650], months: 1, metered: false }],
  [{ merchant: 'Navient', category: 'loans', kind: 'loan', base: [150, 600], months: 1, metered: false }],
];

/** A bill paid by direct debit on its due day (the next business day when that is a weekend or holiday). */
function bill(user: User, item: Bill): void {
  const { random } = user;
  const begin = streamStart(user, 0.75);
  const base = cents(random.int(item.base[0], item.base[1]) + (item.kind === 'loan' || item.months > 1 ? 0 : 0.99));
  const dayOfMonth = item.category === 'rent' || item.category === 'mortgage' ? 1 : random.int(1, 28);
  const isPhone = item.category === 'phone';
  addStream(user, {
    merchant: item.merchant,
    currency: user.currency,
    direction: 'outflow',
    kind: item.kind,
    category: item.category,
    timing: { ...everyMonths(begin, item.months), dayOfMonth },
    shift: random.chance(0.8) ? 'next' : 'none',
    lag: item.metered && random.chance(0.3) ? 2 : 0,
    amount: item.metered ? meteredBill(random, base) : isPhone ? taxed(random, base) : fixedPrice(random, base, begin, user.today, item.kind === 'loan' ? 0 : 0.4),
    variable: item.metered || isPhone,
    stopDay: streamStop(user, begin, item.kind === 'loan' ? 0.3 : item.category === 'rent' ? 0.15 : 0.08),
    skipChance: 0,
  });
  // Phones and internet sell devices and fees now and then.
  if (isPhone || item.category === 'internet') {
    for (let count = random.int(0, 2); count > 0; count--) extra(user, random.int(user.start, user.today), -cents(random.logNormal(90, 0.8)), item.merchant, item.category);
  }
}

/** A phone bill: the plan plus taxes and fees that move by a percent or two. */
function taxed(random: Random, base: number): (index: number, day: number) => number {
  return () => Math.round(base * (1 + 0.02 * (random.next() - 0.5)));
}

/** Weekly and biweekly services: a meal kit (weeks skipped now and then), house cleaning, a payout. */
function shortCadences(user: User): void {
  const { random } = user;
  if (random.chance(0.3)) {
    const begin = onWeekday(streamStart(user, 0.4), random.int(1, 5));
    addStream(user, {
      merchant: random.pick(['HelloFresh', 'Blue Apron', 'Factor']),
      currency: user.currency,
      direction: 'outflow',
      kind: 'subscription',
      category: 'groceries',
      timing: { kind: 'days', step: 7, first: begin },
      shift: 'none',
      lag: random.chance(0.5) ? 1 : 0,
      amount: fixedPrice(random, cents(random.pick([59.94, 69.93, 79.92])), begin, user.today, 0.3),
      variable: false,
      stopDay: streamStop(user, begin, 0.4),
      skipChance: 0.06,
    });
  }
  if (random.chance(0.25)) {
    const begin = onWeekday(streamStart(user, 0.5), random.int(1, 5));
    addStream(user, {
      merchant: random.pick(['Merry Maids', 'Molly Maid', 'TruGreen']),
      currency: user.currency,
      direction: 'outflow',
      kind: 'subscription',
      category: 'home',
      timing: { kind: 'days', step: 14, first: begin },
      shift: 'none',
      lag: random.chance(0.4) ? 2 : 0,
      amount: fixedPrice(random, cents(random.int(90, 180)), begin, user.today, 0.3),
      variable: false,
      stopDay: streamStop(user, begin, 0.3),
      skipChance: 0.03,
    });
  }
  if (random.chance(0.12)) {
    const begin = onWeekday(streamStart(user, 0.5), 1);
    addStream(user, {
      merchant: random.pick(['DoorDash', 'Uber Driver', 'Instacart Shopper']),
      currency: user.currency,
      direction: 'inflow',
      kind: 'payout',
      category: 'income',
      timing: { kind: 'days', step: 7, first: begin },
      shift: 'next',
      lag: 0,
      amount: () => Math.round(cents(random.int(180, 420)) * (0.8 + 0.4 * random.next())),
      variable: true,
      stopDay: streamStop(user, begin, 0.3),
      skipChance: 0.05,
    });
  }
}

/** Purchases at a merchant on random days: `perWeek` on average (several a day at the busiest), amounts from `amount`. */
function purchases(user: User, merchant: string, category: string, perWeek: number, amount: () => number, from = user.start, to = user.today): void {
  const { random } = user;
  const limit = Math.exp(-perWeek / 7);
  for (let day = from; day <= to; day++) {
    // Poisson (Knuth) per day.
    for (let product = random.next(); product > limit; product *= random.next()) extra(user, day, -amount(), merchant, category);
  }
}

/** Visits every `min`–`max` days (fuel, a haircut): regular-ish, never on a calendar. */
function visits(user: User, merchant: string, category: string, min: number, max: number, amount: () => number): void {
  for (let day = user.start + user.random.int(0, max); day <= user.today; day += user.random.int(min, max)) extra(user, day, -amount(), merchant, category);
}

const logNormalCents = (random: Random, median: number, spread: number) => () => Math.max(50, cents(random.logNormal(median, spread)));

/** Everyday spending at the same merchants: what must not look recurring. */
function everyday(user: User): void {
  const { random } = user;
  for (const store of random.sample(['Whole Foods', "Trader Joe's", 'Kroger', 'Safeway', 'Aldi', 'Publix'], random.int(1, 3))) {
    purchases(user, store, 'groceries', 0.7 + 3 * random.next(), logNormalCents(random, random.int(25, 90), 0.55));
  }
  if (random.chance(0.6)) {
    const menu = [4.45, 5.25, 6.1, 3.75].map(cents);
    purchases(user, random.pick(['Starbucks', "Dunkin'", 'Blue Bottle Coffee', 'Peet\'s Coffee']), 'coffee', random.int(2, 6), () =>
      random.chance(0.8) ? random.pick(menu) : cents(3 + 10 * random.next()),
    );
  }
  if (random.chance(0.75)) visits(user, random.pick(['Shell', 'Chevron', 'ExxonMobil', 'BP']), 'fuel', 5, 12, logNormalCents(random, 45, 0.25));
  if (random.chance(0.4)) {
    const haircut = cents(random.pick([25, 30, 35, 45]));
    visits(user, random.pick(['Great Clips', 'Supercuts', 'Main Street Barbers']), 'personal care', 28, 42, () => haircut);
  }
  for (const place of random.sample(['Chipotle', 'Olive Garden', 'Panera Bread', "McDonald's", 'Sweetgreen', 'Shake Shack', 'Local Thai Kitchen'], random.int(2, 6))) {
    purchases(user, place, 'restaurants', 0.1 + 0.6 * random.next(), logNormalCents(random, random.int(12, 60), 0.45));
  }
  for (const shop of random.sample(['Target', 'Walmart', 'CVS Pharmacy', 'Walgreens', 'Uber', 'Lyft'], random.int(1, 4))) {
    purchases(user, shop, 'shopping', 0.2 + 1.2 * random.next(), logNormalCents(random, random.int(10, 60), 0.7));
  }
  // Two purchases a year apart at a store (a yearly visit is no subscription).
  for (const store of random.sample(['Best Buy', 'IKEA', 'REI', 'Home Depot', 'Apple Store'], random.int(0, 2))) {
    const first = random.int(user.start, Math.max(user.start, user.today - 385));
    extra(user, first, -cents(random.logNormal(220, 0.7)), store, 'shopping');
    extra(user, first + 365 + random.int(-20, 20), -cents(random.logNormal(220, 0.7)), store, 'shopping');
  }
  // A return: a purchase and its refund.
  if (random.chance(0.5)) {
    const day = random.int(user.start, user.today - 30);
    const amount = cents(random.logNormal(80, 0.6));
    extra(user, day, -amount, 'Nordstrom', 'shopping');
    extra(user, day + random.int(5, 25), amount, 'Nordstrom', 'shopping');
  }
  // Cash and unnamed lines carry no merchant key: ignored by the model.
  for (let day = user.start + random.int(0, 30); day <= user.today; day += 30) extra(user, day, -cents(200), null, null);
}

/**
 * Merchants that bill a membership and sell things too: Amazon (Prime monthly or yearly and
 * shopping with refunds), Costco (a yearly membership and warehouse trips), Apple (iCloud and
 * App Store purchases), Planet Fitness (monthly dues and a yearly fee).
 */
function mixedMerchants(user: User): void {
  const { random } = user;
  if (random.chance(0.75)) {
    const prime = random.chance(0.6);
    if (prime) membership(user, 'Amazon', 'shopping', random.chance(0.5) ? { monthly: 14.99 } : { yearly: 139 });
    const amazon = logNormalCents(random, 30, 0.9);
    for (let day = user.start; day <= user.today; day++) {
      if (!random.chance((1 + 6 * random.next()) / 30)) continue;
      const amount = amazon();
      extra(user, day, -amount, 'Amazon', 'shopping');
      if (random.chance(0.08)) extra(user, day + random.int(3, 20), amount, 'Amazon', 'shopping');
    }
  }
  if (random.chance(0.35)) {
    membership(user, 'Costco', 'groceries', { yearly: random.pick([65, 130]) });
    purchases(user, 'Costco', 'groceries', 0.3 + 0.6 * random.next(), logNormalCents(random, 160, 0.5));
  }
  if (random.chance(0.5)) {
    membership(user, 'Apple', 'software', { monthly: random.pick([0.99, 2.99, 9.99]) });
    const prices = [0.99, 1.99, 4.99, 6.99, 9.99, 14.99, 19.99].map(cents);
    purchases(user, 'Apple', 'software', 0.1 + 0.4 * random.next(), () => random.pick(prices));
  }
  if (random.chance(0.2)) {
    membership(user, 'Planet Fitness', 'fitness', { monthly: random.pick([15, 24.99]) });
    membership(user, 'Planet Fitness', 'fitness', { yearly: 49 });
  }
}

function membership(user: User, merchant: string, category: string, plan: { monthly?: number; yearly?: number }): void {
  const begin = streamStart(user, 0.6);
  addStream(user, {
    merchant,
    currency: user.currency,
    direction: 'outflow',
    kind: 'membership',
    category,
    timing: plan.yearly !== undefined ? everyMonths(begin, 12) : monthly(begin),
    shift: 'none',
    lag: 0,
    amount: fixedPrice(user.random, cents(plan.yearly ?? plan.monthly ?? 10), begin, user.today, 0.3),
    variable: false,
    stopDay: streamStop(user, begin, 0.15),
    skipChance: 0,
  });
}

/** A refund of one subscription charge: an inflow at the merchant, never a stream of its own. */
function refundOne(user: User): void {
  const charges = user.drafts.filter((draft) => draft.stream !== null && draft.amount < 0);
  if (charges.length === 0) return;
  const charge = user.random.pick(charges);
  extra(user, charge.date + user.random.int(1, 6), -charge.amount, charge.merchant, charge.category);
}

/** Share of users with a bill of each kind, in the order of `bills`. */
const billChances = [0.85, 0.8, 0.4, 0.8, 0.85, 0.5, 0.35, 0.6, 0.5, 0.25, 0.35, 0.25];

function salaries(user: User): void {
  const { random } = user;
  const [first, second] = random.sample(employers, 2) as [string, string];
  if (!random.chance(0.15)) return salary(user, first, streamStart(user, 0.85), null);
  // A change of job: the old pay ends, the new one starts a few weeks later.
  const change = random.int(user.start + 120, user.today - 90);
  salary(user, first, user.start - random.int(30, 600), change);
  salary(user, second, change + random.int(14, 40), null);
}

function userLedger(random: Random, userId: string): RecurringLedger {
  const today = dayNumber('2025-03-01') + random.int(0, 600);
  const currency = random.weighted(['USD', 'EUR', 'GBP'], (code) => (code === 'USD' ? 8 : 1));
  const user: User = { random, currency, start: today - random.int(365, 1095), today, drafts: [], streams: [] };
  salaries(user);
  shortCadences(user);
  for (const item of random.sample(subscriptions, random.int(3, 8))) subscription(user, item);
  bills.forEach((providers, index) => {
    if (random.chance(billChances[index] ?? 0.5)) bill(user, random.pick(providers));
  });
  mixedMerchants(user);
  everyday(user);
  if (random.chance(0.4)) refundOne(user);
  // Some users also pay in a second currency: the same brands there are other streams.
  if (random.chance(0.15)) {
    const abroad: User = { ...user, currency: currency === 'EUR' ? 'GBP' : 'EUR' };
    for (const item of random.sample(subscriptions, random.int(1, 3))) subscription(abroad, item);
    purchases(abroad, 'Carrefour', 'groceries', 1.5, logNormalCents(random, 40, 0.5));
  }
  return ledgerOf(user, userId);
}

/** Ids in (date, draw) order, so entries come sorted by date then id as the model expects. */
function ledgerOf(user: User, userId: string): RecurringLedger {
  const { random } = user;
  const drafts = user.drafts.map((draft) => ({ draft, tie: random.next() })).sort((a, b) => a.draft.date - b.draft.date || a.tie - b.tie);
  const streamIds = user.streams.map((): string[] => []);
  const entries: LedgerEntry[] = drafts.map(({ draft }, index) => {
    const id = `${userId}-${String(index).padStart(6, '0')}`;
    if (draft.stream !== null) streamIds[draft.stream]?.push(id);
    const noisy = random.chance(0.03);
    return {
      id,
      date: dateOfDayNumber(draft.date),
      amount: draft.amount,
      currency: draft.currency,
      merchant: draft.merchant,
      merchantKey: draft.merchant === null ? null : slugOf(draft.merchant),
      categoryId: noisy ? null : draft.category === null ? null : `cat-${slugOf(draft.category)}`,
      categoryKind: noisy || draft.category === null ? null : draft.amount > 0 ? 'income' : 'expense',
    };
  });
  const streams = user.streams.map((stream, index) => ({ ...stream, entryIds: streamIds[index] ?? [] })).filter((stream) => stream.entryIds.length > 0);
  return { userId, today: dateOfDayNumber(user.today), entries, streams };
}

export function generateRecurringLedgers(seed: number, users = 120): RecurringLedger[] {
  const random = new Random(seed);
  return Array.from({ length: users }, (_, index) => userLedger(random.fork(), `u${seed}-${String(index).padStart(3, '0')}`));
}

/**
 * One heavy user for timing: three years, about `entries` lines over about `merchants`
 * merchants (a few dozen streams, the rest purchases at Zipf-distributed rates).
 */
export function heavyLedger(seed: number, entries = 100_000, merchants = 600): RecurringLedger {
  const random = new Random(seed);
  const today = dayNumber('2026-06-30');
  const user: User = { random, currency: 'USD', start: today - 1095, today, drafts: [], streams: [] };
  salaries(user);
  shortCadences(user);
  for (const item of subscriptions) subscription(user, item);
  bills.forEach((providers) => bill(user, random.pick(providers)));
  mixedMerchants(user);
  const shops = merchants - new Set(user.drafts.map((draft) => draft.merchant)).size;
  const weights = Array.from({ length: shops }, (_, rank) => 1 / (rank + 1) ** 0.8);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const perWeek = ((entries - user.drafts.length) / 1095) * 7;
  weights.forEach((weight, rank) => purchases(user, `Shop ${rank + 1}`, 'shopping', (perWeek * weight) / total, logNormalCents(random, 10 + (rank % 90), 0.7)));
  return ledgerOf(user, `heavy${seed}`);
}
