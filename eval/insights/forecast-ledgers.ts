/**
 * Monthly spending series for the forecast evaluation: each one the sum, per month, of the
 * transactions a generated household makes in one category. The series carry what makes real
 * spending hard to forecast: annual bills, winter heating, holiday peaks, moving house (a level
 * shift), months with nothing linked (zeros), rare large lumps and refunds that can make a month
 * negative. Recurring charges are also kept apart, per stream, so the evaluation can hand the
 * model what a recurring-bill detector would know.
 */
import { Random } from '../random.ts';

/**
 * One recurring charge (a bill, a subscription): its amount in each month, 0 where it did not
 * charge. `stable`: the same amount each time (bar a yearly increase), unlike an energy bill.
 */
export type RecurringStream = { name: string; cadenceMonths: number; charges: number[]; stable: boolean };

export type SpendingSeries = {
  id: string;
  category: string;
  /** Calendar month (0 = January) of the first value. */
  firstCalendarMonth: number;
  /** Net spending per month, minor units, oldest first; refunds may make a month negative. */
  monthly: number[];
  /** The recurring streams inside `monthly` (their charges are already part of it). */
  recurring: RecurringStream[];
  /** What the household did that the model has to cope with, for reading the figures. */
  traits: string[];
};

/** What every category generator sees of its household. */
type Household = {
  random: Random;
  months: number;
  firstCalendarMonth: number;
  /** Spending multiplier per month: changes when the household moves. */
  scale: number[];
  /** Months nothing was linked or spent (away, card not yet connected): everything is 0. */
  blank: boolean[];
  traits: string[];
};

type Transaction = { month: number; amount: number };
type CategoryDraft = { transactions: Transaction[]; recurring: RecurringStream[]; traits: string[] };

const cents = (major: number) => Math.round(major * 100);
const calendarMonth = (household: Household, month: number) => (household.firstCalendarMonth + month) % 12;

/** Poisson draw (Knuth), for counts of purchases in a month. */
function poisson(random: Random, mean: number): number {
  const limit = Math.exp(-mean);
  let count = 0;
  for (let product = random.next(); product > limit; product *= random.next()) count++;
  return count;
}

/** Purchases: `count(month)` of them at log-normal amounts around `median(month)` major units. */
function purchases(household: Household, count: (month: number) => number, median: (month: number) => number, spread: number): Transaction[] {
  const { random } = household;
  const transactions: Transaction[] = [];
  for (let month = 0; month < household.months; month++) {
    const n = count(month);
    for (let i = 0; i < n; i++) transactions.push({ month, amount: cents(random.logNormal(median(month) * (household.scale[month] ?? 1), spread)) });
  }
  return transactions;
}

/** A charge every `cadence` months from `start` (until `stop`), amounts drifting up by `yearlyIncrease`. */
function recurringStream(
  household: Household,
  name: string,
  options: { cadence: number; start: number; stop?: number; amount: number; yearlyIncrease: number; variation?: (month: number) => number },
): RecurringStream {
  const charges = Array.from({ length: household.months }, () => 0);
  const stop = Math.min(options.stop ?? household.months, household.months);
  for (let month = options.start; month < stop; month += options.cadence) {
    const years = Math.floor((month - options.start) / 12);
    const variation = options.variation ? options.variation(month) : 1;
    charges[month] = cents(options.amount * (1 + options.yearlyIncrease) ** years * variation);
  }
  return { name, cadenceMonths: options.cadence, charges, stable: options.variation === undefined };
}

const streamTransactions = (stream: RecurringStream): Transaction[] =>
  stream.charges.flatMap((amount, month) => (amount === 0 ? [] : [{ month, amount }]));

function groceries(household: Household): CategoryDraft {
  const { random } = household;
  const median = random.int(35, 90);
  const trips = random.int(4, 10);
  const inflation = 1 + random.int(0, 6) / 100;
  const transactions = purchases(
    household,
    () => poisson(random, trips),
    (month) => median * inflation ** (month / 12) * (calendarMonth(household, month) === 11 ? 1.25 : 1),
    0.45,
  );
  return { transactions, recurring: [], traits: [] };
}

