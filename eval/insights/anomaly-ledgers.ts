// Generated ledgers for the anomaly evaluation: a year or two of everyday spending per user, with
// labelled anomalies injected and hard negatives (unusual but legitimate) tagged, plus one heavy
// ledger for timing. Seeded: the same seed gives the same ledgers everywhere.
import { addDays, addMonths } from '../../src/calendar.ts';
import type { AnomalyKind, LedgerEntry } from '../../src/features/insights/types.ts';
import { currencyExponents } from '../../src/money/currencies.ts';
import { Random } from '../random.ts';

/** Unusual but legitimate: none of these may be flagged. */
export type HardNegative =
  | 'big_ticket'
  | 'holiday'
  | 'new_subscription'
  | 'refund'
  | 'charged_again_after_refund'
  | 'double_coffee'
  | 'yearly_bill'
  | 'new_transit'
  | 'repeat_order';

export type LabelledLedger = {
  userId: string;
  currency: string;
  exponent: number;
  /** Length of the history in years. */
  years: number;
  entries: LedgerEntry[];
  anomalies: Map<string, AnomalyKind>;
  hardNegatives: Map<string, HardNegative>;
};

type Currency = { code: keyof typeof currencyExponents; perUsd: number; weight: number };
const currencies: readonly Currency[] = [
  { code: 'USD', perUsd: 1, weight: 0.6 },
  { code: 'EUR', perUsd: 0.92, weight: 0.2 },
  { code: 'GBP', perUsd: 0.79, weight: 0.1 },
  { code: 'JPY', perUsd: 150, weight: 0.1 },
];

/** A place the user keeps going back to. `median` in US dollars; `menu`: fixed prices (a café). */
type Shop = {
  name: string;
  categoryId: string;
  rate: number;
  median: number;
  spread: number;
  menu?: readonly number[];
  /** Busier and dearer from Nov 20 to Dec 31. */
  seasonal: boolean;
  refunds: boolean;
  /** Where an injected spike may land. */
  spikes: boolean;
  /** The dish or item ordered on half the visits (a lunch spot), US dollars. */
  usualOrder?: number;
};

/** `usd`: signed, in US dollars (converted); `minor`: signed, in the user's minor units, as is. */
type Booking = {
  date: string;
  usd?: number;
  minor?: number;
  merchant: string | null;
  categoryId: string | null;
  kind?: LedgerEntry['categoryKind'];
  id?: string;
};

/** A user's ledger while it is written. */
type Builder = {
  userId: string;
  random: Random;
  start: string;
  days: number;
  end: string;
  currency: Currency;
  exponent: number;
  entries: LedgerEntry[];
  anomalies: Map<string, AnomalyKind>;
  hardNegatives: Map<string, HardNegative>;
  shops: Shop[];
  usedNames: Set<string>;
  sequence: number;
};

const keyOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');

function book(builder: Builder, booking: Booking): LedgerEntry {
  const { currency, exponent } = builder;
  const usd = booking.usd ?? 0;
  const amount = booking.minor ?? Math.sign(usd) * Math.max(1, Math.round(Math.abs(usd) * currency.perUsd * 10 ** exponent));
  const entry: LedgerEntry = {
    id: booking.id ?? `${builder.userId}-${String(builder.sequence++).padStart(6, '0')}`,
    date: booking.date,
    amount,
    currency: currency.code,
    merchant: booking.merchant,
    merchantKey: booking.merchant === null ? null : keyOf(booking.merchant),
    categoryId: booking.categoryId,
    categoryKind: booking.kind === undefined ? (booking.categoryId === null ? null : 'expense') : booking.kind,
  };
  builder.entries.push(entry);
  return entry;
}

/** Knuth's method; rates here stay small. */
function poisson(random: Random, rate: number): number {
  const limit = Math.exp(-rate);
  let count = 0;
  for (let product = random.next(); product > limit; product *= random.next()) count++;
  return count;
}

const logUniform = (random: Random, low: number, high: number) => low * Math.exp(random.next() * Math.log(high / low));

function uniqueName(builder: Builder, make: () => string): string {
  for (let attempt = 0; ; attempt++) {
    const name = attempt < 20 ? make() : `${make()} ${attempt}`;
    if (!builder.usedNames.has(keyOf(name))) {
      builder.usedNames.add(keyOf(name));
      return name;
    }
  }
}

