import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { periodContaining } from '../src/features/budgets/periods.ts';
import { startTestApp, type TestApp, type Schema } from './helpers/app.ts';
import { pagesOf } from './helpers/pages.ts';
import { factoriesFor, uniqueName, type TestUser } from './helpers/factories.ts';
import { asOwner } from './helpers/database.ts';
import { base64url, problemShape, expectValidationProblem, expectReplay } from './helpers/expectations.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

type Budget = Schema<'Budget'>;
type Status = Schema<'BudgetStatus'>;
type User = TestUser;
type Kind = 'expense' | 'income' | 'transfer';

const groceries = { name: 'Groceries', amount: 60000, period: 'monthly', start_date: '2026-01-01' };

const { newUser, createAccount } = factoriesFor(() => t);

/** The id of a new category: a group of `kind`, or a child of `parent_id` (which takes the group's kind). */
async function createCategory(owner: User, fields: { name?: string; kind?: Kind; parent_id?: string }): Promise<string> {
  const body = { name: uniqueName(fields.name ?? 'Category'), ...(fields.kind ? { kind: fields.kind } : {}), ...(fields.parent_id ? { parent_id: fields.parent_id } : {}) };
  const response = await t.api.post('/v1/categories', body, { token: owner.token });
  expect(response.status).toBe(201);
  return response.body.id as string;
}

type Row = { account: string; currency: string; date: string; amount: number; category: string | null; transfer?: boolean };

/**
 * Inserts transactions as the owner in one statement (the transactions API is not this file's
 * subject); the balance triggers fire all the same.
 */
async function insertTransactions(owner: User, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const values: unknown[] = [];
  const tuples = rows.map((row) => {
    const base = values.length;
    values.push(owner.id, row.account, row.currency, row.date, row.amount, 'Test transaction', row.category, row.category ? 'user' : null, row.transfer ? randomUUID() : null);
    return `(${Array.from({ length: 9 }, (_, index) => `$${base + index + 1}`).join(', ')})`;
  });
  await asOwner(
    t.database.url,
    `insert into transactions (user_id, account_id, currency, date, amount, description, category_id, categorized_by, transfer_id) values ${tuples.join(', ')}`,
    values,
  );
}

async function createBudget(owner: User, fields: Record<string, unknown> = {}): Promise<Budget> {
  const response = await t.api.post('/v1/budgets', { ...groceries, name: uniqueName('Budget'), ...fields }, { token: owner.token });
  expect(response.status).toBe(201);
  return response.body as Budget;
}

async function listAll(owner: User): Promise<Budget[]> {
  const response = await t.api.get('/v1/budgets?limit=200', { token: owner.token });
  expect(response.status).toBe(200);
  return response.body.data as Budget[];
}

async function statusOf(owner: User, id: string, date: string): Promise<Status> {
  const response = await t.api.get(`/v1/budgets/${id}/status?date=${date}`, { token: owner.token });
  expect(response.status).toBe(200);
  return response.body as Status;
}

