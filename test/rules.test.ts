// /v1/rules: CRUD, rules applied on create, batch and import (a caller's explicit value always
// wins), a retro-apply over history that never overrides the user, and patterns that cannot hang.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { expectUnprocessable } from './helpers/expectations.ts';
import { categoryNamed, factoriesFor, type TestAccount, type TestCategory, type TestUser } from './helpers/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ logLevel: 'error' });
});
afterAll(async () => t.close());
const { newUser, createAccount, categoriesOf, transactionsOf } = factoriesFor(() => t);

type Setup = { user: TestUser; account: TestAccount; coffee: TestCategory; groceries: TestCategory };
async function setup(): Promise<Setup> {
  const user = await newUser();
  const categories = await categoriesOf(user);
  return { user, account: await createAccount(user), coffee: categoryNamed(categories, 'Coffee', 'Food & Drink'), groceries: categoryNamed(categories, 'Groceries', 'Food & Drink') };
}

async function createRule(user: TestUser, body: Record<string, unknown>) {
  const response = await t.api.post('/v1/rules', body, { token: user.token });
  expect(response.status).toBe(201);
  return response.body as { id: string };
}

async function createTransaction(user: TestUser, body: Record<string, unknown>) {
  const response = await t.api.post('/v1/transactions', body, { token: user.token });
  expect(response.status).toBe(201);
  return response.body as Record<string, unknown>;
}