const restaurantWords = [
  ['Golden', 'Blue', 'Red', 'Little', 'Old Town', 'Happy', 'Silver', 'Green', 'Royal', 'Lucky', 'Urban', 'Rustic', 'Harbor', 'Olive', 'Saffron', 'Copper', 'Maple', 'Velvet'],
  ['Fork', 'Spoon', 'Kitchen', 'Bistro', 'Grill', 'Table', 'Tavern', 'Diner', 'Noodle House', 'Taqueria', 'Trattoria', 'Curry House', 'Sushi Bar', 'Pizzeria', 'Burger Joint', 'Cantina'],
] as const;
const shopWords = [
  ['Oak', 'Bright', 'Nova', 'Pine', 'Atlas', 'Cedar', 'Summit', 'Metro', 'Coastal', 'Ember', 'Willow', 'Pioneer', 'Juniper', 'Harvest'],
  ['Books', 'Outfitters', 'Home Goods', 'Gifts', 'Electronics', 'Boutique', 'Sports', 'Pet Supply', 'Hardware', 'Toys', 'Beauty', 'Shoes', 'Garden Center'],
] as const;
const twoWords = (random: Random, words: readonly [readonly string[], readonly string[]]) => `${random.pick(words[0])} ${random.pick(words[1])}`;

const isHolidaySeason = (date: string) => date.slice(5) >= '11-20';

/** The places a user shops at from the start: groceries, cafés, fuel, restaurants, delivery, stores. */
function regularShops(builder: Builder): Shop[] {
  const { random } = builder;
  const shop = (name: string, categoryId: string, fields: Partial<Shop> & Pick<Shop, 'rate' | 'median' | 'spread'>): Shop => ({
    name: uniqueName(builder, () => name),
    categoryId,
    seasonal: false,
    refunds: false,
    spikes: true,
    ...fields,
  });
  const shops: Shop[] = [];
  const grocers = random.sample(['Whole Foods', 'Safeway', "Trader Joe's", 'Kroger', 'Aldi', 'Lidl', 'Costco', 'Tesco', 'Carrefour', 'Publix'], random.int(2, 4));
  const groceryRate = 0.25 + random.next() * 0.3;
  for (const name of grocers) shops.push(shop(name, 'groceries', { rate: groceryRate / grocers.length, median: logUniform(random, 25, 110), spread: 0.35 + random.next() * 0.15 }));
  if (random.chance(0.75)) {
    const prices = random.sample([3.25, 3.75, 4.25, 4.5, 4.95, 5.25, 5.75, 6.5], random.int(3, 4));
    shops.push(shop(random.pick(['Starbucks', 'Blue Bottle', 'Corner Café', 'Pret A Manger', 'Costa Coffee', 'Bean There']), 'coffee', { rate: 0.3 + random.next() * 0.7, median: 4.5, spread: 0, menu: prices, spikes: false }));
  }
  if (random.chance(0.8)) {
    for (const name of random.sample(['Shell', 'Chevron', 'BP', 'Exxon', 'Esso', 'Texaco'], random.int(1, 2))) {
      shops.push(shop(name, 'fuel', { rate: 0.05 + random.next() * 0.08, median: logUniform(random, 35, 65), spread: 0.2 }));
    }
  }
  for (let i = random.int(4, 12); i > 0; i--) {
    const median = logUniform(random, 15, 70);
    const usualOrder = random.chance(0.3) ? Math.round(median * 100) / 100 : undefined;
    shops.push(shop(twoWords(random, restaurantWords), 'restaurants', { rate: 0.02 + random.next() * 0.08, median, spread: 0.3 + random.next() * 0.15, seasonal: true, ...(usualOrder === undefined ? {} : { usualOrder }) }));
  }
  for (const name of random.sample(['Uber Eats', 'DoorDash', 'Deliveroo', 'Just Eat'], random.int(0, 2))) {
    shops.push(shop(name, 'restaurants', { rate: 0.03 + random.next() * 0.2, median: logUniform(random, 22, 45), spread: 0.3 }));
  }
  shops.push(shop('Amazon', 'shopping', { rate: 0.1 + random.next() * 0.25, median: logUniform(random, 18, 40), spread: 0.9, seasonal: true, refunds: true, spikes: false }));
  for (const name of random.sample(['Target', 'Walmart', 'Boots', 'Marks & Spencer', 'H&M', 'Zara', 'CVS'], random.int(1, 3))) {
    shops.push(shop(name, 'shopping', { rate: 0.03 + random.next() * 0.09, median: logUniform(random, 25, 60), spread: 0.6, seasonal: true, refunds: true }));
  }
  return shops;
}