describe('POST /v1/budgets', () => {
  it("creates an all-spending budget in the user's default currency with the documented defaults", async () => {
    const owner = await newUser({ default_currency: 'EUR' });
    const response = await t.api.post('/v1/budgets', { ...groceries, name: '  Everything \t' }, { token: owner.token });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      name: 'Everything',
      category_id: null,
      amount: 60000,
      currency: 'EUR',
      period: 'monthly',
      start_date: '2026-01-01',
      rollover: false,
      alert_threshold: 0.8,
    });
    expect(response.headers.location).toBe(`/v1/budgets/${response.body.id}`);
    expect(response.headers.etag).toMatch(/^"[\w-]+"$/);
  });

  it('creates a category budget with every field given', async () => {
    const owner = await newUser();
    const category = await createCategory(owner, { name: 'Food', kind: 'expense' });
    const body = { name: 'Food', category_id: category, amount: 10 ** 15, currency: 'JPY', period: 'weekly', start_date: '2024-02-29', rollover: true, alert_threshold: 0 };
    const response = await t.api.post('/v1/budgets', body, { token: owner.token });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject(body);
    expect(await listAll(owner)).toEqual([response.body]);
  });

  describe('rejects a body that breaks the contract with a 400 naming the field', () => {
    let owner: User;
    beforeAll(async () => {
      owner = await newUser();
    });

    it.each([
      { case: 'an unknown field', body: { ...groceries, colour: 'red' }, pointer: '#/colour' },
      { case: 'an id chosen by the client', body: { ...groceries, id: randomUUID() }, pointer: '#/id' },
      { case: 'an amount of 0', body: { ...groceries, amount: 0 }, pointer: '#/amount' },
      { case: 'a negative amount', body: { ...groceries, amount: -500 }, pointer: '#/amount' },
      { case: 'an amount above 10^15', body: { ...groceries, amount: 10 ** 15 + 1 }, pointer: '#/amount' },
      { case: 'a fractional amount', body: { ...groceries, amount: 12.5 }, pointer: '#/amount' },
      { case: 'an amount sent as a string', body: { ...groceries, amount: '600' }, pointer: '#/amount' },
      { case: 'an unknown period', body: { ...groceries, period: 'daily' }, pointer: '#/period' },
      { case: 'an alert_threshold of 1.5', body: { ...groceries, alert_threshold: 1.5 }, pointer: '#/alert_threshold' },
      { case: 'a negative alert_threshold', body: { ...groceries, alert_threshold: -0.1 }, pointer: '#/alert_threshold' },
      { case: 'start_date 2026-02-30', body: { ...groceries, start_date: '2026-02-30' }, pointer: '#/start_date' },
      { case: 'start_date 2026-13-01', body: { ...groceries, start_date: '2026-13-01' }, pointer: '#/start_date' },
      { case: 'a start_date with a time', body: { ...groceries, start_date: '2026-01-01T00:00:00Z' }, pointer: '#/start_date' },
      { case: 'a lower-case currency', body: { ...groceries, currency: 'usd' }, pointer: '#/currency' },
      { case: 'a category_id that is not a uuid', body: { ...groceries, category_id: 'food' }, pointer: '#/category_id' },
      { case: 'rollover sent as a string', body: { ...groceries, rollover: 'yes' }, pointer: '#/rollover' },
      { case: 'a whitespace-only name', body: { ...groceries, name: '   ' }, pointer: '#/name' },
      { case: 'a 101-character name', body: { ...groceries, name: 'x'.repeat(101) }, pointer: '#/name' },
      { case: 'a missing start_date', body: { name: 'No start', amount: 1, period: 'weekly' }, pointer: '#/start_date' },
    ])('answers 400 naming $pointer for $case', async ({ body, pointer }) => {
      const response = await t.api.post('/v1/budgets', body, { token: owner.token });
      expectValidationProblem(response, { pointer, in: 'body' });
      expect(await listAll(owner)).toEqual([]);
    });
  });

  it("answers 422 naming category_id for another user's category or an unknown one, creating nothing", async () => {
    const [owner, other] = [await newUser(), await newUser()];
    const foreign = await createCategory(other, { kind: 'expense' });
    for (const category_id of [foreign, randomUUID()]) {
      const response = await t.api.post('/v1/budgets', { ...groceries, category_id }, { token: owner.token });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ type: '/problems/unprocessable', errors: [expect.objectContaining({ pointer: '#/category_id' })] });
    }
    expect(await listAll(owner)).toEqual([]);
  });

  it('answers 400 naming start_date for a date outside 1900–2199', async () => {
    const owner = await newUser();
    const response = await t.api.post('/v1/budgets', { ...groceries, start_date: '1899-12-31' }, { token: owner.token });
    expect(response.status).toBe(400);
    expect(response.body.errors).toContainEqual(expect.objectContaining({ pointer: '#/start_date' }));
  });

  describe('with an Idempotency-Key', () => {
    const post = (owner: User, body: unknown, key: string) => t.api.post('/v1/budgets', body, { token: owner.token, headers: { 'Idempotency-Key': key } });

    it('replays the first answer to the same key and body, and creates one budget', async () => {
      const owner = await newUser();
      const key = randomUUID();
      const first = await post(owner, groceries, key);
      const second = await post(owner, groceries, key);
      expectReplay(first, second);
      expect((await listAll(owner)).map((budget) => budget.id)).toEqual([first.body.id]);
    });

    it('answers 422 to the same key with a different body', async () => {
      const owner = await newUser();
      const key = randomUUID();
      expect((await post(owner, groceries, key)).status).toBe(201);
      const second = await post(owner, { ...groceries, amount: 1 }, key);
      expect(second.status).toBe(422);
      expect(await listAll(owner)).toHaveLength(1);
    });
  });
});