function restaurants(household: Household): CategoryDraft {
  const { random } = household;
  const rate = random.int(2, 10);
  const median = random.int(20, 45);
  const summer = (month: number) => [5, 6, 7].includes(calendarMonth(household, month));
  const transactions = purchases(household, (month) => poisson(random, rate * (summer(month) ? 1.3 : 1)), () => median, 0.6);
  // A celebration now and then: a lump the model should not chase.
  for (let month = 0; month < household.months; month++) {
    if (random.chance(0.06)) transactions.push({ month, amount: cents(random.logNormal(220, 0.4)) });
  }
  return { transactions, recurring: [], traits: [] };
}

/** Heating in winter: a monthly bill peaking in January (some providers bill every two months). */
function utilities(household: Household): CategoryDraft {
  const { random } = household;
  const base = random.int(50, 140);
  const winter = 0.25 + random.next() * 0.45;
  const cadence = random.chance(0.2) ? 2 : 1;
  const variation = (month: number) =>
    cadence * (household.scale[month] ?? 1) * (1 + winter * Math.cos((2 * Math.PI * calendarMonth(household, month)) / 12)) * random.logNormal(1, 0.08);
  const energy = recurringStream(household, 'energy', { cadence, start: random.int(0, cadence - 1), amount: base, yearlyIncrease: 0.04, variation });
  const recurring = [energy];
  if (random.chance(0.5)) recurring.push(recurringStream(household, 'water', { cadence: 3, start: random.int(0, 2), amount: random.int(40, 90), yearlyIncrease: 0.03 }));
  return { transactions: recurring.flatMap(streamTransactions), recurring, traits: cadence === 2 ? ['billed every two months'] : [] };
}

/** An annual car insurance bill, maybe a monthly policy, and sometimes a switch of insurer that moves the bill's month. */
function insurance(household: Household): CategoryDraft {
  const { random } = household;
  const traits: string[] = ['annual bill'];
  const annualStart = random.int(0, 11);
  const annual = random.int(450, 1600);
  const switchAt = random.chance(0.25) ? random.int(14, Math.max(15, household.months - 4)) : household.months;
  const recurring = [recurringStream(household, 'car insurance', { cadence: 12, start: annualStart, stop: switchAt, amount: annual, yearlyIncrease: 0.06 })];
  if (switchAt < household.months) {
    traits.push('switched insurer (annual bill moved)');
    recurring.push(recurringStream(household, 'new car insurance', { cadence: 12, start: switchAt, amount: annual * 0.85, yearlyIncrease: 0.05 }));
  }
  if (random.chance(0.6)) recurring.push(recurringStream(household, 'renters insurance', { cadence: 1, start: 0, amount: random.int(12, 45), yearlyIncrease: 0.05 }));
  if (random.chance(0.3)) recurring.push(recurringStream(household, 'home insurance', { cadence: 6, start: random.int(0, 5), amount: random.int(150, 400), yearlyIncrease: 0.04 }));
  return { transactions: recurring.flatMap(streamTransactions), recurring, traits };
}

/** Holiday peaks, back to school, the odd large purchase, and returns (refunds) that can outweigh a quiet month. */
function shopping(household: Household): CategoryDraft {
  const { random } = household;
  const rate = 1 + random.next() * 5;
  const median = random.int(25, 70);
  const peak: Record<number, number> = { 10: 1.6, 11: 2.4, 7: 1.3 };
  const transactions = purchases(household, (month) => poisson(random, rate * (peak[calendarMonth(household, month)] ?? 1)), () => median, 0.85);
  for (let month = 0; month < household.months; month++) {
    if (random.chance(0.05)) transactions.push({ month, amount: cents(random.logNormal(700, 0.5)) });
    if (random.chance(0.08)) transactions.push({ month, amount: -cents(random.logNormal(120, 0.7)) });
  }
  return { transactions, recurring: [], traits: ['holiday peak', 'refunds'] };
}