/** The big-ticket store a user sometimes spends a lot at, legitimately. */
function bigTicketShop(builder: Builder): Shop | null {
  const { random } = builder;
  if (!random.chance(0.7)) return null;
  const name = uniqueName(builder, () => random.pick(['Home Depot', 'IKEA', 'Best Buy', 'Apple Store', "Lowe's", 'Currys']));
  return { name, categoryId: 'home', rate: 0.02 + random.next() * 0.04, median: logUniform(random, 50, 150), spread: 0.8, seasonal: true, refunds: true, spikes: false };
}

function visitShops(builder: Builder, date: string): void {
  const { random } = builder;
  const holiday = isHolidaySeason(date);
  for (const shop of builder.shops) {
    const lift = holiday && shop.seasonal ? 1.8 : 1;
    const visits = poisson(random, shop.rate * lift);
    for (let visit = 0; visit < visits; visit++) {
      const usual = shop.usualOrder !== undefined && random.chance(0.5) ? shop.usualOrder : undefined;
      const usd = shop.menu ? random.pick(shop.menu) : (usual ?? random.logNormal(shop.median * (holiday && shop.seasonal ? 1.4 : 1), shop.spread));
      const entry = book(builder, { date, usd: -usd, merchant: shop.name, categoryId: random.chance(0.04) ? null : shop.categoryId });
      if (holiday && shop.seasonal) builder.hardNegatives.set(entry.id, 'holiday');
      if (shop.refunds && random.chance(0.04)) refund(builder, entry);
    }
  }
}

/** A return: money back some days later, or a charge reversed and made again at once. */
function refund(builder: Builder, charge: LedgerEntry): void {
  const { random } = builder;
  const again = random.chance(0.3);
  const refundDate = addDays(charge.date, again ? random.int(0, 1) : random.int(3, 20));
  if (refundDate > builder.end) return;
  const back = book(builder, { date: refundDate, minor: -charge.amount, merchant: charge.merchant, categoryId: charge.categoryId });
  builder.hardNegatives.set(back.id, 'refund');
  if (!again) return;
  const redo = book(builder, { date: refundDate, minor: charge.amount, merchant: charge.merchant, categoryId: charge.categoryId });
  builder.hardNegatives.set(redo.id, 'charged_again_after_refund');
}

/** New restaurants and shops tried now and then; some become regulars. */
function discover(builder: Builder, date: string): void {
  const { random } = builder;
  const holiday = isHolidaySeason(date);
  const tries: [number, string, readonly [readonly string[], readonly string[]], number, number][] = [
    [0.08, 'restaurants', restaurantWords, 32, 0.45],
    [holiday ? 0.1 : 0.035, 'shopping', shopWords, 40, 0.8],
  ];
  for (const [rate, categoryId, words, median, spread] of tries) {
    if (!random.chance(rate)) continue;
    const name = uniqueName(builder, () => twoWords(random, words));
    const entry = book(builder, { date, usd: -random.logNormal(median, spread), merchant: name, categoryId });
    if (holiday) builder.hardNegatives.set(entry.id, 'holiday');
    if (random.chance(0.3)) builder.shops.push({ name, categoryId, rate: 0.02 + random.next() * 0.03, median, spread: spread * 0.8, seasonal: true, refunds: false, spikes: true });
  }
}

/** Legitimate large purchases at the big-ticket store: 1–3 a year, 4–12 × its usual. */
function bigTicketPurchases(builder: Builder, shop: Shop): void {
  const { random } = builder;
  const count = poisson(random, (2 * builder.days) / 365);
  for (let i = 0; i < count; i++) {
    const date = addDays(builder.start, random.int(60, builder.days - 1));
    const entry = book(builder, { date, usd: -shop.median * (4 + random.next() * 8), merchant: shop.name, categoryId: shop.categoryId });
    builder.hardNegatives.set(entry.id, 'big_ticket');
  }
}