describe('GET /v1/budgets', () => {
  it('pages through 5 budgets 2 at a time, oldest first, without repeats or gaps', async () => {
    const owner = await newUser();
    const created: Budget[] = [];
    for (let index = 0; index < 5; index += 1) created.push(await createBudget(owner));
    const pages = await pagesOf<Budget>(t.api, '/v1/budgets?limit=2', owner.token, 10);
    expect(pages).toHaveLength(3);
    const seen = pages.flatMap((page) => page.data);
    const oldestFirst = [...created].sort((a, b) => (a.created_at === b.created_at ? (a.id < b.id ? -1 : 1) : a.created_at < b.created_at ? -1 : 1));
    expect(seen).toEqual(oldestFirst);
  });

  it.each([
    { case: 'limit=0', query: 'limit=0', parameter: 'limit' },
    { case: 'limit=201', query: 'limit=201', parameter: 'limit' },
    { case: 'an unknown parameter', query: 'sort=name', parameter: 'sort' },
    { case: 'a cursor of characters outside base64url', query: 'cursor=%21%21', parameter: 'cursor' },
    { case: 'a cursor of random bytes', query: `cursor=${randomBytes(24).toString('base64url')}`, parameter: 'cursor' },
    { case: 'a cursor of JSON the list never issues', query: `cursor=${base64url({ after: 1 })}`, parameter: 'cursor' },
    { case: 'a cursor naming year 0000', query: `cursor=${base64url(['0000-01-01T00:00:00.000Z', randomUUID()])}`, parameter: 'cursor' },
  ])('answers 400 naming the parameter for $case', async ({ query, parameter }) => {
    const owner = await newUser();
    for (const path of ['/v1/budgets', '/v1/budgets/status']) {
      expectValidationProblem(await t.api.get(`${path}?${query}`, { token: owner.token }), { parameter, in: 'query' });
    }
  });
});

