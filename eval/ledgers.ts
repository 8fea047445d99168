import { defaultCategoryPaths, groupOfPath } from '../src/features/categorization/prior.ts';
import type { Brand, DefaultCategoryPath } from '../src/features/merchants/types.ts';
import { accountFlows, describeFlow, randomParty, type AccountFlow } from './account-flows.ts';
import { fileMerchant, randomHabits, type Filing, type FilingHabits } from './filing-habits.ts';
import { describeLocal, randomLocalMerchant, type LocalMerchant, type Region } from './local-merchants.ts';
import { Random } from './random.ts';

/** Writes one bank description of a purchase at a brand (the lexicon's descriptor templates). */
export type BrandDescriber = (brand: Brand, region: Region) => string;

export type LedgerTransaction = {
  date: string;
  description: string;
  /** Minor units. */
  amount: number;
  currency: string;
  /** What the user filed it under, label noise included. */
  categoryId: string;
  /** Who was really paid, for "first time at this merchant" figures: "brand:Amazon", "local:…", "flow:salary". */
  merchantId: string;
  origin: 'brand' | 'local' | 'flow';
};

export type UserLedger = {
  userId: string;
  region: Region;
  /** What the integrator hands the categorizer: the user's id for each default path they kept. */
  categoryIdsByPath: Map<DefaultCategoryPath, string>;
  /** Every category id of the user and its name. */
  categoryNames: Map<string, string>;
  transactions: LedgerTransaction[];
};

const currencyOf: Record<Region, string> = { US: 'USD', UK: 'GBP', EU: 'EUR' };

/** Typical spend at a brand, in major units, by its default path (group as fallback). */
const typicalSpend: Partial<Record<string, number>> = {
  'Food & Drink': 30, 'Food & Drink › Groceries': 60, 'Food & Drink › Restaurants': 28, 'Food & Drink › Coffee': 6,
  Housing: 120, 'Housing › Utilities': 90, 'Housing › Insurance': 110, 'Housing › Maintenance': 80,
  Transportation: 30, 'Transportation › Fuel': 48, 'Transportation › Public transport': 9,
  'Transportation › Parking & tolls': 10, 'Transportation › Taxi & rideshare': 21, 'Transportation › Car maintenance': 180,
  Shopping: 45, 'Shopping › Clothing': 65, 'Shopping › Electronics': 180, 'Shopping › Household': 40,
  Health: 40, 'Health › Pharmacy': 22, 'Health › Doctor': 110, 'Health › Fitness': 40,
  Entertainment: 30, 'Entertainment › Events': 70, 'Entertainment › Games': 35, 'Entertainment › Hobbies': 30,
  Travel: 250, 'Travel › Flights': 320, 'Travel › Lodging': 190, Subscriptions: 12, 'Subscriptions › Streaming': 13,
  'Subscriptions › Software': 15, 'Personal care': 35, Education: 60, 'Gifts & donations': 40, Fees: 10,
};

/** Stores selling a bit of everything: people file them every which way, often by basket size. */
const generalStores = new Set(['Amazon', 'Walmart', 'Target', 'Costco', 'eBay', 'Argos', "Sam's Club", 'Kmart', 'Marks & Spencer']);

/** One place the user spends at, with how they file it. */
type Haunt = {
  merchantId: string;
  origin: 'brand' | 'local';
  describe: (random: Random) => string;
  typicalAmount: number;
  filing: Filing;
  /** Relative frequency (Zipf over the user's haunts). */
  weight: number;
};

export type LedgerOptions = { seed: number; sizes: readonly number[]; brands: readonly Brand[]; describeBrand: BrandDescriber };

/** The evaluation's users: each with their own ids, region, habits and history. */
export function generateLedgers(options: LedgerOptions): UserLedger[] {
  const random = new Random(options.seed);
  const regions: Region[] = ['US', 'UK', 'EU'];
  return options.sizes.map((size, index) =>
    generateLedger(random.fork(), `user-${index + 1}`, regions[index % 3] ?? 'US', size, options),
  );
}

function generateLedger(random: Random, userId: string, region: Region, size: number, options: LedgerOptions): UserLedger {
  const habits = randomHabits(random);
  const { categoryIdsByPath, categoryNames, idOf } = userTaxonomy(random, habits);
  const haunts = pickHaunts(random, region, habits, options);
  const flows = pickFlows(random, region, habits);
  const days = Math.max(60, Math.round(size / 2.2));
  const transactions: LedgerTransaction[] = [];
  const usedIds = [...categoryNames.keys()];
  const label = (target: string) => (random.chance(0.02) ? random.pick(usedIds) : idOf(target));
  for (const flow of flows) {
    for (let day = random.int(0, flow.every - 1); day < days; day += flow.every) {
      const amount = toMinor(random.logNormal(Math.abs(flow.flow.typicalAmount), 0.15) * Math.sign(flow.flow.typicalAmount));
      transactions.push({ date: dateOf(day), description: flow.describe(random), amount, currency: currencyOf[region],
        categoryId: label(flow.target), merchantId: `flow:${flow.flow.kind}`, origin: 'flow' });
    }
  }
  const purchases = Math.max(0, size - transactions.length);
  for (let i = 0; i < purchases; i++) {
    const haunt = random.weighted(haunts, (h) => h.weight);
    const spend = random.logNormal(haunt.typicalAmount, 0.45);
    const large = haunt.filing.large;
    const target = large !== undefined && spend > large.above ? large.target : haunt.filing.usual;
    transactions.push({ date: dateOf(random.int(0, days - 1)), description: haunt.describe(random), amount: -toMinor(spend),
      currency: currencyOf[region], categoryId: label(target), merchantId: haunt.merchantId, origin: haunt.origin });
  }
  // Date order, and within a day the order of generation (a stable sort keeps it).
  transactions.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return { userId, region, categoryIdsByPath, categoryNames, transactions: transactions.slice(0, size) };
}