/** The day `dayOfMonth` (≤ 28) of every month inside the ledger, shifted by `jitter()` days. */
function monthlyDates(builder: Builder, dayOfMonth: number, everyMonths = 1, jitter = () => 0): string[] {
  const dates: string[] = [];
  for (let month = builder.start.slice(0, 7); month <= builder.end.slice(0, 7); month = addMonths(month, everyMonths)) {
    const date = addDays(`${month}-${String(dayOfMonth).padStart(2, '0')}`, jitter());
    if (date >= builder.start && date <= builder.end) dates.push(date);
  }
  return dates;
}

/** Pay in, rent and the variable bills: none of them candidates or anomalies, but part of the levels. */
function payAndBills(builder: Builder): void {
  const { random } = builder;
  const salary = logUniform(random, 2500, 7000);
  for (const date of monthlyDates(builder, 28)) book(builder, { date, usd: salary, merchant: 'Acme Corp Payroll', categoryId: 'salary', kind: 'income' });
  if (random.chance(0.8)) {
    const rent = logUniform(random, 900, 2500);
    for (const date of monthlyDates(builder, 1)) book(builder, { date, usd: -rent, merchant: 'Parkview Apartments', categoryId: 'housing' });
  }
  const power = logUniform(random, 50, 140);
  for (const date of monthlyDates(builder, random.int(5, 20), 1, () => random.int(-2, 2))) {
    const winter = 1 + 0.3 * Math.cos((2 * Math.PI * (Number(date.slice(5, 7)) - 1)) / 12);
    book(builder, { date, usd: -random.logNormal(power * winter, 0.08), merchant: 'City Power & Light', categoryId: 'utilities' });
  }
  const water = logUniform(random, 40, 80);
  for (const date of monthlyDates(builder, random.int(5, 20), 2)) book(builder, { date, usd: -random.logNormal(water, 0.15), merchant: 'Metro Water', categoryId: 'utilities' });
}

type Plan = { name: string; usd: number; categoryId: string; firstCharge?: HardNegative };
const subscriptionPlans: readonly Plan[] = [
  { name: 'Netflix', usd: 15.49, categoryId: 'subscriptions' },
  { name: 'Spotify', usd: 10.99, categoryId: 'subscriptions' },
  { name: 'Disney+', usd: 7.99, categoryId: 'subscriptions' },
  { name: 'Hulu', usd: 7.99, categoryId: 'subscriptions' },
  { name: 'HBO Max', usd: 15.99, categoryId: 'subscriptions' },
  { name: 'YouTube Premium', usd: 13.99, categoryId: 'subscriptions' },
  { name: 'iCloud', usd: 2.99, categoryId: 'subscriptions' },
  { name: 'Dropbox', usd: 11.99, categoryId: 'subscriptions' },
  { name: 'New York Times', usd: 17, categoryId: 'subscriptions' },
  { name: 'Audible', usd: 14.95, categoryId: 'subscriptions' },
  { name: 'Xbox Game Pass', usd: 16.99, categoryId: 'subscriptions' },
  { name: 'Duolingo', usd: 6.99, categoryId: 'subscriptions' },
  { name: 'ChatGPT Plus', usd: 20, categoryId: 'subscriptions' },
  { name: 'Planet Fitness', usd: 24.99, categoryId: 'fitness' },
  { name: 'Equinox', usd: 45, categoryId: 'fitness' },
  { name: 'Comcast Internet', usd: 69.99, categoryId: 'utilities' },
  { name: 'Verizon Wireless', usd: 55, categoryId: 'utilities' },
];

/** A new price for a plan: 6–50 % up, ending in .99 when the old one did. */
function raisedPrice(random: Random, usd: number): number {
  const raised = usd * (1.06 + random.next() * 0.44);
  return Number.isInteger(usd) ? Math.ceil(raised) : Math.ceil(raised) - 0.01;
}

