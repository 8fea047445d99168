// Users, accounts and default categories for tests, made through the API itself.
import { expect } from '@jest/globals';
import { signUp, type ContractClient, type Schema } from './app.ts';
import { asOwner } from './database.ts';

export type TestUser = { token: string; id: string };
export type TestAccount = Schema<'Account'>;
export type TestCategory = Schema<'Category'>;

export async function newUser(api: ContractClient, overrides: Record<string, unknown> = {}): Promise<TestUser> {
  const { token, user } = await signUp(api, overrides);
  return { token, id: user.id };
}

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

export async function categoriesOf(api: ContractClient, user: TestUser): Promise<TestCategory[]> {
  const response = await api.get('/v1/categories?limit=200', { token: user.token });
  expect(response.status).toBe(200);
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

/** How many transactions the user has, counted underneath the API (as the owner, which RLS does not bind). */
export async function transactionCount(databaseUrl: string, user: TestUser): Promise<number> {
  const result = await asOwner<{ count: number }>(databaseUrl, 'select count(*)::int as count from transactions where user_id = $1', [user.id]);
  return result.rows[0]!.count;
}
