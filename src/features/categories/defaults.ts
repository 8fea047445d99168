import type { components } from '../../generated/api.ts';

export type CategoryKind = components['schemas']['CategoryKind'];

/** The kinds a category can have, in the spec's order. */
export const categoryKinds = ['expense', 'income', 'transfer'] as const satisfies readonly CategoryKind[];

export type DefaultGroup = { name: string; kind: CategoryKind; children: readonly string[] };

/** The group transfers between a user's own accounts are filed under. */
export const transfersGroupName = 'Transfers';

/**
 * The taxonomy every new user starts with: groups and the categories inside them. Users rename,
 * archive and extend it freely; nothing depends on these names except `transfersGroupName`.
 */
export const defaultCategories: readonly DefaultGroup[] = [
  { name: 'Income', kind: 'income', children: ['Salary', 'Interest & dividends', 'Refunds & reimbursements', 'Other income'] },
  { name: 'Housing', kind: 'expense', children: ['Rent & mortgage', 'Utilities', 'Maintenance', 'Insurance'] },
  { name: 'Food & Drink', kind: 'expense', children: ['Groceries', 'Restaurants', 'Coffee'] },
  {
    name: 'Transportation',
    kind: 'expense',
    children: ['Fuel', 'Public transport', 'Parking & tolls', 'Taxi & rideshare', 'Car maintenance'],
  },
  { name: 'Shopping', kind: 'expense', children: ['Clothing', 'Electronics', 'Household'] },
  { name: 'Health', kind: 'expense', children: ['Pharmacy', 'Doctor', 'Fitness'] },
  { name: 'Entertainment', kind: 'expense', children: ['Events', 'Games', 'Hobbies'] },
  { name: 'Travel', kind: 'expense', children: ['Flights', 'Lodging'] },
  { name: 'Subscriptions', kind: 'expense', children: ['Streaming', 'Software'] },
  { name: 'Personal care', kind: 'expense', children: [] },
  { name: 'Education', kind: 'expense', children: [] },
  { name: 'Gifts & donations', kind: 'expense', children: [] },
  { name: 'Fees', kind: 'expense', children: ['Bank fees', 'Interest charges'] },
  { name: transfersGroupName, kind: 'transfer', children: ['Credit card payment', 'Savings'] },
];