/** A monthly plan, maybe started late, maybe ended early, maybe raised once (the first charge at the new price is labelled). */
function subscription(builder: Builder, plan: Plan, startsLate: boolean): void {
  const { random } = builder;
  const dates = monthlyDates(builder, random.int(1, 28));
  const from = startsLate ? random.int(3, Math.max(3, dates.length - 3)) : 0;
  const until = random.chance(0.1) ? random.int(from + 4, dates.length) : dates.length;
  const charges = dates.slice(from, until);
  const raiseAt = random.chance((0.2 * builder.days) / 365) ? random.int(4, Math.max(4, charges.length - 1)) : -1;
  const newPrice = raisedPrice(random, plan.usd);
  for (const [i, date] of charges.entries()) {
    const entry = book(builder, { date, usd: -(raiseAt >= 0 && i >= raiseAt ? newPrice : plan.usd), merchant: plan.name, categoryId: plan.categoryId });
    if (i === raiseAt) builder.anomalies.set(entry.id, 'price_increase');
    if (startsLate && i < 2) builder.hardNegatives.set(entry.id, 'new_subscription');
  }
}

function subscriptions(builder: Builder): void {
  const { random } = builder;
  const plans = random.sample(subscriptionPlans, random.int(3, 8));
  const late = random.int(1, 2);
  for (const [i, plan] of plans.entries()) subscription(builder, plan, i < late);
}

/** Insurance, memberships, registrations: once a year, each occurrence a hard negative. */
function yearlyBills(builder: Builder): void {
  const { random } = builder;
  const bills: [string, number, number, string][] = [
    ['State Farm Insurance', 400, 1400, 'insurance'],
    ['Amazon Prime', 139, 139, 'subscriptions'],
    ['DMV Registration', 150, 400, 'car'],
    ['Costco Membership', 65, 65, 'shopping'],
    ['Allstate Home Insurance', 600, 1800, 'insurance'],
  ];
  for (const [name, low, high, categoryId] of random.sample(bills, random.int(0, 2))) {
    const usd = logUniform(random, low, high);
    for (let date = addDays(builder.start, random.int(0, 364)); date <= builder.end; date = addDays(date, 365)) {
      const entry = book(builder, { date, usd: -usd * (1 + random.next() * 0.04), merchant: name, categoryId });
      builder.hardNegatives.set(entry.id, 'yearly_bill');
    }
  }
}

/** A trip somewhere new: transit fares (often identical) at a transit system never used before. */
function transitTrip(builder: Builder): void {
  const { random } = builder;
  const name = uniqueName(builder, () => random.pick(['MTA Subway', 'TfL Travel', 'BART', 'RATP Metro', 'BVG Berlin', 'Tokyo Metro']));
  const date = addDays(builder.start, random.int(30, builder.days - 3));
  const fare = 2.25 + random.int(0, 5) * 0.25;
  for (let i = random.int(3, 6); i > 0; i--) {
    const usd = random.chance(0.6) ? fare : 2.25 + random.int(0, 5) * 0.25;
    const entry = book(builder, { date: addDays(date, random.int(0, 1)), usd: -usd, merchant: name, categoryId: 'transport' });
    builder.hardNegatives.set(entry.id, 'new_transit');
  }
}

/** Copies of ordinary charges 0–2 days later (not at cafés or lunch spots, where repeats are a habit): 1.2 a year. */
function injectDuplicates(builder: Builder): void {
  const { random } = builder;
  const cafés = new Set(builder.shops.filter((shop) => shop.menu || shop.usualOrder !== undefined).map((shop) => keyOf(shop.name)));
  const from = addDays(builder.start, 30);
  const ordinary = builder.entries.filter(
    (e) => e.amount < 0 && e.merchantKey !== null && !cafés.has(e.merchantKey) && e.date >= from && !builder.hardNegatives.has(e.id) && !builder.anomalies.has(e.id),
  );
  for (const original of random.sample(ordinary, poisson(random, (1.2 * builder.days) / 365))) {
    const later = random.chance(0.5) ? 0 : random.chance(0.7) ? 1 : 2;
    const date = addDays(original.date, later) > builder.end ? original.date : addDays(original.date, later);
    const copy = book(builder, { date, minor: original.amount, merchant: original.merchant, categoryId: original.categoryId, id: `${original.id}-dup` });
    builder.anomalies.set(copy.id, 'duplicate');
  }
}

function chargesBefore(builder: Builder, merchant: string, date: string): number {
  return builder.entries.filter((entry) => entry.merchant === merchant && entry.amount < 0 && entry.date < date).length;
}

