// Users, accounts and default categories for tests, made through the API itself.
import { expect } from '@jest/globals';
import { signUp, type ContractClient, type Schema } from './app.ts';

export type TestUser = { token: string; id: string };
export type TestAccount = Schema<'Account'>;
export type TestCategory = Schema<'Category'>;

export async function newUser(api: ContractClient, overrides: Record<string, unknown> = {}): Promise<TestUser> {
  const { token, user } = await signUp(api, overrides);
  return { token, id: user.id };
}

let accountCounter = 0;

/** A USD checking account with a unique name, unless `fields` says otherwise. */
export async function createAccount(api: ContractClient, user: TestUser, fields: Record<string, unknown> = {}): Promise<TestAccount> {
  accountCounter += 1;
  const response = await api.post(
    '/v1/accounts',
    { name: `Account ${accountCounter}`, type: 'checking', currency: 'USD', opening_balance: 0, ...fields },
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