/** One to three trips a year, more likely in summer: most months are 0. */
function travel(household: Household): CategoryDraft {
  const { random } = household;
  const tripsPerYear = 1 + random.next() * 2;
  const transactions: Transaction[] = [];
  for (let month = 0; month < household.months; month++) {
    const summer = [5, 6, 7].includes(calendarMonth(household, month));
    if (random.chance((tripsPerYear / 12) * (summer ? 2 : 0.6))) transactions.push({ month, amount: cents(random.logNormal(900, 0.7)) });
  }
  return { transactions, recurring: [], traits: ['mostly empty months'] };
}

/** Monthly subscriptions that start, stop and get dearer, and an annual one. */
function subscriptions(household: Household): CategoryDraft {
  const { random } = household;
  const recurring: RecurringStream[] = [];
  const count = random.int(2, 5);
  for (let i = 0; i < count; i++) {
    const start = random.chance(0.6) ? 0 : random.int(1, household.months - 3);
    const stop = random.chance(0.3) ? random.int(Math.min(start + 3, household.months), household.months) : household.months;
    recurring.push(recurringStream(household, `monthly ${i + 1}`, { cadence: 1, start, stop, amount: random.int(5, 20) - 0.01, yearlyIncrease: random.chance(0.4) ? 0.15 : 0 }));
  }
  if (random.chance(0.7)) recurring.push(recurringStream(household, 'annual plan', { cadence: 12, start: random.int(0, 11), amount: random.int(60, 150), yearlyIncrease: 0.05 }));
  return { transactions: recurring.flatMap(streamTransactions), recurring, traits: ['subscriptions starting and stopping'] };
}

/** Home repairs and the like: rare, large, irregular lumps over a trickle of small purchases. */
function home(household: Household): CategoryDraft {
  const { random } = household;
  const transactions = purchases(household, () => poisson(random, 1.2), () => 30, 0.7);
  for (let month = 0; month < household.months; month++) {
    if (random.chance(0.12)) transactions.push({ month, amount: cents(random.logNormal(600, 0.9)) });
  }
  return { transactions, recurring: [], traits: ['irregular lumps'] };
}

/** Doctor and pharmacy, heavier early in the year (deductibles reset in January). */
function health(household: Household): CategoryDraft {
  const { random } = household;
  const rate = 0.5 + random.next() * 2.5;
  const median = random.int(20, 90);
  const transactions = purchases(household, (month) => poisson(random, rate * (calendarMonth(household, month) < 3 ? 1.8 : 1)), () => median, 0.8);
  return { transactions, recurring: [], traits: [] };
}

const categories = { groceries, restaurants, utilities, insurance, shopping, travel, subscriptions, home, health } as const;
type Category = keyof typeof categories;
const alwaysKept: Category[] = ['groceries', 'restaurants', 'utilities', 'insurance', 'shopping'];
const sometimesKept: Category[] = ['travel', 'subscriptions', 'home', 'health'];

function randomHousehold(random: Random, months: number): Household {
  const traits: string[] = [];
  const scale = Array.from({ length: months }, () => 1);
  if (months > 12 && random.chance(0.35)) {
    const movedAt = random.int(6, months - 3);
    const factor = random.pick([0.65, 0.8, 1.3, 1.6]);
    for (let month = movedAt; month < months; month++) scale[month] = factor;
    traits.push(`moved house (×${factor})`);
  }
  const blank = Array.from({ length: months }, () => false);
  if (random.chance(0.3)) {
    const from = random.int(0, months - 3);
    const length = random.int(1, 3);
    for (let month = from; month < Math.min(months, from + length); month++) blank[month] = true;
    traits.push('months with nothing linked');
  }
  return { random, months, firstCalendarMonth: random.int(0, 11), scale, blank, traits };
}