/** 3–10 × the usual at a merchant with at least 6 earlier charges: 1.5 a year. */
function injectSpikes(builder: Builder): void {
  const { random } = builder;
  for (let i = poisson(random, (1.5 * builder.days) / 365); i > 0; i--) {
    const date = addDays(builder.start, random.int(60, builder.days - 1));
    const eligible = builder.shops.filter((shop) => shop.spikes && chargesBefore(builder, shop.name, date) >= 6);
    if (eligible.length === 0) continue;
    const shop = random.pick(eligible);
    const usd = shop.median * logUniform(random, 3, 10);
    const entry = book(builder, { date, usd: -usd, merchant: shop.name, categoryId: shop.categoryId, id: `${builder.userId}-sp${i}` });
    builder.anomalies.set(entry.id, 'spike');
  }
}

/** $400–$3,000 at a merchant the user never used: 0.8 a year. */
function injectNewMerchants(builder: Builder): void {
  const { random } = builder;
  const names = ['Luxe Timepieces', 'GlobalJet Travel', 'Prime Jewelers', 'TechDirect Online', 'Elite Audio', 'Vertex Furniture', 'Skyline Resorts', 'Quantum Gadgets', 'Aurora Diamonds'];
  for (let i = poisson(random, (0.8 * builder.days) / 365); i > 0; i--) {
    const date = addDays(builder.start, random.int(60, builder.days - 1));
    const name = uniqueName(builder, () => random.pick(names));
    const entry = book(builder, { date, usd: -logUniform(random, 400, 3000), merchant: name, categoryId: 'shopping', id: `${builder.userId}-nm${i}` });
    builder.anomalies.set(entry.id, 'new_merchant');
  }
}

/** 3–6 charges of $0.50–$1.99 at 1–2 new merchants within 2 days, often followed by $150–$900: 0.3 a year. */
function injectCardTesting(builder: Builder): void {
  const { random } = builder;
  const testerName = () => `${random.pick(['WEBSVC*', 'DIGITAL GOODS ', 'ONLINE PMT ', 'SQ *SHOP'])}${random.int(1000, 9999)}`;
  for (let burst = poisson(random, (0.3 * builder.days) / 365); burst > 0; burst--) {
    const date = addDays(builder.start, random.int(30, builder.days - 4));
    const names = Array.from({ length: random.chance(0.7) ? 1 : 2 }, () => uniqueName(builder, testerName));
    const offsets = Array.from({ length: random.int(3, 6) }, () => random.int(0, 1)).sort((a, b) => a - b);
    const label = (entry: LedgerEntry) => builder.anomalies.set(entry.id, 'card_testing');
    for (const [k, offset] of offsets.entries()) {
      const id = `${builder.userId}-ct${burst}-${k}`;
      label(book(builder, { date: addDays(date, offset), usd: -random.int(50, 199) / 100, merchant: random.pick(names), categoryId: null, id }));
    }
    if (!random.chance(0.7)) continue;
    const merchant = random.chance(0.6) ? random.pick(names) : uniqueName(builder, testerName);
    const followUp = addDays(date, (offsets[offsets.length - 1] ?? 0) + random.int(0, 1));
    label(book(builder, { date: followUp, usd: -logUniform(random, 150, 900), merchant, categoryId: 'shopping', id: `${builder.userId}-ct${burst}-9` }));
  }
}

/** Purchases with no merchant known (a terminal's bare descriptor). */
function anonymousPurchases(builder: Builder): void {
  const { random } = builder;
  for (let day = 0; day < builder.days; day++) {
    if (random.chance(0.04)) book(builder, { date: addDays(builder.start, day), usd: -random.logNormal(25, 0.7), merchant: null, categoryId: null });
  }
}