describe('/v1/rules', () => {
  it('creates, lists in the order rules run, reads, updates with If-Match and deletes', async () => {
    const { user, coffee } = await setup();
    const late = await createRule(user, { name: 'Late', priority: 50, conditions: [{ field: 'description', operator: 'contains', value: 'x' }], actions: { add_tags: ['x'] } });
    const early = await createRule(user, { name: 'Early', priority: 5, match: 'any', conditions: [{ field: 'amount', operator: 'between', value: [-500, -100] }], actions: { set_category: coffee.id } });
    const list = await t.api.get('/v1/rules', { token: user.token });
    expect(list.body.data.map((rule: { name: string }) => rule.name)).toEqual(['Early', 'Late']);
    const got = await t.api.get(`/v1/rules/${early.id}`, { token: user.token });
    expect(got.body).toMatchObject({ name: 'Early', priority: 5, enabled: true, match: 'any', actions: { set_category: coffee.id } });
    expect((await t.api.patch(`/v1/rules/${early.id}`, { enabled: false }, { token: user.token, headers: { 'If-Match': '"stale"' } })).status).toBe(412);
    const updated = await t.api.patch(`/v1/rules/${early.id}`, { enabled: false }, { token: user.token, headers: { 'If-Match': got.headers.etag as string } });
    expect(updated.body.enabled).toBe(false);
    expect((await t.api.delete(`/v1/rules/${late.id}`, { token: user.token })).status).toBe(204);
    expect((await t.api.get(`/v1/rules/${late.id}`, { token: user.token })).status).toBe(404);
  });

  it('pages through rules with a cursor, without gaps or repeats', async () => {
    const { user } = await setup();
    for (let index = 0; index < 5; index += 1) await createRule(user, { name: `R${index}`, priority: index % 2, conditions: [{ field: 'description', operator: 'contains', value: 'y' }], actions: { add_tags: ['y'] } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await t.api.get(`/v1/rules?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: user.token });
      seen.push(...response.body.data.map((rule: { name: string }) => rule.name));
      cursor = response.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(['R0', 'R2', 'R4', 'R1', 'R3']);
  });

  it('refuses what cannot be a rule, naming the field, and writes nothing', async () => {
    const { user, account } = await setup();
    const other = await setup();
    const base = { name: 'Bad', conditions: [{ field: 'description', operator: 'contains', value: 'x' }], actions: { add_tags: ['x'] } };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, conditions: [{ field: 'description', operator: 'regex', value: '(a)\\1' }] }, '#/conditions/0/value'],
      [{ ...base, conditions: [{ field: 'merchant', operator: 'regex', value: 'a(?=b)' }] }, '#/conditions/0/value'],
      [{ ...base, conditions: [{ field: 'description', operator: 'regex', value: '(unclosed' }] }, '#/conditions/0/value'],
      [{ ...base, conditions: [{ field: 'amount', operator: 'between', value: [10, -10] }] }, '#/conditions/0/value'],
      [{ ...base, conditions: [{ field: 'account_id', operator: 'eq', value: other.account.id }] }, '#/conditions/0/value'],
      [{ ...base, actions: { set_category: other.coffee.id } }, '#/actions/set_category'],
    ];
    for (const [body, pointer] of cases) expectUnprocessable(await t.api.post('/v1/rules', body, { token: user.token }), pointer);
    for (const body of [{ ...base, conditions: [] }, { ...base, actions: {} }, { ...base, surprise: 1 },
      { ...base, conditions: [{ field: 'description', operator: 'regex', value: 'a'.repeat(501) }] },
      { ...base, conditions: [{ field: 'amount', operator: 'gt', value: 10 ** 16 }] }]) {
      expect((await t.api.post('/v1/rules', body, { token: user.token })).status).toBe(400);
    }
    expect((await t.api.get('/v1/rules', { token: user.token })).body.data).toEqual([]);
    void account;
  });

  it('answers 404 for another user\'s rule on every operation', async () => {
    const { user } = await setup();
    const stranger = await setup();
    const rule = await createRule(stranger.user, { name: 'Theirs', conditions: [{ field: 'description', operator: 'contains', value: 'x' }], actions: { add_tags: ['x'] } });
    expect((await t.api.get(`/v1/rules/${rule.id}`, { token: user.token })).status).toBe(404);
    expect((await t.api.patch(`/v1/rules/${rule.id}`, { enabled: false }, { token: user.token })).status).toBe(404);
    expect((await t.api.delete(`/v1/rules/${rule.id}`, { token: user.token })).status).toBe(404);
    expect((await t.api.post(`/v1/rules/${rule.id}/apply`, undefined, { token: user.token })).status).toBe(404);
  });
});

describe('rules on the write paths', () => {
  it('categorize, name, tag and annotate a created transaction, recording the rule', async () => {
    const { user, account, coffee } = await setup();
    const rule = await createRule(user, {
      name: 'Coffee', conditions: [{ field: 'description', operator: 'regex', value: 'blue\\s*bottle' }],
      actions: { set_category: coffee.id, set_merchant: 'Blue Bottle', add_tags: ['coffee'], set_notes: 'morning' },
    });
    const created = await createTransaction(user, { account_id: account.id, date: '2026-03-01', amount: -450, description: 'SQ *BLUE BOTTLE 0142 OAKLAND CA' });
    expect(created).toMatchObject({ category_id: coffee.id, categorized_by: 'rule', rule_id: rule.id, merchant: 'Blue Bottle', tags: ['coffee'], notes: 'morning' });
  });

  it('never override what the caller gave, and run in priority order', async () => {
    const { user, account, coffee, groceries } = await setup();
    await createRule(user, { name: 'Second', priority: 20, conditions: [{ field: 'amount', operator: 'lt', value: 0 }], actions: { set_category: groceries.id, add_tags: ['second'] } });
    const first = await createRule(user, { name: 'First', priority: 10, conditions: [{ field: 'amount', operator: 'lt', value: 0 }], actions: { set_category: coffee.id, set_merchant: 'Rule name', add_tags: ['first'] } });
    const plain = await createTransaction(user, { account_id: account.id, date: '2026-03-01', amount: -100, description: 'ANYTHING' });
    expect(plain).toMatchObject({ category_id: coffee.id, rule_id: first.id, merchant: 'Rule name', tags: ['first', 'second'] });
    const explicit = await createTransaction(user, { account_id: account.id, date: '2026-03-01', amount: -100, description: 'ANYTHING', category_id: groceries.id, merchant: 'Mine', tags: ['own'] });
    expect(explicit).toMatchObject({ category_id: groceries.id, categorized_by: 'user', rule_id: null, merchant: 'Mine', tags: ['own', 'first', 'second'] });
  });

  it('apply to every row of a batch and of an import, through the same pipeline', async () => {
    const { user, account, coffee } = await setup();
    await createRule(user, { name: 'Starbucks', conditions: [{ field: 'merchant', operator: 'equals', value: 'starbucks' }], actions: { set_category: coffee.id } });
    const batch = await t.api.post('/v1/transactions/batch', { transactions: [
      { account_id: account.id, date: '2026-03-01', amount: -500, description: 'STARBUCKS STORE 12345 SEATTLE WA' },
      { account_id: account.id, date: '2026-03-02', amount: -700, description: 'SHELL OIL 57444' },
    ] }, { token: user.token });
    expect(batch.body.data.map((row: { merchant: string; category_id: string | null }) => [row.merchant, row.category_id])).toEqual([['Starbucks', coffee.id], ['Shell', null]]);
    const csv = 'Date,Amount,Description\n2026-04-01,-5.25,STARBUCKS STORE 999\n2026-04-02,-9.99,NETFLIX.COM\n';
    const imported = await request(t.app).post(`/v1/accounts/${account.id}/imports`).set('Authorization', `Bearer ${user.token}`).attach('file', Buffer.from(csv), 'april.csv');
    expect(imported.status).toBe(201);
    const rows = await transactionsOf(user, `account_id=${account.id}&from=2026-04-01`);
    expect(rows.map((row) => [row.merchant, row.category_id, row.categorized_by])).toEqual([['Netflix', null, null], ['Starbucks', coffee.id, 'rule']]);
  });

  it('leave alone a rule whose category was deleted (the action clears)', async () => {
    const { user, account } = await setup();
    const category = await t.api.post('/v1/categories', { name: 'Temporary', kind: 'expense' }, { token: user.token });
    const rule = await createRule(user, { name: 'Temp', conditions: [{ field: 'amount', operator: 'lt', value: 0 }], actions: { set_category: category.body.id, add_tags: ['t'] } });
    expect((await t.api.delete(`/v1/categories/${category.body.id}`, { token: user.token })).status).toBe(204);
    expect((await t.api.get(`/v1/rules/${rule.id}`, { token: user.token })).body.actions).toEqual({ add_tags: ['t'] });
    const created = await createTransaction(user, { account_id: account.id, date: '2026-03-01', amount: -1, description: 'X' });
    expect(created).toMatchObject({ category_id: null, tags: ['t'] });
  });
});

describe('POST /v1/rules/{id}/apply', () => {
  it('counts and samples in a dry run, writes in a real one, never overrides the user, and changes nothing the second time', async () => {
    const { user, account, coffee, groceries } = await setup();
    const a = await createTransaction(user, { account_id: account.id, date: '2026-01-01', amount: -300, description: 'CAFE LUNA 1' });
    const b = await createTransaction(user, { account_id: account.id, date: '2026-01-02', amount: -300, description: 'CAFE LUNA 2', category_id: groceries.id });
    await createTransaction(user, { account_id: account.id, date: '2026-01-03', amount: -300, description: 'BAKERY' });
    const rule = await createRule(user, { name: 'Luna', conditions: [{ field: 'description', operator: 'starts_with', value: 'cafe luna' }], actions: { set_category: coffee.id } });
    const dry = await t.api.post(`/v1/rules/${rule.id}/apply?dry_run=true`, undefined, { token: user.token });
    expect(dry.body).toMatchObject({ dry_run: true, matched: 2, changed: 1 });
    expect(dry.body.sample.map((row: { id: string; category_id: string }) => [row.id, row.category_id])).toEqual([[a.id, coffee.id]]);
    expect((await t.api.get(`/v1/transactions/${a.id}`, { token: user.token })).body.category_id).toBeNull();
    const real = await t.api.post(`/v1/rules/${rule.id}/apply`, undefined, { token: user.token });
    expect(real.body).toMatchObject({ dry_run: false, matched: 2, changed: 1 });
    expect((await t.api.get(`/v1/transactions/${a.id}`, { token: user.token })).body).toMatchObject({ category_id: coffee.id, categorized_by: 'rule', rule_id: rule.id });
    expect((await t.api.get(`/v1/transactions/${b.id}`, { token: user.token })).body).toMatchObject({ category_id: groceries.id, categorized_by: 'user' });
    expect((await t.api.post(`/v1/rules/${rule.id}/apply`, undefined, { token: user.token })).body).toMatchObject({ matched: 2, changed: 0, sample: [] });
  });
});

describe('patterns', () => {
  it('run in linear time: a pattern that would backtrack catastrophically answers at once', async () => {
    const { user, account } = await setup();
    await createRule(user, { name: 'Nested', conditions: [{ field: 'description', operator: 'regex', value: '(a+)+$' }], actions: { add_tags: ['a'] } });
    const started = Date.now();
    const created = await createTransaction(user, { account_id: account.id, date: '2026-03-01', amount: -1, description: `${'a'.repeat(480)}!` });
    expect(created.tags).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5_000); // a backtracking engine takes longer than the universe's age here
  });
});

describe('merchant names', () => {
  it('are derived from the description, and a rename is remembered for later rows of that merchant', async () => {
    const { user, account } = await setup();
    const first = await createTransaction(user, { account_id: account.id, date: '2026-03-01', amount: -1999, description: 'WHOLEFDS MKT 10234 AUSTIN TX' });
    expect(first.merchant).toBe('Whole Foods');
    const renamed = await t.api.patch(`/v1/transactions/${first.id as string}`, { merchant: 'Whole Foods Market' }, { token: user.token });
    expect(renamed.body.merchant).toBe('Whole Foods Market');
    const later = await createTransaction(user, { account_id: account.id, date: '2026-03-08', amount: -2599, description: 'WHOLEFDS MKT 10234 AUSTIN TX' });
    expect(later.merchant).toBe('Whole Foods Market');
    const stranger = await setup();
    expect((await createTransaction(stranger.user, { account_id: stranger.account.id, date: '2026-03-08', amount: -1, description: 'WHOLEFDS MKT 10234 AUSTIN TX' })).merchant).toBe('Whole Foods');
  });
});