/** Fresh ids for every default category and custom one; archived defaults are not offered to the prior. */
function userTaxonomy(random: Random, habits: FilingHabits) {
  const categoryIdsByPath = new Map<DefaultCategoryPath, string>();
  const categoryNames = new Map<string, string>();
  const byTarget = new Map<string, string>();
  for (const path of defaultCategoryPaths()) {
    const id = random.uuid();
    byTarget.set(path, id);
    categoryNames.set(id, path);
    if (!habits.archived.has(path)) categoryIdsByPath.set(path, id);
  }
  for (const { name } of habits.customs) {
    const id = random.uuid();
    byTarget.set(name, id);
    categoryNames.set(id, name);
  }
  const idOf = (target: string) => {
    const id = byTarget.get(target) ?? byTarget.get(groupOfPath(target as DefaultCategoryPath));
    if (id === undefined) throw new RangeError(`no category for ${target}`);
    return id;
  };
  return { categoryIdsByPath, categoryNames, idOf };
}

function pickHaunts(random: Random, region: Region, habits: FilingHabits, options: LedgerOptions): Haunt[] {
  const regional = options.brands.filter((brand) => brand.regions.includes(region));
  const abroad = options.brands.filter((brand) => !brand.regions.includes(region));
  const brands = [...random.sample(regional, random.int(20, 70)), ...random.sample(abroad, random.int(0, 6))];
  const locals = Array.from({ length: random.int(8, 45) }, () => randomLocalMerchant(random, region, 'ledger', 0.25));
  const haunts = [...brands.map((brand) => brandHaunt(random, habits, brand, region, options)), ...locals.map((local) => localHaunt(random, habits, local))];
  // Zipf: a few places take most of the spending.
  return random.sample(haunts, haunts.length).map((haunt, rank) => ({ ...haunt, weight: 1 / (rank + 1) ** 0.9 }));
}

function brandHaunt(random: Random, habits: FilingHabits, brand: Brand, region: Region, options: LedgerOptions): Haunt {
  const typicalAmount = (typicalSpend[brand.category] ?? typicalSpend[groupOfPath(brand.category)] ?? 40) * random.logNormal(1, 0.3);
  const shopRegion = brand.regions.includes(region) ? region : (brand.regions[0] ?? region);
  return {
    merchantId: `brand:${brand.name}`,
    origin: 'brand',
    describe: () => options.describeBrand(brand, shopRegion),
    typicalAmount,
    filing: fileMerchant(habits, random, brand.category, typicalAmount, generalStores.has(brand.name)),
    weight: 1,
  };
}

function localHaunt(random: Random, habits: FilingHabits, local: LocalMerchant): Haunt {
  const typicalAmount = local.typicalAmount * random.logNormal(1, 0.3);
  return {
    merchantId: `local:${local.name}`,
    origin: 'local',
    describe: (draw) => describeLocal(local, draw),
    typicalAmount,
    filing: fileMerchant(habits, random, local.category, typicalAmount, false),
    weight: 1,
  };
}

type ScheduledFlow = { flow: AccountFlow; every: number; target: string; describe: (random: Random) => string };

/** Pay, rent and the rest: which of them this user has, and how often. */
function pickFlows(random: Random, region: Region, habits: FilingHabits): ScheduledFlow[] {
  const chance: Record<string, number> = { salary: 1, rent: 0.9, 'card-payment': 0.6, savings: 0.5, interest: 0.6, 'bank-fee': 0.4,
    'interest-charge': 0.25, refund: 0.5 };
  return accountFlows
    .filter((flow) => random.chance(chance[flow.kind] ?? 0.5))
    .map((flow) => {
      const party = randomParty(random);
      const every = flow.everyDays > 0 ? flow.everyDays : random.int(40, 90);
      const target = fileMerchant(habits, random, flow.category, Math.abs(flow.typicalAmount), false).usual;
      return { flow, every, target, describe: (draw: Random) => describeFlow(flow, draw, region, party) };
    });
}

const toMinor = (major: number) => Math.max(1, Math.round(major * 100));
const dateOf = (day: number) => new Date(Date.UTC(2025, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