const byDateThenId = (a: LedgerEntry, b: LedgerEntry) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Same amount at the same café or lunch spot within 2 days, by habit: hard negatives unless injected. */
function tagRepeats(builder: Builder): void {
  const habitual = new Map(builder.shops.filter((shop) => shop.menu || shop.usualOrder !== undefined).map((shop) => [keyOf(shop.name), shop.menu ? 'double_coffee' : 'repeat_order'] as const));
  const last = new Map<string, LedgerEntry[]>();
  for (const entry of builder.entries) {
    const tag = entry.merchantKey === null ? undefined : habitual.get(entry.merchantKey);
    if (tag === undefined || entry.amount >= 0 || entry.merchantKey === null) continue;
    const recent = (last.get(entry.merchantKey) ?? []).filter((earlier) => addDays(earlier.date, 2) >= entry.date);
    if (recent.some((earlier) => earlier.amount === entry.amount) && !builder.anomalies.has(entry.id)) builder.hardNegatives.set(entry.id, tag);
    last.set(entry.merchantKey, [...recent, entry]);
  }
}

function generateUser(random: Random, userId: string): LabelledLedger {
  const currency = random.weighted(currencies, (c) => c.weight);
  const days = random.int(365, 730);
  const start = addDays('2024-01-01', random.int(0, 200));
  const builder: Builder = {
    userId, random, start, days, end: addDays(start, days - 1), currency, exponent: currencyExponents[currency.code],
    entries: [], anomalies: new Map(), hardNegatives: new Map(), shops: [], usedNames: new Set(), sequence: 0,
  };
  builder.shops = regularShops(builder);
  const big = bigTicketShop(builder);
  if (big !== null) builder.shops.push(big);
  for (let day = 0; day < days; day++) {
    const date = addDays(start, day);
    visitShops(builder, date);
    discover(builder, date);
  }
  payAndBills(builder);
  subscriptions(builder);
  yearlyBills(builder);
  if (big !== null) bigTicketPurchases(builder, big);
  for (let trip = poisson(random, (0.25 * days) / 365); trip > 0; trip--) transitTrip(builder);
  anonymousPurchases(builder);
  injectDuplicates(builder);
  injectSpikes(builder);
  injectNewMerchants(builder);
  injectCardTesting(builder);
  builder.entries.sort(byDateThenId);
  tagRepeats(builder);
  const { entries, anomalies, hardNegatives, exponent } = builder;
  return { userId, currency: currency.code, exponent, years: days / 365, entries, anomalies, hardNegatives };
}

/** `users` ledgers of 1–2 years each. */
export function generateAnomalyLedgers(seed: number, users = 120): LabelledLedger[] {
  const random = new Random(seed);
  return Array.from({ length: users }, (_, i) => generateUser(random.fork(), `u${String(i + 1).padStart(3, '0')}`));
}

/**
 * A heavy user for timing: `size` entries over 3 years at `merchants` merchants (Zipf-weighted,
 * each with its own usual amount and spread), 40 of them monthly subscriptions.
 */
export function heavyLedger(seed: number, size = 100_000, merchants = 600): LedgerEntry[] {
  const random = new Random(seed);
  const days = 1096;
  const profiles = Array.from({ length: merchants }, (_, i) => ({
    key: `merchant-${i}`, median: logUniform(random, 300, 20_000), spread: 0.15 + random.next() * 0.65, categoryId: `category-${i % 24}`,
  }));
  const cumulative: number[] = [];
  profiles.reduce((sum, _, i) => (cumulative[i] = sum + 1 / (i + 1)), 0);
  const total = cumulative[cumulative.length - 1] ?? 1;
  const entries: LedgerEntry[] = [];
  const add = (date: string, amount: number, key: string, categoryId: string) =>
    entries.push({ id: `h-${String(entries.length).padStart(7, '0')}`, date, amount, currency: 'USD', merchant: key, merchantKey: key, categoryId, categoryKind: 'expense' });
  for (let day = 0; entries.length < size; day++) {
    const date = addDays('2023-01-01', day);
    if (Number(date.slice(8)) === 5) for (let s = 0; s < 40; s++) add(date, -(999 + s * 100), `subscription-${s}`, 'subscriptions');
    for (let n = random.int(50, 130); n > 0 && entries.length < size; n--) {
      const target = random.next() * total;
      let low = 0;
      for (let high = cumulative.length - 1; low < high; ) {
        const middle = (low + high) >>> 1;
        if ((cumulative[middle] as number) < target) low = middle + 1;
        else high = middle;
      }
      const profile = profiles[low] as (typeof profiles)[number];
      add(date, -Math.max(1, Math.round(random.logNormal(profile.median, profile.spread))), profile.key, profile.categoryId);
    }
  }
  return entries.sort(byDateThenId);
}