/** A category's transactions summed per month, with the blank months emptied (recurring charges included). */
function seriesOf(household: Household, id: string, category: Category, draft: CategoryDraft): SpendingSeries {
  const monthly = Array.from({ length: household.months }, () => 0);
  for (const { month, amount } of draft.transactions) if (!household.blank[month]) monthly[month] = (monthly[month] ?? 0) + amount;
  const recurring = draft.recurring.map((stream) => ({ ...stream, charges: stream.charges.map((amount, month) => (household.blank[month] ? 0 : amount)) }));
  return { id, category, firstCalendarMonth: household.firstCalendarMonth, monthly, recurring, traits: [...household.traits, ...draft.traits] };
}

/** `idPrefix` starts every series id ("h3-groceries"): the household's, so totals can be summed per household. */
export type SeriesOptions = { seed: number; households: number; months: { min: number; max: number }; idPrefix?: string };

/** Every household's categories as monthly series: five always, two to four of the others. */
export function generateSpendingSeries(options: SeriesOptions): SpendingSeries[] {
  const random = new Random(options.seed);
  const series: SpendingSeries[] = [];
  for (let index = 0; index < options.households; index++) {
    const householdRandom = random.fork();
    const months = householdRandom.int(options.months.min, options.months.max);
    const household = randomHousehold(householdRandom, months);
    const kept = [...alwaysKept, ...householdRandom.sample(sometimesKept, householdRandom.int(2, 4))];
    for (const category of kept) {
      const draft = categories[category]({ ...household, random: householdRandom.fork() });
      series.push(seriesOf(household, `${options.idPrefix ?? 'h'}${index + 1}-${category}`, category, draft));
    }
  }
  return series;
}

/**
 * What a recurring-bill detector would hand the forecast at `origin` for the streams it has seen
 * charge at least twice (the stable ones only, or all of them, energy bills included): their
 * charges in each month so far, and their last amount in each month they are due next (a stream
 * more than a month late counts as ended). It cannot know of a price rise, a cancellation or an
 * insurer switch before it happens.
 */
export function knownRecurringAt(series: SpendingSeries, origin: number, horizon: number, streams: 'stable' | 'all' = 'stable'): { past: number[]; upcoming: number[] } {
  const past = Array.from({ length: origin }, () => 0);
  const upcoming = Array.from({ length: horizon }, () => 0);
  for (const stream of series.recurring) {
    const charged = stream.charges.slice(0, origin).flatMap((amount, month) => (amount === 0 ? [] : [month]));
    const last = charged[charged.length - 1];
    if ((streams === 'stable' && !stream.stable) || last === undefined || charged.length < 2) continue;
    for (const month of charged) past[month] = (past[month] ?? 0) + (stream.charges[month] ?? 0);
    if (origin - last > stream.cadenceMonths + 1) continue;
    for (let month = Math.max(origin, last + stream.cadenceMonths); month < origin + horizon; month += stream.cadenceMonths) {
      upcoming[month - origin] = (upcoming[month - origin] ?? 0) + (stream.charges[last] ?? 0);
    }
  }
  return { past, upcoming };
}

/** Each household's spending over all its categories: the "all spending" series the API forecasts too. */
export function householdTotals(series: readonly SpendingSeries[]): SpendingSeries[] {
  const totals = new Map<string, SpendingSeries>();
  for (const one of series) {
    const household = one.id.slice(0, one.id.indexOf('-'));
    const total = totals.get(household) ?? { ...one, id: `${household}-total`, category: 'total', monthly: one.monthly.map(() => 0), recurring: [], traits: [] };
    one.monthly.forEach((amount, month) => (total.monthly[month] = (total.monthly[month] ?? 0) + amount));
    total.traits = [...new Set([...total.traits, ...one.traits])];
    totals.set(household, total);
  }
  return [...totals.values()];
}