describe('GET, PATCH and DELETE /v1/budgets/{id}', () => {
  let owner: User;
  beforeAll(async () => {
    owner = await newUser();
  });

  it('answers the budget with the ETag it was created with', async () => {
    const created = await t.api.post('/v1/budgets', groceries, { token: owner.token });
    const response = await t.api.get(`/v1/budgets/${created.body.id}`, { token: owner.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(created.body);
    expect(response.headers.etag).toBe(created.headers.etag);
  });

  it('answers 404 for an unknown id and 400 for one that is not a uuid', async () => {
    expect((await t.api.get(`/v1/budgets/${randomUUID()}`, { token: owner.token })).status).toBe(404);
    expectValidationProblem(await t.api.get('/v1/budgets/nope', { token: owner.token }), { parameter: 'id', in: 'path' });
  });

  // The default of alert_threshold belongs to creation only: ajv's useDefaults would otherwise
  // write it into every PATCH that omits the field.
  it('leaves alert_threshold alone when a PATCH does not send it', async () => {
    const before = await createBudget(owner, { alert_threshold: 0.5 });
    const response = await t.api.patch(`/v1/budgets/${before.id}`, { amount: 65000 }, { token: owner.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ...before, amount: 65000, updated_at: response.body.updated_at });
  });

  it('changes every setting at once, and moves a budget between a category and all spending', async () => {
    const category = await createCategory(owner, { kind: 'expense' });
    const before = await createBudget(owner);
    const changes = { category_id: category, currency: 'GBP', period: 'yearly', start_date: '2025-04-06', rollover: true, alert_threshold: 1 };
    const response = await t.api.patch(`/v1/budgets/${before.id}`, changes, { token: owner.token });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject(changes);
    const back = await t.api.patch(`/v1/budgets/${before.id}`, { category_id: null }, { token: owner.token });
    expect(back.status).toBe(200);
    expect(back.body.category_id).toBeNull();
  });

  it("answers 422 to a PATCH naming another user's category, changing nothing", async () => {
    const other = await newUser();
    const foreign = await createCategory(other, { kind: 'expense' });
    const before = await createBudget(owner);
    const response = await t.api.patch(`/v1/budgets/${before.id}`, { category_id: foreign }, { token: owner.token });
    expect(response.status).toBe(422);
    expect(response.body.errors).toContainEqual(expect.objectContaining({ pointer: '#/category_id' }));
    expect((await t.api.get(`/v1/budgets/${before.id}`, { token: owner.token })).body).toEqual(before);
  });

  it('answers 400 to an empty PATCH body', async () => {
    const before = await createBudget(owner);
    expectValidationProblem(await t.api.patch(`/v1/budgets/${before.id}`, {}, { token: owner.token }), { pointer: '#', in: 'body' });
  });

  it('changes the fields sent, trimming the name, and a new ETag follows', async () => {
    const before = await createBudget(owner, { rollover: true, alert_threshold: 0.8 });
    const etag = (await t.api.get(`/v1/budgets/${before.id}`, { token: owner.token })).headers.etag;
    const response = await t.api.patch(`/v1/budgets/${before.id}`, { amount: 65000, name: '  Renamed ' }, { token: owner.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ...before, amount: 65000, name: 'Renamed', updated_at: response.body.updated_at });
    expect(response.headers.etag).not.toBe(etag);
    expect((await t.api.get(`/v1/budgets/${before.id}`, { token: owner.token })).headers.etag).toBe(response.headers.etag);
  });

  it.each([
    { case: 'an unknown field', body: { colour: 'red' }, pointer: '#/colour' },
    { case: 'an amount of 0', body: { amount: 0 }, pointer: '#/amount' },
    { case: 'an alert_threshold of 1.5', body: { alert_threshold: 1.5 }, pointer: '#/alert_threshold' },
    { case: 'start_date 2026-02-30', body: { start_date: '2026-02-30' }, pointer: '#/start_date' },
    { case: 'a null amount', body: { amount: null }, pointer: '#/amount' },
  ])('answers 400 naming $pointer to a PATCH with $case', async ({ body, pointer }) => {
    const before = await createBudget(owner);
    expectValidationProblem(await t.api.patch(`/v1/budgets/${before.id}`, body, { token: owner.token }), { pointer, in: 'body' });
    expect((await t.api.get(`/v1/budgets/${before.id}`, { token: owner.token })).body).toEqual(before);
  });

  it('answers 412 to a PATCH or DELETE whose If-Match names an old version, and applies a current one', async () => {
    const budget = await createBudget(owner);
    const stale = (await t.api.get(`/v1/budgets/${budget.id}`, { token: owner.token })).headers.etag as string;
    const changed = await t.api.patch(`/v1/budgets/${budget.id}`, { rollover: true }, { token: owner.token });
    const patch = await t.api.patch(`/v1/budgets/${budget.id}`, { amount: 1 }, { token: owner.token, headers: { 'If-Match': stale } });
    expect(patch.status).toBe(412);
    expect(patch.body).toMatchObject({ type: '/problems/precondition-failed' });
    const remove = await t.api.delete(`/v1/budgets/${budget.id}`, { token: owner.token, headers: { 'If-Match': stale } });
    expect(remove.status).toBe(412);
    expect((await t.api.get(`/v1/budgets/${budget.id}`, { token: owner.token })).body).toEqual(changed.body);

    const current = changed.headers.etag as string;
    const applied = await t.api.patch(`/v1/budgets/${budget.id}`, { amount: 1 }, { token: owner.token, headers: { 'If-Match': current } });
    expect(applied.status).toBe(200);
    const removed = await t.api.delete(`/v1/budgets/${budget.id}`, { token: owner.token, headers: { 'If-Match': applied.headers.etag as string } });
    expect(removed.status).toBe(204);
  });

  it('deletes: 204, then 404 for GET, DELETE and status, and gone from the lists', async () => {
    const keep = await createBudget(owner);
    const doomed = await createBudget(owner);
    const response = await t.api.delete(`/v1/budgets/${doomed.id}`, { token: owner.token });
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect((await t.api.get(`/v1/budgets/${doomed.id}`, { token: owner.token })).status).toBe(404);
    expect((await t.api.delete(`/v1/budgets/${doomed.id}`, { token: owner.token })).status).toBe(404);
    expect((await t.api.get(`/v1/budgets/${doomed.id}/status`, { token: owner.token })).status).toBe(404);
    const ids = (await listAll(owner)).map((budget) => budget.id);
    expect(ids).toContain(keep.id);
    expect(ids).not.toContain(doomed.id);
  });
});

describe("another user's budget", () => {
  let owner: User;
  let intruder: User;
  let budget: Budget;
  let etag: string;
  beforeAll(async () => {
    [owner, intruder] = [await newUser(), await newUser()];
    budget = await createBudget(owner);
    etag = (await t.api.get(`/v1/budgets/${budget.id}`, { token: owner.token })).headers.etag as string;
    await createBudget(intruder);
  });

  it('answers 404 to GET, PATCH, DELETE and status, exactly like a missing id, and stays unchanged', async () => {
    const missing = await t.api.get(`/v1/budgets/${randomUUID()}`, { token: intruder.token });
    const answers = [
      await t.api.get(`/v1/budgets/${budget.id}`, { token: intruder.token }),
      await t.api.patch(`/v1/budgets/${budget.id}`, { amount: 1 }, { token: intruder.token, headers: { 'If-Match': etag } }),
      await t.api.delete(`/v1/budgets/${budget.id}`, { token: intruder.token }),
    ];
    for (const answer of answers) expect(problemShape(answer)).toEqual(problemShape(missing));
    const status = await t.api.get(`/v1/budgets/${budget.id}/status?date=2026-03-01`, { token: intruder.token });
    expect(status.status).toBe(404);
    const after = await t.api.get(`/v1/budgets/${budget.id}`, { token: owner.token });
    expect(after.body).toEqual(budget);
    expect(after.headers.etag).toBe(etag);
  });

  it("never shows up in the other user's lists, even with the owner's cursor", async () => {
    await createBudget(owner);
    const ownerPage = await t.api.get('/v1/budgets?limit=1', { token: owner.token });
    const seen = [
      ...(await listAll(intruder)).map((item) => item.id),
      ...((await t.api.get('/v1/budgets/status?date=2026-03-01', { token: intruder.token })).body.data as Status[]).map((item) => item.budget_id),
      ...((await t.api.get(`/v1/budgets?cursor=${ownerPage.body.next_cursor}`, { token: intruder.token })).body.data as Budget[]).map((item) => item.id),
      ...((await t.api.get(`/v1/budgets/status?cursor=${ownerPage.body.next_cursor}`, { token: intruder.token })).body.data as Status[]).map((item) => item.budget_id),
    ];
    expect(seen.length).toBeGreaterThan(0);
    const ownerIds = (await listAll(owner)).map((item) => item.id);
    expect(seen.filter((id) => ownerIds.includes(id))).toEqual([]);
  });
});

describe('budget status', () => {
  let owner: User;
  let usd: string;
  let eur: string;
  const category: Record<'food' | 'groceries' | 'restaurants' | 'rent' | 'salary' | 'transfers', string> = {} as never;
  let food: Budget;
  let foodNoRollover: Budget;
  let everything: Budget;

  beforeAll(async () => {
    owner = await newUser();
    [usd, eur] = [(await createAccount(owner, { currency: 'USD' })).id, (await createAccount(owner, { currency: 'EUR' })).id];
    category.food = await createCategory(owner, { name: 'Food', kind: 'expense' });
    category.groceries = await createCategory(owner, { name: 'Groceries', parent_id: category.food });
    category.restaurants = await createCategory(owner, { name: 'Restaurants', parent_id: category.food });
    category.rent = await createCategory(owner, { name: 'Rent', kind: 'expense' });
    category.salary = await createCategory(owner, { name: 'Salary', kind: 'income' });
    category.transfers = await createCategory(owner, { name: 'Transfers', kind: 'transfer' });
    const row = (date: string, amount: number, where: string | null, extra: Partial<Row> = {}): Row => ({ account: usd, currency: 'USD', date, amount, category: where, ...extra });
    await insertTransactions(owner, [
      row('2026-01-05', -20000, category.groceries),
      row('2026-01-20', -10000, category.food), // the group itself counts too
      row('2026-02-03', -60000, category.restaurants),
      row('2026-02-10', 5000, category.groceries), // a refund
      row('2026-03-02', -12000, category.groceries),
      row('2026-03-10', -8000, category.groceries),
      row('2026-03-20', -30000, category.groceries), // after the status date: not spent yet
      row('2026-03-05', -100000, category.rent),
      row('2026-03-06', -7777, category.groceries, { account: eur, currency: 'EUR' }),
      row('2026-03-07', -4444, category.groceries, { transfer: true }),
      row('2026-03-08', -3333, null),
      row('2026-03-09', 500000, category.salary),
      row('2026-03-09', -1111, category.salary),
      row('2026-03-11', -2222, category.transfers),
    ]);
    food = await createBudget(owner, { name: 'Food', category_id: category.food, amount: 50000, start_date: '2026-01-01', rollover: true });
    foodNoRollover = await createBudget(owner, { name: 'Food, no rollover', category_id: category.food, amount: 50000, start_date: '2026-01-01' });
    everything = await createBudget(owner, { name: 'Everything', amount: 200000, start_date: '2026-03-01', rollover: true });
  });

  it('carries over what earlier periods left and counts child categories and refunds', async () => {
    // Jan: 30 000 spent of 50 000; Feb: 60 000 − 5 000 refund; carried = 2 × 50 000 − 85 000.
    expect(await statusOf(owner, food.id, '2026-03-15')).toEqual({
      budget_id: food.id,
      name: 'Food',
      currency: 'USD',
      date: '2026-03-15',
      period_start: '2026-03-01',
      period_end: '2026-03-31',
      budgeted: 50000,
      carried_over: 15000,
      spent: 20000,
      remaining: 45000,
      percent_used: 0.3077,
      state: 'ok',
      projected_spend: 41333,
      days_left: 17,
    });
  });

  it('counts later transactions of the period once the date reaches them', async () => {
    expect(await statusOf(owner, food.id, '2026-03-31')).toMatchObject({ spent: 50000, remaining: 15000, percent_used: 0.7692, state: 'ok', projected_spend: 50000, days_left: 1 });
  });

  it('turns warning from the alert threshold, and back to ok when a refund arrives', async () => {
    expect(await statusOf(owner, food.id, '2026-02-09')).toMatchObject({
      period_start: '2026-02-01',
      period_end: '2026-02-28',
      carried_over: 20000,
      spent: 60000,
      remaining: 10000,
      percent_used: 0.8571,
      state: 'warning',
      projected_spend: 186667,
      days_left: 20,
    });
    expect(await statusOf(owner, food.id, '2026-02-15')).toMatchObject({ spent: 55000, percent_used: 0.7857, state: 'ok' });
  });

  it('is over when spending exceeds what is available, and carries nothing without rollover', async () => {
    expect(await statusOf(owner, foodNoRollover.id, '2026-02-09')).toMatchObject({ carried_over: 0, spent: 60000, remaining: -10000, percent_used: 1.2, state: 'over' });
    expect(await statusOf(owner, foodNoRollover.id, '2026-03-15')).toMatchObject({ carried_over: 0, spent: 20000, remaining: 30000, percent_used: 0.4 });
  });

  it('counts only expense categories for an all-spending budget: not income, transfers, uncategorized or other currencies', async () => {
    expect(await statusOf(owner, everything.id, '2026-03-15')).toMatchObject({ carried_over: 0, spent: 120000, remaining: 80000, percent_used: 0.6, state: 'ok' });
  });

  it('counts only transactions in the budget currency', async () => {
    const euros = await createBudget(owner, { category_id: category.groceries, currency: 'EUR', amount: 7777, alert_threshold: 1 });
    expect(await statusOf(owner, euros.id, '2026-03-15')).toMatchObject({ currency: 'EUR', spent: 7777, remaining: 0, percent_used: 1, state: 'warning' });
  });

  it('carries nothing into periods before start_date', async () => {
    expect(await statusOf(owner, food.id, '2025-12-15')).toMatchObject({ period_start: '2025-12-01', period_end: '2025-12-31', carried_over: 0, spent: 0, percent_used: 0, projected_spend: 0 });
    expect(await statusOf(owner, everything.id, '2026-02-15')).toMatchObject({ period_start: '2026-02-01', carried_over: 0, spent: 60000 - 5000 });
  });

  it('follows weekly and yearly periods', async () => {
    const weekly = await createBudget(owner, { category_id: category.groceries, period: 'weekly', amount: 10000, start_date: '2026-01-01', rollover: true });
    // Week 9 is 2026-03-05..2026-03-11; weeks 0–8 spent 20 000 − 5 000 + 12 000.
    expect(await statusOf(owner, weekly.id, '2026-03-10')).toMatchObject({
      period_start: '2026-03-05',
      period_end: '2026-03-11',
      carried_over: 9 * 10000 - 27000,
      spent: 8000,
      days_left: 2,
      projected_spend: Math.round((8000 * 7) / 6),
    });
    const yearly = await createBudget(owner, { category_id: category.food, period: 'yearly', amount: 1000000, start_date: '2025-03-01' });
    expect(await statusOf(owner, yearly.id, '2026-03-01')).toMatchObject({ period_start: '2026-03-01', period_end: '2027-02-28', spent: 0, days_left: 365 });
    expect(await statusOf(owner, yearly.id, '2026-02-28')).toMatchObject({ period_start: '2025-03-01', period_end: '2026-02-28', spent: 85000, days_left: 1 });
  });

  it('evaluates today (UTC) when no date is given', async () => {
    const response = await t.api.get(`/v1/budgets/${food.id}/status`, { token: owner.token });
    expect(response.status).toBe(200);
    expect(response.body.date).toBe(new Date().toISOString().slice(0, 10));
  });

  it('answers 400 naming date for a date that does not exist or lies outside 1900–2199', async () => {
    for (const date of ['2026-02-30', 'today', '1899-12-31', '2200-01-01']) {
      expectValidationProblem(await t.api.get(`/v1/budgets/${food.id}/status?date=${date}`, { token: owner.token }), { parameter: 'date', in: 'query' });
      expectValidationProblem(await t.api.get(`/v1/budgets/status?date=${date}`, { token: owner.token }), { parameter: 'date', in: 'query' });
    }
  });

  it("lists every budget's status, oldest first, equal to each one's own, across pages", async () => {
    const budgets = await listAll(owner);
    const statuses = (await pagesOf<Status>(t.api, '/v1/budgets/status?date=2026-03-15&limit=2', owner.token)).flatMap((page) => page.data);
    expect(statuses.map((status) => status.budget_id)).toEqual(budgets.map((budget) => budget.id));
    for (const status of statuses) expect(status).toEqual(await statusOf(owner, status.budget_id, '2026-03-15'));
  });

  it('shows an empty page to a user without budgets', async () => {
    const response = await t.api.get('/v1/budgets/status', { token: (await newUser()).token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: [], next_cursor: null });
  });
});

describe('budget status over random ledgers', () => {
  type Where = 'group' | 'child' | 'other' | 'income' | 'none';
  type Generated = { amount: number; day: number; where: Where; transfer: boolean; currency: 'USD' | 'EUR' };

  it('spends and carries over exactly what a plain sum over the rows gives', async () => {
    const owner = await newUser();
    const accounts = { USD: (await createAccount(owner, { currency: 'USD' })).id, EUR: (await createAccount(owner, { currency: 'EUR' })).id };
    const group = await createCategory(owner, { name: 'Household', kind: 'expense' });
    const ids: Record<Where, string | null> = {
      group,
      child: await createCategory(owner, { name: 'Cleaning', parent_id: group }),
      other: await createCategory(owner, { name: 'Hobbies', kind: 'expense' }),
      income: await createCategory(owner, { name: 'Wages', kind: 'income' }),
      none: null,
    };
    const budgets = [
      await createBudget(owner, { category_id: group, period: 'monthly', start_date: '2026-01-15', rollover: true, amount: 40000 }),
      await createBudget(owner, { category_id: ids.child, period: 'weekly', start_date: '2026-01-03', rollover: true, amount: 5000 }),
      await createBudget(owner, { category_id: null, period: 'monthly', start_date: '2026-02-01', rollover: true, amount: 90000 }),
      await createBudget(owner, { category_id: group, currency: 'EUR', period: 'yearly', start_date: '2025-06-10', rollover: true, amount: 100000 }),
      await createBudget(owner, { category_id: null, currency: 'EUR', period: 'weekly', start_date: '2026-02-02', rollover: false, amount: 3000 }),
    ];
    const dayOf = (offset: number) => new Date(Date.UTC(2026, 0, 1 + offset)).toISOString().slice(0, 10);

    // The rule, spelled out: the budget's currency, no transfer leg, and the budget's category or
    // its child — or any expense category for an all-spending budget.
    const counted: Record<string, Where[]> = { [group]: ['group', 'child'], [ids.child!]: ['child'], all: ['group', 'child', 'other'] };
    const matches = (budget: Budget, row: Generated) =>
      row.currency === budget.currency && !row.transfer && counted[budget.category_id ?? 'all']!.includes(row.where);
    const spentBetween = (budget: Budget, rows: Generated[], from: string, to: string) =>
      rows.filter((row) => matches(budget, row) && from <= dayOf(row.day) && dayOf(row.day) <= to).reduce((sum, row) => sum - row.amount, 0);

    const ledger = fc.array(
      fc.record({
        amount: fc.integer({ min: -50000, max: 20000 }),
        day: fc.integer({ min: 0, max: 130 }),
        where: fc.constantFrom<Where>('group', 'child', 'other', 'income', 'none'),
        transfer: fc.integer({ min: 0, max: 3 }).map((draw) => draw === 0),
        currency: fc.constantFrom<'USD' | 'EUR'>('USD', 'EUR'),
      }),
      { maxLength: 30 },
    );

    await fc.assert(
      fc.asyncProperty(ledger, fc.integer({ min: 0, max: 140 }), async (rows, statusDay) => {
        await asOwner(t.database.url, 'delete from transactions where user_id = $1', [owner.id]);
        await insertTransactions(
          owner,
          rows.map((row) => ({ account: accounts[row.currency], currency: row.currency, date: dayOf(row.day), amount: row.amount, category: ids[row.where], transfer: row.transfer })),
        );
        const date = dayOf(statusDay);
        const response = await t.api.get(`/v1/budgets/status?date=${date}`, { token: owner.token });
        expect(response.status).toBe(200);
        const statuses = new Map((response.body.data as Status[]).map((status) => [status.budget_id, status]));
        for (const budget of budgets) {
          const period = periodContaining(budget, date);
          const status = statuses.get(budget.id)!;
          expect(status).toMatchObject({ period_start: period.start, period_end: period.end });
          expect(status.spent).toBe(spentBetween(budget, rows, period.start, date));
          const carried =
            budget.rollover && period.index > 0
              ? period.index * budget.amount - spentBetween(budget, rows, budget.start_date, dayBefore(period.start))
              : 0;
          expect(status.carried_over).toBe(carried);
          expect(status.remaining).toBe(budget.amount + carried - status.spent);
        }
      }),
      { numRuns: 25 },
    );
  });
});

/** The day before a 'YYYY-MM-DD' date. */
function dayBefore(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}
