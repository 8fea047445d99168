import { groupOfPath } from '../src/features/categorization/prior.ts';
import type { DefaultCategoryPath } from '../src/features/merchants/types.ts';
import type { Random } from './random.ts';

/**
 * Where people who disagree with the usual filing put a merchant instead: Amazon as Household for
 * one user and Electronics for another, a coffee chain under Restaurants, a pharmacy under
 * Groceries.
 */
const alternatives: Partial<Record<DefaultCategoryPath, readonly DefaultCategoryPath[]>> = {
  'Food & Drink › Groceries': ['Shopping › Household', 'Food & Drink'],
  'Food & Drink › Restaurants': ['Food & Drink › Coffee', 'Entertainment', 'Food & Drink'],
  'Food & Drink › Coffee': ['Food & Drink › Restaurants', 'Food & Drink'],
  Shopping: ['Shopping › Household', 'Shopping › Electronics', 'Gifts & donations'],
  'Shopping › Household': ['Shopping', 'Food & Drink › Groceries', 'Housing › Maintenance'],
  'Shopping › Electronics': ['Shopping', 'Shopping › Household', 'Entertainment › Games'],
  'Shopping › Clothing': ['Shopping', 'Personal care'],
  'Health › Pharmacy': ['Food & Drink › Groceries', 'Personal care', 'Health'],
  'Health › Fitness': ['Personal care', 'Entertainment › Hobbies', 'Subscriptions'],
  'Transportation › Fuel': ['Food & Drink › Groceries', 'Transportation'],
  'Transportation › Taxi & rideshare': ['Transportation › Public transport', 'Travel'],
  'Transportation › Public transport': ['Travel', 'Transportation'],
  'Subscriptions › Streaming': ['Entertainment', 'Subscriptions'],
  'Subscriptions › Software': ['Shopping › Electronics', 'Education', 'Subscriptions'],
  'Entertainment › Events': ['Entertainment › Hobbies', 'Entertainment'],
  'Entertainment › Games': ['Entertainment › Hobbies', 'Subscriptions'],
  'Housing › Utilities': ['Subscriptions', 'Housing'],
  'Travel › Flights': ['Travel', 'Transportation'],
  'Travel › Lodging': ['Travel'],
};

/** Categories some users add, and which default categories' merchants they take over. */
const customCategories: readonly { name: string; takes: readonly DefaultCategoryPath[]; share: number }[] = [
  { name: 'Work expenses', takes: ['Transportation › Taxi & rideshare', 'Travel › Flights', 'Travel › Lodging'], share: 0.6 },
  { name: 'Kids', takes: ['Shopping › Clothing', 'Education', 'Entertainment › Games'], share: 0.4 },
  { name: 'Eating out', takes: ['Food & Drink › Restaurants', 'Food & Drink › Coffee'], share: 1 },
  { name: 'Home office', takes: ['Shopping › Electronics', 'Subscriptions › Software'], share: 0.5 },
  { name: 'Pets', takes: ['Shopping › Household', 'Health › Doctor'], share: 0.2 },
  { name: 'Treats', takes: ['Food & Drink › Coffee', 'Entertainment › Games', 'Personal care'], share: 0.5 },
];

/** Groups a "coarse" user files at group level instead of by child. */
const coarseGroups: readonly DefaultCategoryPath[] = ['Food & Drink', 'Shopping', 'Entertainment', 'Transportation', 'Health'];

export type FilingHabits = {
  /** Custom category name → the paths whose merchants it may take, and how many of them. */
  customs: readonly { name: string; takes: ReadonlySet<DefaultCategoryPath>; share: number }[];
  /** Groups filed whole. */
  coarse: ReadonlySet<DefaultCategoryPath>;
  /** Paths the user archived (their merchants go to the group). */
  archived: ReadonlySet<DefaultCategoryPath>;
  /** Chance that any one merchant is filed somewhere other than usual. */
  idiosyncrasy: number;
};

export function randomHabits(random: Random): FilingHabits {
  const customs = random.sample(customCategories, random.weighted([0, 1, 2, 3], (n) => [4, 4, 2, 1][n] ?? 1));
  const coarse = random.chance(0.25) ? random.sample(coarseGroups, random.int(1, 3)) : [];
  const archived: DefaultCategoryPath[] = random.chance(0.2) ? ['Food & Drink › Coffee'] : [];
  if (random.chance(0.15)) archived.push('Entertainment › Games');
  return {
    customs: customs.map(({ name, takes, share }) => ({ name, takes: new Set(takes), share })),
    coarse: new Set(coarse),
    archived: new Set(archived),
    idiosyncrasy: 0.06 + random.next() * 0.12,
  };
}

/** How one user files one merchant: a fixed path or custom name, and maybe another one for large amounts. */
export type Filing = { usual: string; large?: { above: number; target: string } };

/**
 * Decides once per (user, merchant) where it goes. Targets are default paths or custom category
 * names; the ledger maps them to the user's ids.
 */
export function fileMerchant(
  habits: FilingHabits,
  random: Random,
  path: DefaultCategoryPath,
  typicalAmount: number,
  isGeneralStore: boolean,
): Filing {
  let usual: string = path;
  const custom = habits.customs.find(({ takes }) => takes.has(path));
  const options = alternatives[path];
  if (custom !== undefined && random.chance(custom.share)) usual = custom.name;
  else if (options !== undefined && random.chance(isGeneralStore ? 0.5 : habits.idiosyncrasy)) usual = random.pick(options);
  usual = coarsened(habits, usual);
  // General stores (Amazon, Walmart, Target…) are often split by basket size.
  if (isGeneralStore && options !== undefined && random.chance(0.35)) {
    const target = coarsened(habits, random.pick(options));
    if (target !== usual) return { usual, large: { above: typicalAmount * 1.8, target } };
  }
  return { usual };
}

function coarsened(habits: FilingHabits, target: string): string {
  if (!target.includes(' › ')) return target;
  const path = target as DefaultCategoryPath;
  return habits.coarse.has(groupOfPath(path)) || habits.archived.has(path) ? groupOfPath(path) : target;
}
