// Users, accounts, default categories and transactions for tests, made and read through the API itself.
import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import { signUp, type ContractClient, type Schema, type TestApp } from './app.ts';
import { asOwner } from './database.ts';
import { pagesOf } from './pages.ts';

export type TestUser = { token: string; id: string };
export type TestAccount = Schema<'Account'>;
export type TestCategory = Schema<'Category'>;
export type TestTransaction = Schema<'Transaction'>;

/**
 * A new user. `autoCategorize: false` sets their threshold to 1, so the learned categorizer files
 * nothing by itself: for tests about what the caller and the API do with categories, not the model.
 */
export async function newUser(api: ContractClient, overrides: Record<string, unknown> = {}, options: { autoCategorize?: boolean } = {}): Promise<TestUser> {
  const { token, user } = await signUp(api, overrides);
  if (options.autoCategorize === false) {
    expect((await api.patch('/v1/me', { auto_categorize_threshold: 1 }, { token })).status).toBe(200);
  }
  return { token, id: user.id };
}

/** An email address no other sign-up uses. */
export const uniqueEmail = (prefix = 'user') => `${prefix}-${randomUUID()}@example.com`;

let nameCounter = 0;
/** A name nothing else made in this test process has. */
export function uniqueName(prefix: string): string {
  nameCounter += 1;
  return `${prefix} ${nameCounter}`;
}

/** A USD checking account with a unique name, unless `fields` says otherwise. */
export async function createAccount(api: ContractClient, user: TestUser, fields: Record<string, unknown> = {}): Promise<TestAccount> {
  const response = await api.post(
    '/v1/accounts',
    { name: uniqueName('Account'), type: 'checking', currency: 'USD', opening_balance: 0, ...fields },
    { token: user.token },
  );
  expect(response.status).toBe(201);
  return response.body as TestAccount;
}

/** All of the user's categories, on one page. */
export async function categoriesOf(api: ContractClient, user: TestUser): Promise<TestCategory[]> {
  const response = await api.get('/v1/categories?limit=200', { token: user.token });
  expect(response.status).toBe(200);
  expect(response.body.next_cursor).toBeNull();
  return response.body.data as TestCategory[];
}

/** A default category by name; `group` picks the child of that group. */
export function categoryNamed(categories: TestCategory[], name: string, group?: string): TestCategory {
  const parentId = group === undefined ? null : categoryNamed(categories, group).id;
  const found = categories.find((category) => category.name === name && category.parent_id === parentId);
  if (!found) throw new Error(`no default category ${group ? `${group} > ` : ''}${name}`);
  return found;
}

export async function balanceOf(api: ContractClient, user: TestUser, accountId: string): Promise<number> {
  const response = await api.get(`/v1/accounts/${accountId}`, { token: user.token });
  expect(response.status).toBe(200);
  return response.body.balance as number;
}

/** Every transaction a list query answers, following next_cursor to the end. */
export async function transactionsOf(api: ContractClient, user: TestUser, query = ''): Promise<TestTransaction[]> {
  const pages = await pagesOf<TestTransaction>(api, `/v1/transactions?limit=200${query ? `&${query}` : ''}`, user.token);
  return pages.flatMap((page) => page.data);
}

/** How many transactions the user has, counted underneath the API (as the owner, which RLS does not bind). */
export async function transactionCount(databaseUrl: string, user: TestUser): Promise<number> {
  const result = await asOwner<{ count: number }>(databaseUrl, 'select count(*)::int as count from transactions where user_id = $1', [user.id]);
  return result.rows[0]!.count;
}

/**
 * The factories bound to one test app, so a file calls `newUser()` rather than passing the client
 * each time. The app is read at each call: a file binds them at module scope, before its
 * beforeAll has started the app.
 */
export function factoriesFor(app: () => TestApp) {
  return {
    newUser: (overrides?: Record<string, unknown>, options?: { autoCategorize?: boolean }) => newUser(app().api, overrides, options),
    createAccount: (user: TestUser, fields?: Record<string, unknown>) => createAccount(app().api, user, fields),
    categoriesOf: (user: TestUser) => categoriesOf(app().api, user),
    balanceOf: (user: TestUser, accountId: string) => balanceOf(app().api, user, accountId),
    transactionsOf: (user: TestUser, query?: string) => transactionsOf(app().api, user, query),
    transactionCount: (user: TestUser) => transactionCount(app().database.url, user),
  };
}
