// The learned categorizer through the API: suggestions with reasons from the first day (the shipped
// prior), learning from every category the user sets, automatic filing at the user's threshold.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { categoryNamed, factoriesFor, type TestAccount, type TestCategory, type TestUser } from './helpers/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());
const { newUser, createAccount, categoriesOf } = factoriesFor(() => t);

type Setup = { user: TestUser; account: TestAccount; categories: TestCategory[] };
async function setup(): Promise<Setup> {
  const user = await newUser();
  return { user, account: await createAccount(user), categories: await categoriesOf(user) };
}

async function create(user: TestUser, body: Record<string, unknown>) {
  const response = await t.api.post('/v1/transactions', body, { token: user.token });
  expect(response.status).toBe(201);
  return response.body as { id: string; category_id: string | null; categorized_by: string | null; merchant: string | null };
}

const suggestionsFor = (user: TestUser, id: string, query = '') => t.api.get(`/v1/transactions/${id}/category-suggestions${query}`, { token: user.token });

describe('GET /v1/transactions/{id}/category-suggestions', () => {
  it('suggests from the first day: a known brand goes where most people file it, with reasons', async () => {
    const { user, account, categories } = await setup();
    const groceries = categoryNamed(categories, 'Groceries', 'Food & Drink');
    const created = await create(user, { account_id: account.id, date: '2026-03-01', amount: -8743, description: 'WHOLEFDS MKT 10234 AUSTIN TX' });
    const response = await suggestionsFor(user, created.id);
    expect(response.status).toBe(200);
    const [top, ...rest] = response.body.data as { category_id: string; confidence: number; reasons: string[] }[];
    expect(top!.category_id).toBe(groceries.id);
    expect(top!.reasons.length).toBeGreaterThan(0);
    expect(top!.reasons.join(' ')).toMatch(/Whole Foods|grocer/i);
    for (const suggestion of [top!, ...rest]) expect(suggestion.confidence).toBeGreaterThanOrEqual(0);
    expect(rest.every((suggestion) => suggestion.confidence <= top!.confidence)).toBe(true);
    expect(response.body.data.length).toBeLessThanOrEqual(3);
    expect((await suggestionsFor(user, created.id, '?limit=1')).body.data).toHaveLength(1);
    expect((await suggestionsFor(user, created.id, '?limit=0')).status).toBe(400);
  });

  it('answers 404 for another user\'s transaction, like a missing one', async () => {
    const owner = await setup();
    const stranger = await setup();
    const created = await create(owner.user, { account_id: owner.account.id, date: '2026-03-01', amount: -1, description: 'X' });
    expect((await suggestionsFor(stranger.user, created.id)).status).toBe(404);
    expect((await suggestionsFor(stranger.user, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('learning and automatic filing', () => {
  it('learns from the categories the user sets, then files the next one itself (categorized_by: model)', async () => {
    const { user, account, categories } = await setup();
    const restaurants = categoryNamed(categories, 'Restaurants', 'Food & Drink');
    for (const day of ['01', '02', '03', '04']) {
      await create(user, { account_id: account.id, date: `2026-03-${day}`, amount: -2450, description: `MARIAS TAQUERIA ${day}88 AUSTIN TX`, category_id: restaurants.id });
    }
    const next = await create(user, { account_id: account.id, date: '2026-03-09', amount: -2100, description: 'MARIAS TAQUERIA 0999 AUSTIN TX' });
    expect(next).toMatchObject({ category_id: restaurants.id, categorized_by: 'model' });
    const reasons = (await suggestionsFor(user, next.id)).body.data[0].reasons as string[];
    expect(reasons.join(' ')).toMatch(/earlier|your/i);
  });

  it('keeps lessons as small rows and folds them into the stored state every sixteen', async () => {
    const { user, account, categories } = await setup();
    const fuel = categoryNamed(categories, 'Fuel', 'Transportation');
    const { asOwner } = await import('./helpers/database.ts');
    const counts = async () => (await asOwner<{ lessons: number; states: number }>(t.database.url,
      `select (select count(*)::int from categorizer_lessons where user_id = $1) as lessons,
              (select count(*)::int from categorizer_states where user_id = $1) as states`, [user.id])).rows[0];
    for (let index = 0; index < 15; index += 1) await create(user, { account_id: account.id, date: '2026-06-01', amount: -4000, description: `SHELL OIL ${index}`, category_id: fuel.id });
    expect(await counts()).toEqual({ lessons: 15, states: 0 });
    await create(user, { account_id: account.id, date: '2026-06-02', amount: -4000, description: 'SHELL OIL 16', category_id: fuel.id });
    expect(await counts()).toEqual({ lessons: 0, states: 1 });
  });

  it('learns nothing from a filed create that is refused, and one lesson from the same create once it goes in', async () => {
    const { user, account, categories } = await setup();
    const stranger = await setup();
    const fuel = categoryNamed(categories, 'Fuel', 'Transportation');
    const { asOwner } = await import('./helpers/database.ts');
    const lessons = async () => (await asOwner<{ n: number }>(t.database.url,
      'select count(*)::int as n from categorizer_lessons where user_id = $1', [user.id])).rows[0]!.n;
    const refused = await t.api.post('/v1/transactions',
      { account_id: stranger.account.id, date: '2026-06-01', amount: -4000, description: 'SHELL OIL', category_id: fuel.id }, { token: user.token });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].pointer).toBe('#/account_id');
    expect(await lessons()).toBe(0);
    const filed = await create(user, { account_id: account.id, date: '2026-06-01', amount: -4000, description: 'SHELL OIL', category_id: fuel.id });
    expect(filed).toMatchObject({ category_id: fuel.id, categorized_by: 'user' });
    expect(await lessons()).toBe(1);
  });

  it('follows the user after corrections of its guesses', async () => {
    const { user, account, categories } = await setup();
    const groceries = categoryNamed(categories, 'Groceries', 'Food & Drink');
    const household = categoryNamed(categories, 'Household', 'Shopping');
    let last: Awaited<ReturnType<typeof create>> | undefined;
    for (const day of ['01', '02', '03', '04', '05']) {
      last = await create(user, { account_id: account.id, date: `2026-04-${day}`, amount: -5000, description: `WHOLEFDS MKT 10234 AUSTIN TX ${day}` });
      if (last.category_id !== household.id) {
        const patched = await t.api.patch(`/v1/transactions/${last.id}`, { category_id: household.id }, { token: user.token });
        expect(patched.status).toBe(200);
      }
    }
    void groceries;
    const after = await create(user, { account_id: account.id, date: '2026-04-20', amount: -5000, description: 'WHOLEFDS MKT 10234 AUSTIN TX' });
    const top = (await suggestionsFor(user, after.id)).body.data[0];
    expect(top.category_id).toBe(household.id);
  });

  it('files nothing itself when the user set the threshold to 1', async () => {
    const { user, account, categories } = await setup();
    expect((await t.api.patch('/v1/me', { auto_categorize_threshold: 1 }, { token: user.token })).body.auto_categorize_threshold).toBe(1);
    const restaurants = categoryNamed(categories, 'Restaurants', 'Food & Drink');
    for (const day of ['01', '02', '03', '04']) {
      await create(user, { account_id: account.id, date: `2026-05-${day}`, amount: -900, description: `BLUE MOON CAFE ${day}`, category_id: restaurants.id });
    }
    const next = await create(user, { account_id: account.id, date: '2026-05-09', amount: -900, description: 'BLUE MOON CAFE 09' });
    expect(next).toMatchObject({ category_id: null, categorized_by: null });
    expect((await suggestionsFor(user, next.id)).body.data[0].category_id).toBe(restaurants.id);
    expect((await t.api.patch('/v1/me', { auto_categorize_threshold: 0.2 }, { token: user.token })).status).toBe(400);
  });
});
