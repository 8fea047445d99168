import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { categoryNamed, factoriesFor, type TestAccount, type TestUser, type TestCategory } from './helpers/factories.ts';
import { z } from 'zod';
import { sql } from '../src/db/sql.ts';
import { startTestApp, type TestApp, type Schema } from './helpers/app.ts';
import { pagesOf } from './helpers/pages.ts';
import { type Answer, base64url, problemShape, expectIdempotentRace, expectUnprocessable, expectValidationProblem, expectReplay, expectConflict } from './helpers/expectations.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

type Transaction = Schema<'Transaction'>;
type Category = TestCategory;
type Account = TestAccount;
type User = TestUser;
const { newUser, createAccount, categoriesOf, balanceOf, transactionsOf, transactionCount } = factoriesFor(() => t);

const item = (accountId: string, fields: Record<string, unknown> = {}) => ({
  account_id: accountId,
  date: '2026-03-14',
  amount: -450,
  description: 'CARD 4411 BLUE BOTTLE COFFEE SF',
  ...fields,
});

async function createTransaction(user: User, body: Record<string, unknown>): Promise<Transaction> {
  const response = await t.api.post('/v1/transactions', body, { token: user.token });
  expect(response.status).toBe(201);
  return response.body as Transaction;
}

const ids = (rows: { id: string }[]) => rows.map((row) => row.id);

/** The list order: date descending, then id descending. */
const listOrder = (a: Transaction, b: Transaction) =>
  a.date !== b.date ? (a.date < b.date ? 1 : -1) : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;

describe('POST /v1/transactions', () => {
  let user: User;
  let categories: Category[];
  beforeAll(async () => {
    user = await newUser();
    categories = await categoriesOf(user);
  });

  it("records an uncategorized transaction in the account's currency, posted by default, with Location and ETag", async () => {
    const euro = await createAccount(user, { currency: 'EUR' });
    const response = await t.api.post('/v1/transactions', item(euro.id), { token: user.token });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.any(String),
      account_id: euro.id,
      date: '2026-03-14',
      amount: -450,
      currency: 'EUR',
      description: 'CARD 4411 BLUE BOTTLE COFFEE SF',
      merchant: 'Blue Bottle Coffee', // cleaned from the description: none was given
      category_id: null,
      categorized_by: null,
      rule_id: null,
      notes: null,
      tags: [],
      external_id: null,
      status: 'posted',
      transfer_id: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(response.headers.location).toBe(`/v1/transactions/${response.body.id}`);
    expect(response.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(response.headers['idempotent-replayed']).toBeUndefined();

    const fetched = await t.api.get(response.headers.location as string, { token: user.token });
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(response.body);
    expect(fetched.headers.etag).toBe(response.headers.etag);
  });

  it('marks categorized_by user when category_id is given and keeps every optional field', async () => {
    const account = await createAccount(user);
    const coffee = categoryNamed(categories, 'Coffee', 'Food & Drink');
    const body = item(account.id, {
      description: '  CARD 4411 BLUE BOTTLE  ',
      merchant: 'Blue Bottle',
      category_id: coffee.id,
      notes: 'with the team',
      tags: ['business', 'reimbursable'],
      external_id: 'FITID-0001',
      status: 'pending',
    });
    const created = await createTransaction(user, body);
    expect(created).toMatchObject({
      account_id: account.id,
      currency: 'USD',
      description: 'CARD 4411 BLUE BOTTLE',
      merchant: 'Blue Bottle',
      category_id: coffee.id,
      categorized_by: 'user',
      notes: 'with the team',
      tags: ['business', 'reimbursable'],
      external_id: 'FITID-0001',
      status: 'pending',
    });
    expect((await t.api.get(`/v1/transactions/${created.id}`, { token: user.token })).body).toEqual(created);
  });

  it('accepts amounts at the ±10^15 bounds and zero', async () => {
    const account = await createAccount(user);
    for (const amount of [10 ** 15, -(10 ** 15), 0]) {
      expect((await createTransaction(user, item(account.id, { amount }))).amount).toBe(amount);
    }
  });

  it('answers 409 to an external_id the account already has, and allows it on another account', async () => {
    const [first, second] = [await createAccount(user), await createAccount(user)];
    await createTransaction(user, item(first.id, { external_id: 'DUP-1' }));
    const before = await transactionCount(user);
    const response = await t.api.post('/v1/transactions', item(first.id, { external_id: 'DUP-1' }), { token: user.token });
    expectConflict(response);
    expect(await transactionCount(user)).toBe(before);
    expect((await createTransaction(user, item(second.id, { external_id: 'DUP-1' }))).external_id).toBe('DUP-1');
  });

  it('keeps the account balance at opening_balance + the sum through creates, amount changes, moves and deletes', async () => {
    const checking = await createAccount(user, { opening_balance: 10_000 });
    const savings = await createAccount(user, { opening_balance: 500, type: 'savings' });
    const coffee = await createTransaction(user, item(checking.id, { amount: -450 }));
    const salary = await createTransaction(user, item(checking.id, { amount: 250_000, description: 'ACME PAYROLL' }));
    const rent = await createTransaction(user, item(checking.id, { amount: -120_000, description: 'RENT' }));
    expect(await balanceOf(user, checking.id)).toBe(10_000 - 450 + 250_000 - 120_000);
    expect(await balanceOf(user, savings.id)).toBe(500);

    expect((await t.api.patch(`/v1/transactions/${coffee.id}`, { amount: -999 }, { token: user.token })).status).toBe(200);
    expect(await balanceOf(user, checking.id)).toBe(10_000 - 999 + 250_000 - 120_000);

    const moved = await t.api.patch(`/v1/transactions/${salary.id}`, { account_id: savings.id }, { token: user.token });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ account_id: savings.id, currency: 'USD', amount: 250_000 });
    expect(await balanceOf(user, checking.id)).toBe(10_000 - 999 - 120_000);
    expect(await balanceOf(user, savings.id)).toBe(500 + 250_000);

    // Moving and changing the amount in one PATCH.
    expect((await t.api.patch(`/v1/transactions/${salary.id}`, { account_id: checking.id, amount: 260_000 }, { token: user.token })).status).toBe(200);
    expect(await balanceOf(user, checking.id)).toBe(10_000 - 999 - 120_000 + 260_000);
    expect(await balanceOf(user, savings.id)).toBe(500);

    expect((await t.api.delete(`/v1/transactions/${rent.id}`, { token: user.token })).status).toBe(204);
    expect(await balanceOf(user, checking.id)).toBe(10_000 - 999 + 260_000);

    // Nothing else changed the balance: it equals opening + the sum of what the list shows.
    const listed = await transactionsOf(user, `account_id=${checking.id}`);
    expect(await balanceOf(user, checking.id)).toBe(10_000 + listed.reduce((sum, row) => sum + row.amount, 0));
  });
});

describe('POST /v1/transactions/batch', () => {
  it('creates 1000 transactions at once, answers them in the order sent, and the balance follows', async () => {
    const user = await newUser();
    const account = await createAccount(user, { opening_balance: 1_000_000 });
    const items = Array.from({ length: 1000 }, (_, index) =>
      item(account.id, {
        amount: (index % 3 === 0 ? 1 : -1) * (index + 1) * 7,
        date: `2026-0${1 + (index % 9)}-${String(1 + (index % 28)).padStart(2, '0')}`,
        description: `BATCH ITEM ${index}`,
        ...(index % 10 === 0 ? { tags: [`t${index}`] } : {}),
      }),
    );
    const response = await t.api.post('/v1/transactions/batch', { transactions: items }, { token: user.token });
    expect(response.status).toBe(201);
    const data = response.body.data as Transaction[];
    expect(data).toHaveLength(1000);
    data.forEach((row, index) => {
      expect(row).toMatchObject({
        account_id: account.id,
        currency: 'USD',
        amount: items[index]!.amount,
        date: items[index]!.date,
        description: `BATCH ITEM ${index}`,
        tags: index % 10 === 0 ? [`t${index}`] : [],
        status: 'posted',
      });
    });
    expect(new Set(ids(data)).size).toBe(1000);
    expect(await transactionCount(user)).toBe(1000);
    const sum = items.reduce((total, entry) => total + (entry.amount as number), 0);
    expect(await balanceOf(user, account.id)).toBe(1_000_000 + sum);
    const listed = await transactionsOf(user);
    expect(ids(listed).sort()).toEqual(ids(data).sort());
  }, 60_000);

  describe('rejects the whole batch and writes nothing', () => {
    let user: User;
    let account: Account;
    let foreignAccount: Account;
    let foreignCategory: Category;
    beforeAll(async () => {
      user = await newUser();
      account = await createAccount(user, { opening_balance: 100 });
      const stranger = await newUser();
      foreignAccount = await createAccount(stranger);
      foreignCategory = categoryNamed(await categoriesOf(stranger), 'Groceries', 'Food & Drink');
      await createTransaction(user, item(account.id, { external_id: 'EXISTING-1', amount: -1 }));
    });

    const tenItems = (): Record<string, unknown>[] =>
      Array.from({ length: 10 }, (_, index) => item(account.id, { description: `ITEM ${index}`, amount: -(index + 1) }));

    it.each([
      { case: "another user's account_id", index: 3, field: 'account_id', change: () => ({ account_id: foreignAccount.id }) },
      { case: 'an account_id that does not exist', index: 0, field: 'account_id', change: () => ({ account_id: randomUUID() }) },
      { case: 'an unknown category_id', index: 7, field: 'category_id', change: () => ({ category_id: randomUUID() }) },
      { case: "another user's category_id", index: 9, field: 'category_id', change: () => ({ category_id: foreignCategory.id }) },
    ])('answers 422 pointing at #/transactions/<index>/$field for $case', async ({ index, field, change }) => {
      const before = await transactionCount(user);
      const items = tenItems();
      items[index] = { ...items[index]!, ...change() };
      const response = await t.api.post('/v1/transactions/batch', { transactions: items }, { token: user.token });
      expectUnprocessable(response, `#/transactions/${index}/${field}`);
      expect((response.body.errors as { pointer: string }[]).map((error) => error.pointer)).toEqual([`#/transactions/${index}/${field}`]);
      expect(await transactionCount(user)).toBe(before);
      expect(await balanceOf(user, account.id)).toBe(100 - 1);
    });

    it.each([
      { case: 'a fractional amount', index: 2, change: { amount: 1.5 }, pointer: '#/transactions/2/amount' },
      { case: 'an unknown property', index: 4, change: { colour: 'red' }, pointer: '#/transactions/4/colour' },
      { case: 'an impossible date', index: 5, change: { date: '2026-02-30' }, pointer: '#/transactions/5/date' },
      { case: 'an empty description', index: 9, change: { description: '' }, pointer: '#/transactions/9/description' },
      { case: 'a currency', index: 1, change: { currency: 'USD' }, pointer: '#/transactions/1/currency' },
    ])('answers 400 pointing inside the item for $case', async ({ index, change, pointer }) => {
      const before = await transactionCount(user);
      const items = tenItems();
      items[index] = { ...items[index]!, ...change };
      const response = await t.api.post('/v1/transactions/batch', { transactions: items }, { token: user.token });
      expectValidationProblem(response, { pointer, in: 'body' });
      expect(await transactionCount(user)).toBe(before);
    });

    it('answers 400 pointing at the missing field of an item', async () => {
      const items = tenItems();
      const { description: _dropped, ...rest } = items[6]!;
      items[6] = rest;
      const response = await t.api.post('/v1/transactions/batch', { transactions: items }, { token: user.token });
      expectValidationProblem(response, { pointer: '#/transactions/6/description', in: 'body' });
    });

    it('answers 400 to 1001 items, and to none', async () => {
      const before = await transactionCount(user);
      const tooMany = Array.from({ length: 1001 }, (_, index) => item(account.id, { description: `X ${index}` }));
      expectValidationProblem(await t.api.post('/v1/transactions/batch', { transactions: tooMany }, { token: user.token }), { pointer: '#/transactions', in: 'body' });
      expectValidationProblem(await t.api.post('/v1/transactions/batch', { transactions: [] }, { token: user.token }), { pointer: '#/transactions', in: 'body' });
      expect(await transactionCount(user)).toBe(before);
    });

    it('answers 409 to an external_id repeated within the batch', async () => {
      const before = await transactionCount(user);
      const items = tenItems();
      items[2] = { ...items[2]!, external_id: 'TWICE' };
      items[8] = { ...items[8]!, external_id: 'TWICE' };
      const response = await t.api.post('/v1/transactions/batch', { transactions: items }, { token: user.token });
      expectConflict(response);
      expect(await transactionCount(user)).toBe(before);
      expect(await balanceOf(user, account.id)).toBe(100 - 1);
    });

    it('answers 409 to an external_id the account already has', async () => {
      const before = await transactionCount(user);
      const items = tenItems();
      items[4] = { ...items[4]!, external_id: 'EXISTING-1' };
      const response = await t.api.post('/v1/transactions/batch', { transactions: items }, { token: user.token });
      expectConflict(response);
      expect(await transactionCount(user)).toBe(before);
      expect(await balanceOf(user, account.id)).toBe(100 - 1);
    });
  });
});

describe('rejects bad input to POST /v1/transactions', () => {
  let user: User;
  let account: Account;
  beforeAll(async () => {
    user = await newUser();
    account = await createAccount(user);
  });

  it.each([
    { case: 'an unknown field', change: { colour: 'red' }, pointer: '#/colour' },
    { case: 'a currency (not a property: it is the account’s)', change: { currency: 'USD' }, pointer: '#/currency' },
    { case: 'an id chosen by the client', change: { id: randomUUID() }, pointer: '#/id' },
    { case: 'a fractional amount', change: { amount: 1.5 }, pointer: '#/amount' },
    { case: 'an amount as a string', change: { amount: '100' }, pointer: '#/amount' },
    { case: 'an amount of 10^15 + 1', change: { amount: 10 ** 15 + 1 }, pointer: '#/amount' },
    { case: 'an amount of -(10^15 + 1)', change: { amount: -(10 ** 15) - 1 }, pointer: '#/amount' },
    { case: 'February 30th', change: { date: '2026-02-30' }, pointer: '#/date' },
    { case: 'month 13', change: { date: '2026-13-01' }, pointer: '#/date' },
    { case: 'a date without dashes', change: { date: '20260301' }, pointer: '#/date' },
    { case: 'a timestamp as the date', change: { date: '2026-03-01T00:00:00Z' }, pointer: '#/date' },
    { case: 'an empty description', change: { description: '' }, pointer: '#/description' },
    { case: 'a whitespace-only description', change: { description: ' \t ' }, pointer: '#/description' },
    { case: 'a 501-character description', change: { description: 'x'.repeat(501) }, pointer: '#/description' },
    { case: '21 tags', change: { tags: Array.from({ length: 21 }, (_, index) => `tag${index}`) }, pointer: '#/tags' },
    { case: 'duplicate tags', change: { tags: ['food', 'food'] }, pointer: '#/tags' },
    { case: 'a tag with a leading space', change: { tags: ['ok', ' food'] }, pointer: '#/tags/1' },
    { case: 'an empty tag', change: { tags: [''] }, pointer: '#/tags/0' },
    { case: 'an unknown status', change: { status: 'cleared' }, pointer: '#/status' },
    { case: 'an account_id that is not a uuid', change: { account_id: 'checking' }, pointer: '#/account_id' },
    { case: 'a category_id that is not a uuid', change: { category_id: 'food' }, pointer: '#/category_id' },
    { case: 'a null category_id', change: { category_id: null }, pointer: '#/category_id' },
    { case: 'a whitespace-only merchant', change: { merchant: '  ' }, pointer: '#/merchant' },
    { case: 'a 2001-character note', change: { notes: 'n'.repeat(2001) }, pointer: '#/notes' },
  ])('answers 400 naming $pointer for $case, and writes nothing', async ({ change, pointer }) => {
    const before = await transactionCount(user);
    const response = await t.api.post('/v1/transactions', { ...item(account.id), ...change }, { token: user.token });
    expectValidationProblem(response, { pointer, in: 'body' });
    expect(await transactionCount(user)).toBe(before);
  });

  it.each(['account_id', 'date', 'amount', 'description'])('answers 400 naming #/%s when it is missing', async (field) => {
    const body: Record<string, unknown> = item(account.id);
    delete body[field];
    expectValidationProblem(await t.api.post('/v1/transactions', body, { token: user.token }), { pointer: `#/${field}`, in: 'body' });
  });

  it('answers 400 naming #/date for 1850-01-01 (a real date outside the range the ledger keeps)', async () => {
    const before = await transactionCount(user);
    const response = await t.api.post('/v1/transactions', item(account.id, { date: '1850-01-01' }), { token: user.token });
    expectValidationProblem(response, { pointer: '#/date', in: 'body' });
    expect(await transactionCount(user)).toBe(before);
  });

  // 0000-01-01 passes the `date` format but PostgreSQL has no year 0: a client mistake, never a 500.
  it.each([
    { case: 'POST /v1/transactions', pointer: '#/date', send: () => t.api.post('/v1/transactions', item(account.id, { date: '0000-01-01' }), { token: user.token }) },
    {
      case: 'POST /v1/transactions/batch',
      pointer: '#/transactions/1/date',
      send: () => t.api.post('/v1/transactions/batch', { transactions: [item(account.id), item(account.id, { date: '0000-01-01' })] }, { token: user.token }),
    },
    {
      case: 'PATCH /v1/transactions/{id}',
      pointer: '#/date',
      send: async () => {
        const existing = await createTransaction(user, item(account.id));
        return t.api.patch(`/v1/transactions/${existing.id}`, { date: '0000-01-01' }, { token: user.token });
      },
    },
  ])('answers 400 or 422 naming the date, never 500, to $case with a date PostgreSQL cannot hold (0000-01-01)', async ({ send, pointer }) => {
    const response = await send();
    expect([400, 422]).toContain(response.status);
    expect(response.body.errors).toContainEqual(expect.objectContaining({ pointer, in: 'body' }));
  });

  it('accepts the range bounds 1900-01-01 and 2199-12-31', async () => {
    for (const date of ['1900-01-01', '2199-12-31']) {
      expect((await createTransaction(user, item(account.id, { date }))).date).toBe(date);
    }
  });
});

describe('GET /v1/transactions', () => {
  let user: User;
  let checking: Account;
  let savings: Account;
  let all: Transaction[];
  const named: Record<string, Transaction> = {};
  let foodAndDrink: Category;
  let groceries: Category;

  beforeAll(async () => {
    // The learned categorizer off (threshold 1): these rows stay as the test files them.
    user = await newUser({}, { autoCategorize: false });
    const categories = await categoriesOf(user);
    foodAndDrink = categoryNamed(categories, 'Food & Drink');
    groceries = categoryNamed(categories, 'Groceries', 'Food & Drink');
    const coffee = categoryNamed(categories, 'Coffee', 'Food & Drink');
    const salary = categoryNamed(categories, 'Salary', 'Income');
    const fuel = categoryNamed(categories, 'Fuel', 'Transportation');
    checking = await createAccount(user);
    savings = await createAccount(user, { type: 'savings' });
    const fixtures: Record<string, Record<string, unknown>> = {
      coffee: item(checking.id, { date: '2026-01-05', amount: -450, description: 'CARD 4411 BLUE BOTTLE COFFEE SF', merchant: 'Blue Bottle', category_id: coffee.id, tags: ['coffee'] }),
      groceries: item(checking.id, { date: '2026-01-10', amount: -8000, description: 'WHOLEFDS MKT #10234', merchant: 'Whole Foods', category_id: groceries.id, tags: ['food', 'weekly'] }),
      salary: item(savings.id, { date: '2026-01-15', amount: 250_000, description: 'ACME CORP PAYROLL', category_id: salary.id }),
      atm: item(checking.id, { date: '2026-01-20', amount: -500, description: 'ATM 500 WITHDRAWAL' }),
      discount: item(savings.id, { date: '2026-01-31', amount: -5000, description: 'DISCOUNT 50% OFF', notes: 'half price promo', tags: ['promo'] }),
      dinner: item(checking.id, { date: '2026-02-01', amount: -1234, description: 'SQ *SUPPER CLUB', notes: 'Airport dinner', category_id: foodAndDrink.id }),
      ride: item(checking.id, { date: '2026-02-01', amount: -2600, description: 'UBR* PENDING.UBER.COM', merchant: 'Uber Rides', category_id: fuel.id }),
      interestUnderscore: item(savings.id, { date: '2026-02-01', amount: 100, description: 'INTEREST_CREDIT' }),
      interestSpace: item(savings.id, { date: '2026-02-02', amount: 90, description: 'INTEREST CREDIT' }),
    };
    for (const [name, body] of Object.entries(fixtures)) named[name] = await createTransaction(user, body);
    all = Object.values(named);
  });

  const expectIds = async (query: string, expected: Transaction[]) => {
    const listed = await transactionsOf(user, query);
    expect(ids(listed)).toEqual(ids([...expected].sort(listOrder)));
  };

  it('lists everything ordered by date descending, then id descending', async () => {
    const response = await t.api.get('/v1/transactions', { token: user.token });
    expect(response.status).toBe(200);
    expect(response.body.next_cursor).toBeNull();
    expect(ids(response.body.data)).toEqual(ids([...all].sort(listOrder)));
    expect(response.body.data).toEqual(expect.arrayContaining(all));
  });

  it('pages with limit and next_cursor without repeats or gaps', async () => {
    const pages = await pagesOf<Transaction>(t.api, '/v1/transactions?limit=2', user.token, 20);
    for (const page of pages) expect(page.data.length).toBeLessThanOrEqual(2);
    expect(pages).toHaveLength(Math.ceil(all.length / 2));
    expect(ids(pages.flatMap((page) => page.data))).toEqual(ids([...all].sort(listOrder)));
  });

  it('filters by account_id', async () => {
    await expectIds(`account_id=${savings.id}`, [named.salary!, named.discount!, named.interestUnderscore!, named.interestSpace!]);
    await expectIds(`account_id=${randomUUID()}`, []);
  });

  it('filters by a category', async () => {
    await expectIds(`category_id=${groceries.id}`, [named.groceries!]);
  });

  it('filters by a group, taking in its categories and the group itself', async () => {
    await expectIds(`category_id=${foodAndDrink.id}`, [named.coffee!, named.groceries!, named.dinner!]);
  });

  it('filters by uncategorized=true and uncategorized=false', async () => {
    const without = [named.atm!, named.discount!, named.interestUnderscore!, named.interestSpace!];
    await expectIds('uncategorized=true', without);
    await expectIds('uncategorized=false', all.filter((row) => !without.includes(row)));
  });

  it('filters by from and to, both inclusive', async () => {
    await expectIds('from=2026-01-10&to=2026-01-20', [named.groceries!, named.salary!, named.atm!]);
    await expectIds('from=2026-02-01', [named.dinner!, named.ride!, named.interestUnderscore!, named.interestSpace!]);
    await expectIds('to=2026-01-05', [named.coffee!]);
    await expectIds('from=2026-02-01&to=2026-02-01', [named.dinner!, named.ride!, named.interestUnderscore!]);
  });

  it('answers 400 when from is after to', async () => {
    const response = await t.api.get('/v1/transactions?from=2026-02-01&to=2026-01-31', { token: user.token });
    expectValidationProblem(response, { in: 'query' });
  });

  it('filters by signed min_amount and max_amount, both inclusive', async () => {
    await expectIds('min_amount=-500&max_amount=0', [named.coffee!, named.atm!]);
    await expectIds('max_amount=-5000', [named.groceries!, named.discount!]);
    await expectIds('min_amount=100', [named.salary!, named.interestUnderscore!]);
    await expectIds('min_amount=-2600&max_amount=-1234', [named.dinner!, named.ride!]);
  });

  it('searches description, merchant and notes, case-insensitively', async () => {
    await expectIds('q=blue%20bottle', [named.coffee!]);
    await expectIds('q=whole%20foods', [named.groceries!]);
    await expectIds('q=UBER%20RIDES', [named.ride!]);
    await expectIds('q=airport', [named.dinner!]);
    await expectIds('q=PROMO', [named.discount!]);
    await expectIds('q=no-such-text', []);
  });

  it('treats % and _ in q as literal characters', async () => {
    await expectIds('q=50%25', [named.discount!]);
    await expectIds('q=st_cr', [named.interestUnderscore!]);
    await expectIds('q=%25', [named.discount!]);
    await expectIds('q=_', [named.interestUnderscore!]);
  });

  it('filters by tag', async () => {
    await expectIds('tag=food', [named.groceries!]);
    await expectIds('tag=promo', [named.discount!]);
    await expectIds('tag=foo', []);
  });

  it('combines filters with AND', async () => {
    await expectIds(`account_id=${checking.id}&uncategorized=false&max_amount=-1000`, [named.groceries!, named.dinner!, named.ride!]);
    await expectIds(`category_id=${foodAndDrink.id}&from=2026-01-06`, [named.groceries!, named.dinner!]);
  });

  it.each([
    { case: 'limit=201', query: 'limit=201', parameter: 'limit' },
    { case: 'limit=0', query: 'limit=0', parameter: 'limit' },
    { case: 'an account_id that is not a uuid', query: 'account_id=abc', parameter: 'account_id' },
    { case: 'uncategorized=maybe', query: 'uncategorized=maybe', parameter: 'uncategorized' },
    { case: 'an impossible from date', query: 'from=2026-02-30', parameter: 'from' },
    { case: 'min_amount above 10^15', query: `min_amount=${10 ** 15 + 1}`, parameter: 'min_amount' },
    { case: 'a fractional max_amount', query: 'max_amount=1.5', parameter: 'max_amount' },
    { case: 'an empty q', query: 'q=', parameter: 'q' },
    { case: 'an unknown parameter', query: 'sort=amount', parameter: 'sort' },
    { case: 'a cursor of random base64url bytes', query: `cursor=${randomBytes(24).toString('base64url')}`, parameter: 'cursor' },
    { case: 'a cursor of JSON the list never issues', query: `cursor=${base64url({ after: 'everything' })}`, parameter: 'cursor' },
    { case: 'a cursor with a bad id', query: `cursor=${base64url(['2026-01-01', 'not-a-uuid'])}`, parameter: 'cursor' },
    { case: 'a cursor with an impossible date', query: `cursor=${base64url(['2026-02-30', randomUUID()])}`, parameter: 'cursor' },
    { case: 'a cursor of characters outside base64url', query: 'cursor=%21%21not*a*cursor', parameter: 'cursor' },
  ])('answers 400 naming the parameter for $case', async ({ query, parameter }) => {
    const response = await t.api.get(`/v1/transactions?${query}`, { token: user.token });
    expectValidationProblem(response, { parameter, in: 'query' });
  });

  it('answers 400, never 500, to a well-shaped cursor naming a date PostgreSQL cannot hold', async () => {
    const response = await t.api.get(`/v1/transactions?cursor=${base64url(['0000-01-01', randomUUID()])}`, { token: user.token });
    expectValidationProblem(response, { parameter: 'cursor', in: 'query' });
  });

  it('never answers 500 to from/to dates PostgreSQL cannot hold', async () => {
    for (const query of ['from=0000-01-01', 'to=0000-12-31']) {
      const response = await t.api.get(`/v1/transactions?${query}`, { token: user.token });
      expect(response.status).not.toBe(500);
      expect([200, 400]).toContain(response.status);
    }
  });
});

describe('keyset pagination under concurrent inserts', () => {
  it('pages 1,100+ transactions 37 at a time while more arrive, seeing every original once and nothing twice', async () => {
    const user = await newUser();
    const account = await createAccount(user);
    const start = Date.UTC(2025, 0, 1);
    const dateAt = (day: number) => new Date(start + day * 86_400_000).toISOString().slice(0, 10);
    const original: string[] = [];
    for (let batch = 0; batch < 2; batch += 1) {
      const transactions = Array.from({ length: 550 }, (_, index) => {
        const n = batch * 550 + index;
        return item(account.id, { date: dateAt(n % 60), amount: -(n + 1), description: `ORIGINAL ${n}` });
      });
      const response = await t.api.post('/v1/transactions/batch', { transactions }, { token: user.token });
      expect(response.status).toBe(201);
      original.push(...ids(response.body.data));
    }
    expect(new Set(original).size).toBe(1100);

    let inserted = 0;
    const insertOne = async () => {
      inserted += 1;
      const day = Math.floor(Math.random() * 60);
      const response = await t.api.post('/v1/transactions', item(account.id, { date: dateAt(day), amount: 1, description: `LATE ${inserted}` }), { token: user.token });
      expect(response.status).toBe(201);
    };

    const seen: Transaction[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      // One insert races the page request; another lands between pages.
      const [response] = (await Promise.all([
        t.api.get(`/v1/transactions?limit=37${cursor ? `&cursor=${cursor}` : ''}`, { token: user.token }),
        insertOne(),
      ])) as [Answer, void];
      expect(response.status).toBe(200);
      expect(response.body.data.length).toBeLessThanOrEqual(37);
      seen.push(...(response.body.data as Transaction[]));
      cursor = response.body.next_cursor;
      pages += 1;
      await insertOne();
    } while (cursor !== null && pages < 200);

    expect(cursor).toBeNull();
    const seenIds = ids(seen);
    expect(new Set(seenIds).size).toBe(seenIds.length);
    const seenSet = new Set(seenIds);
    expect(original.filter((id) => !seenSet.has(id))).toEqual([]);
    // The whole walk is in list order: each row sorts strictly after the one before.
    for (let index = 1; index < seen.length; index += 1) expect(listOrder(seen[index - 1]!, seen[index]!)).toBe(-1);
    expect(await transactionCount(user)).toBe(1100 + inserted);
  }, 120_000);
});

describe("another user's transactions", () => {
  let owner: User;
  let intruder: User;
  let ownerAccount: Account;
  let ownerCategory: Category;
  let secret: Transaction;
  let intruderAccount: Account;
  let intruderOwn: Transaction;

  beforeAll(async () => {
    [owner, intruder] = [await newUser(), await newUser()];
    ownerAccount = await createAccount(owner, { opening_balance: 700 });
    ownerCategory = categoryNamed(await categoriesOf(owner), 'Groceries', 'Food & Drink');
    secret = await createTransaction(owner, item(ownerAccount.id, {
      description: 'ZEBRA SECRET PURCHASE', merchant: 'Zebra Market', notes: 'zebra notes', category_id: ownerCategory.id, tags: ['zebra'], amount: -321,
    }));
    intruderAccount = await createAccount(intruder);
    intruderOwn = await createTransaction(intruder, item(intruderAccount.id, { description: 'MY OWN COFFEE' }));
  });

  it('answers 404 to GET, PATCH and DELETE exactly like a missing id, and changes nothing', async () => {
    const missing = await t.api.get(`/v1/transactions/${randomUUID()}`, { token: intruder.token });
    const etag = (await t.api.get(`/v1/transactions/${secret.id}`, { token: owner.token })).headers.etag as string;
    const answers = [
      await t.api.get(`/v1/transactions/${secret.id}`, { token: intruder.token }),
      await t.api.patch(`/v1/transactions/${secret.id}`, { amount: 1, notes: 'mine' }, { token: intruder.token }),
      await t.api.patch(`/v1/transactions/${secret.id}`, { notes: 'mine' }, { token: intruder.token, headers: { 'If-Match': etag } }),
      await t.api.delete(`/v1/transactions/${secret.id}`, { token: intruder.token }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(problemShape(answer)).toEqual(problemShape(missing));
    }
    const after = await t.api.get(`/v1/transactions/${secret.id}`, { token: owner.token });
    expect(after.body).toEqual(secret);
    expect(await balanceOf(owner, ownerAccount.id)).toBe(700 - 321);
  });

  it('never lists them, whatever the filters or search', async () => {
    const queries = [
      '',
      `account_id=${ownerAccount.id}`,
      `category_id=${ownerCategory.id}`,
      'q=zebra',
      'q=ZEBRA%20SECRET',
      'tag=zebra',
      'uncategorized=false',
      'min_amount=-321&max_amount=-321',
      'from=2026-03-14&to=2026-03-14',
    ];
    for (const query of queries) {
      const listed = ids(await transactionsOf(intruder, query));
      expect(listed).not.toContain(secret.id);
    }
    expect(ids(await transactionsOf(intruder))).toEqual([intruderOwn.id]);
    expect(await transactionsOf(intruder, 'q=zebra')).toEqual([]);
    // The owner does find it (control).
    expect(ids(await transactionsOf(owner, 'q=zebra'))).toEqual([secret.id]);
  });

  it("cannot create on the other user's account (422 naming account_id), singly or in a batch", async () => {
    const before = await transactionCount(owner);
    expectUnprocessable(await t.api.post('/v1/transactions', item(ownerAccount.id), { token: intruder.token }), '#/account_id');
    expectUnprocessable(
      await t.api.post('/v1/transactions/batch', { transactions: [item(intruderAccount.id), item(ownerAccount.id)] }, { token: intruder.token }),
      '#/transactions/1/account_id',
    );
    expect(await transactionCount(owner)).toBe(before);
    expect(ids(await transactionsOf(intruder))).toEqual([intruderOwn.id]);
    expect(await balanceOf(owner, ownerAccount.id)).toBe(700 - 321);
  });

  it("cannot use the other user's category (422 naming category_id), on create or on PATCH", async () => {
    expectUnprocessable(await t.api.post('/v1/transactions', item(intruderAccount.id, { category_id: ownerCategory.id }), { token: intruder.token }), '#/category_id');
    expectUnprocessable(await t.api.patch(`/v1/transactions/${intruderOwn.id}`, { category_id: ownerCategory.id }, { token: intruder.token }), '#/category_id');
    expect(ids(await transactionsOf(intruder))).toEqual([intruderOwn.id]);
  });

  it("cannot move its own transaction onto the other user's account", async () => {
    expectUnprocessable(await t.api.patch(`/v1/transactions/${intruderOwn.id}`, { account_id: ownerAccount.id }, { token: intruder.token }), '#/account_id');
    expect((await t.api.get(`/v1/transactions/${intruderOwn.id}`, { token: intruder.token })).body.account_id).toBe(intruderAccount.id);
    expect(await balanceOf(owner, ownerAccount.id)).toBe(700 - 321);
  });
});

describe('row-level security under the application role', () => {
  const countTransactions = sql.type(z.object({ count: z.number() }))`select count(*)::int as count from transactions`;

  it("shows a query that forgets the user filter only the named user's rows, and none when nobody is named", async () => {
    const [a, b] = [await newUser(), await newUser()];
    const account = await createAccount(a);
    await createTransaction(a, item(account.id));
    await createTransaction(a, item(account.id, { amount: -1 }));
    expect(await transactionCount(a)).toBe(2);

    const asUser = (userId: string) =>
      t.pool.transaction(async (tx) => {
        await tx.query(sql.typeAlias('void')`select set_config('app.user_id', ${userId}, true)`);
        return tx.oneFirst(countTransactions);
      });
    expect(await asUser(b.id)).toBe(0);
    // Control: the same query as A sees A's rows.
    expect(await asUser(a.id)).toBe(2);
    expect(await t.pool.transaction((tx) => tx.oneFirst(countTransactions))).toBe(0);
    expect(await t.pool.oneFirst(countTransactions)).toBe(0);
  });

  it("does not let the application role write a row for another user than the one named", async () => {
    const [a, b] = [await newUser(), await newUser()];
    const account = await createAccount(a);
    const attempt = t.pool.transaction(async (tx) => {
      await tx.query(sql.typeAlias('void')`select set_config('app.user_id', ${b.id}, true)`);
      await tx.query(sql.typeAlias('void')`
        insert into transactions (user_id, account_id, currency, date, amount, description)
        values (${a.id}, ${account.id}, 'USD', '2026-03-14', -1, 'SNEAKY')
      `);
    });
    await expect(attempt).rejects.toThrow();
    expect(await transactionCount(a)).toBe(0);
  });
});

describe('PATCH /v1/transactions/{id}', () => {
  let user: User;
  let categories: Category[];
  let checking: Account;
  let other: Account;
  let euro: Account;
  beforeAll(async () => {
    // The learned categorizer off (threshold 1): what categorized_by says is the test's own doing.
    user = await newUser({}, { autoCategorize: false });
    categories = await categoriesOf(user);
    checking = await createAccount(user);
    other = await createAccount(user, { type: 'savings' });
    euro = await createAccount(user, { currency: 'EUR' });
  });

  const fresh = () =>
    createTransaction(user, item(checking.id, {
      merchant: 'Blue Bottle', notes: 'original note', tags: ['one'], external_id: `EXT-${randomUUID()}`,
      category_id: categoryNamed(categories, 'Coffee', 'Food & Drink').id,
    }));

  it.each([
    { field: 'date', change: () => ({ date: '2026-04-01' }), expected: () => ({ date: '2026-04-01' }) },
    { field: 'amount', change: () => ({ amount: -999 }), expected: () => ({ amount: -999 }) },
    { field: 'description', change: () => ({ description: '  NEW STATEMENT TEXT ' }), expected: () => ({ description: 'NEW STATEMENT TEXT' }) },
    { field: 'merchant', change: () => ({ merchant: 'Philz Coffee' }), expected: () => ({ merchant: 'Philz Coffee' }) },
    { field: 'merchant (cleared)', change: () => ({ merchant: null }), expected: () => ({ merchant: null }) },
    { field: 'notes', change: () => ({ notes: 'new note' }), expected: () => ({ notes: 'new note' }) },
    { field: 'notes (cleared)', change: () => ({ notes: null }), expected: () => ({ notes: null }) },
    { field: 'tags', change: () => ({ tags: ['two', 'three'] }), expected: () => ({ tags: ['two', 'three'] }) },
    { field: 'tags (emptied)', change: () => ({ tags: [] }), expected: () => ({ tags: [] }) },
    { field: 'external_id', change: () => ({ external_id: 'NEW-EXT' }), expected: () => ({ external_id: 'NEW-EXT' }) },
    { field: 'external_id (cleared)', change: () => ({ external_id: null }), expected: () => ({ external_id: null }) },
    { field: 'status', change: () => ({ status: 'pending' }), expected: () => ({ status: 'pending' }) },
    { field: 'account_id', change: () => ({ account_id: other.id }), expected: () => ({ account_id: other.id, currency: 'USD' }) },
    {
      field: 'category_id',
      change: () => ({ category_id: categoryNamed(categories, 'Groceries', 'Food & Drink').id }),
      expected: () => ({ category_id: categoryNamed(categories, 'Groceries', 'Food & Drink').id, categorized_by: 'user' }),
    },
    { field: 'category_id (null uncategorizes)', change: () => ({ category_id: null }), expected: () => ({ category_id: null, categorized_by: null }) },
  ])('changes $field alone and leaves the rest', async ({ change, expected }) => {
    const before = await fresh();
    const response = await t.api.patch(`/v1/transactions/${before.id}`, change(), { token: user.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ...before, ...expected(), updated_at: response.body.updated_at });
    expect(response.body.updated_at >= before.updated_at).toBe(true);
    expect(response.headers.etag).toMatch(/^"[\w-]+"$/);
    const fetched = await t.api.get(`/v1/transactions/${before.id}`, { token: user.token });
    expect(fetched.body).toEqual(response.body);
    expect(fetched.headers.etag).toBe(response.headers.etag);
  });

  it('categorizes an uncategorized transaction as categorized_by user', async () => {
    const before = await createTransaction(user, item(checking.id));
    expect(before.categorized_by).toBeNull();
    const fuel = categoryNamed(categories, 'Fuel', 'Transportation');
    const response = await t.api.patch(`/v1/transactions/${before.id}`, { category_id: fuel.id }, { token: user.token });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ category_id: fuel.id, categorized_by: 'user' });
  });

  it('answers 422 naming #/account_id when moving to an account in another currency, and changes nothing', async () => {
    const before = await fresh();
    const response = await t.api.patch(`/v1/transactions/${before.id}`, { account_id: euro.id }, { token: user.token });
    expectUnprocessable(response, '#/account_id');
    expect((await t.api.get(`/v1/transactions/${before.id}`, { token: user.token })).body).toEqual(before);
    expect(await balanceOf(user, euro.id)).toBe(0);
  });

  it('answers 400 naming #/date for a date outside the ledger range', async () => {
    const before = await fresh();
    expectValidationProblem(await t.api.patch(`/v1/transactions/${before.id}`, { date: '1850-01-01' }, { token: user.token }), { pointer: '#/date', in: 'body' });
  });

  it('answers 409 when the new external_id is taken on the account', async () => {
    const first = await fresh();
    const second = await fresh();
    const response = await t.api.patch(`/v1/transactions/${second.id}`, { external_id: first.external_id }, { token: user.token });
    expect(response.status).toBe(409);
    expect((await t.api.get(`/v1/transactions/${second.id}`, { token: user.token })).body).toEqual(second);
  });

  it.each([
    { case: 'an empty body', body: {}, pointer: '#' },
    { case: 'an unknown field', body: { colour: 'red' }, pointer: '#/colour' },
    { case: 'a currency', body: { currency: 'EUR' }, pointer: '#/currency' },
    { case: 'a fractional amount', body: { amount: 1.5 }, pointer: '#/amount' },
    { case: 'a null description', body: { description: null }, pointer: '#/description' },
    { case: 'a null amount', body: { amount: null }, pointer: '#/amount' },
    { case: 'an impossible date', body: { date: '2026-02-30' }, pointer: '#/date' },
    { case: 'duplicate tags', body: { tags: ['a', 'a'] }, pointer: '#/tags' },
  ])('answers 400 naming $pointer for $case', async ({ body, pointer }) => {
    const before = await fresh();
    expectValidationProblem(await t.api.patch(`/v1/transactions/${before.id}`, body, { token: user.token }), { pointer, in: 'body' });
    expect((await t.api.get(`/v1/transactions/${before.id}`, { token: user.token })).body).toEqual(before);
  });

  it('answers 404 for an id that does not exist', async () => {
    const response = await t.api.patch(`/v1/transactions/${randomUUID()}`, { notes: 'x' }, { token: user.token });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ type: '/problems/not-found' });
  });

  it('honours If-Match: a stale ETag answers 412 and changes nothing; the current one or * applies', async () => {
    const before = await fresh();
    const stale = (await t.api.get(`/v1/transactions/${before.id}`, { token: user.token })).headers.etag as string;
    const changed = await t.api.patch(`/v1/transactions/${before.id}`, { notes: 'first change' }, { token: user.token });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(stale);

    const rejected = await t.api.patch(`/v1/transactions/${before.id}`, { amount: -1 }, { token: user.token, headers: { 'If-Match': stale } });
    expect(rejected.status).toBe(412);
    expect(rejected.body).toMatchObject({ type: '/problems/precondition-failed', status: 412 });
    expect((await t.api.get(`/v1/transactions/${before.id}`, { token: user.token })).body).toEqual(changed.body);
    expect(await balanceOf(user, checking.id)).toBe((await transactionsOf(user, `account_id=${checking.id}`)).reduce((sum, row) => sum + row.amount, 0));

    const current = changed.headers.etag as string;
    const applied = await t.api.patch(`/v1/transactions/${before.id}`, { notes: 'second change' }, { token: user.token, headers: { 'If-Match': current } });
    expect(applied.status).toBe(200);
    expect(applied.body.notes).toBe('second change');
    const star = await t.api.patch(`/v1/transactions/${before.id}`, { notes: 'third change' }, { token: user.token, headers: { 'If-Match': '*' } });
    expect(star.status).toBe(200);
    expect(star.body.notes).toBe('third change');
  });

  describe('on a transfer leg', () => {
    let transfer: { id: string; from_transaction: Transaction; to_transaction: Transaction };
    let from: Account;
    let to: Account;
    let third: Account;
    beforeAll(async () => {
      from = await createAccount(user, { opening_balance: 10_000 });
      to = await createAccount(user, { type: 'savings' });
      third = await createAccount(user);
      const response = await t.api.post('/v1/transfers', { from_account_id: from.id, to_account_id: to.id, amount: 2500, date: '2026-03-14' }, { token: user.token });
      expect(response.status).toBe(201);
      transfer = response.body;
    });

    it.each([
      { case: 'its amount', leg: 'from_transaction', body: () => ({ amount: -3000 }) },
      { case: 'its amount (destination leg)', leg: 'to_transaction', body: () => ({ amount: 3000 }) },
      { case: 'its account', leg: 'to_transaction', body: () => ({ account_id: third.id }) },
    ] as const)('answers 422 to a change of $case and changes nothing', async ({ leg, body }) => {
      const response = await t.api.patch(`/v1/transactions/${transfer[leg].id}`, body(), { token: user.token });
      expectUnprocessable(response);
      expect((await t.api.get(`/v1/transactions/${transfer[leg].id}`, { token: user.token })).body).toMatchObject({
        amount: transfer[leg].amount,
        account_id: transfer[leg].account_id,
      });
      expect(await balanceOf(user, from.id)).toBe(10_000 - 2500);
      expect(await balanceOf(user, to.id)).toBe(2500);
      expect(await balanceOf(user, third.id)).toBe(0);
    });

    it('lets its notes change', async () => {
      const response = await t.api.patch(`/v1/transactions/${transfer.to_transaction.id}`, { notes: 'rainy day' }, { token: user.token });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ notes: 'rainy day', amount: 2500, transfer_id: transfer.id, account_id: to.id });
      expect(await balanceOf(user, to.id)).toBe(2500);
    });
  });
});

describe('DELETE /v1/transactions/{id}', () => {
  let user: User;
  let account: Account;
  beforeAll(async () => {
    user = await newUser();
    account = await createAccount(user, { opening_balance: 1000 });
  });

  it('answers 204, then 404, and the balance follows', async () => {
    const kept = await createTransaction(user, item(account.id, { amount: -100 }));
    const doomed = await createTransaction(user, item(account.id, { amount: -250 }));
    expect(await balanceOf(user, account.id)).toBe(1000 - 100 - 250);

    const response = await t.api.delete(`/v1/transactions/${doomed.id}`, { token: user.token });
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect((await t.api.get(`/v1/transactions/${doomed.id}`, { token: user.token })).status).toBe(404);
    expect((await t.api.delete(`/v1/transactions/${doomed.id}`, { token: user.token })).status).toBe(404);
    expect(await balanceOf(user, account.id)).toBe(1000 - 100);
    expect(ids(await transactionsOf(user, `account_id=${account.id}`))).toContain(kept.id);
    expect(ids(await transactionsOf(user))).not.toContain(doomed.id);
  });

  it('answers 412 to a stale If-Match and keeps the transaction; deletes with the current one', async () => {
    const target = await createTransaction(user, item(account.id, { amount: -5 }));
    const stale = (await t.api.get(`/v1/transactions/${target.id}`, { token: user.token })).headers.etag as string;
    const changed = await t.api.patch(`/v1/transactions/${target.id}`, { notes: 'changed' }, { token: user.token });
    const rejected = await t.api.delete(`/v1/transactions/${target.id}`, { token: user.token, headers: { 'If-Match': stale } });
    expect(rejected.status).toBe(412);
    expect((await t.api.get(`/v1/transactions/${target.id}`, { token: user.token })).status).toBe(200);
    const deleted = await t.api.delete(`/v1/transactions/${target.id}`, { token: user.token, headers: { 'If-Match': changed.headers.etag as string } });
    expect(deleted.status).toBe(204);
  });

  it('answers 400 naming the id for a path that is not a uuid', async () => {
    expectValidationProblem(await t.api.delete('/v1/transactions/not-a-uuid', { token: user.token }), { parameter: 'id', in: 'path' });
  });
});

describe('Idempotency-Key on transaction creates', () => {
  const post = (user: User, path: string, body: unknown, key: string) =>
    t.api.post(path, body, { token: user.token, headers: { 'Idempotency-Key': key } });

  it('replays the first answer to the same key and body, with one row written', async () => {
    const user = await newUser();
    const account = await createAccount(user, { opening_balance: 100 });
    const key = randomUUID();
    const body = item(account.id, { amount: -40, tags: ['x'] });
    const first = await post(user, '/v1/transactions', body, key);
    const second = await post(user, '/v1/transactions', body, key);
    expectReplay(first, second);
    expect(ids(await transactionsOf(user))).toEqual([first.body.id]);
    expect(await balanceOf(user, account.id)).toBe(60);
  });

  it('replays the first answer even where repeating the create would now fail (its external_id is taken by the first)', async () => {
    const user = await newUser();
    const account = await createAccount(user);
    const key = randomUUID();
    const body = item(account.id, { amount: -12, external_id: 'FITID-REPLAY' });
    const first = await post(user, '/v1/transactions', body, key);
    const second = await post(user, '/v1/transactions', body, key);
    expectReplay(first, second);
    // Run again, the create is refused as a duplicate; the replay rolled that back and answered the stored 201.
    expect((await t.api.post('/v1/transactions', body, { token: user.token })).status).toBe(409);
    expect(ids(await transactionsOf(user))).toEqual([first.body.id]);
    expect(await balanceOf(user, account.id)).toBe(-12);
  });

  it('answers 422 to a reused key whose new body would fail on its own, naming the key, not the body', async () => {
    const user = await newUser();
    const account = await createAccount(user);
    const key = randomUUID();
    expect((await post(user, '/v1/transactions', item(account.id, { amount: -5 }), key)).status).toBe(201);
    const reused = await post(user, '/v1/transactions', item(randomUUID(), { amount: -5 }), key);
    expectUnprocessable(reused);
    expect(reused.body.detail).toMatch(/Idempotency-Key was already used/);
    expect(await transactionCount(user)).toBe(1);
  });

  it('answers 422 to the same key with a different body, writing nothing more', async () => {
    const user = await newUser();
    const account = await createAccount(user);
    const key = randomUUID();
    const first = await post(user, '/v1/transactions', item(account.id, { amount: -40 }), key);
    const second = await post(user, '/v1/transactions', item(account.id, { amount: -41 }), key);
    expect(first.status).toBe(201);
    expectUnprocessable(second);
    expect(ids(await transactionsOf(user))).toEqual([first.body.id]);
  });

  it('creates exactly one row when two requests with one key race; the other answers 409 or a replay', async () => {
    const user = await newUser();
    const account = await createAccount(user);
    const key = randomUUID();
    const body = item(account.id, { amount: -77 });
    const fresh = expectIdempotentRace(await Promise.all([post(user, '/v1/transactions', body, key), post(user, '/v1/transactions', body, key)]));
    expect(ids(await transactionsOf(user))).toEqual([fresh.body.id]);
    expect(await balanceOf(user, account.id)).toBe(-77);
  });

  it('replays a batch with the same ids, in the same order', async () => {
    const user = await newUser();
    const account = await createAccount(user);
    const key = randomUUID();
    const body = { transactions: Array.from({ length: 25 }, (_, index) => item(account.id, { amount: -(index + 1), description: `BATCH ${index}` })) };
    const first = await post(user, '/v1/transactions/batch', body, key);
    const second = await post(user, '/v1/transactions/batch', body, key);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(ids(second.body.data)).toEqual(ids(first.body.data));
    expect(second.body).toEqual(first.body);
    expect(await transactionCount(user)).toBe(25);
    expect(await balanceOf(user, account.id)).toBe(-((25 * 26) / 2));

    const different = await post(user, '/v1/transactions/batch', { transactions: body.transactions.slice(1) }, key);
    expect(different.status).toBe(422);
    expect(await transactionCount(user)).toBe(25);
  });

  it('does not keep the key of a failed request', async () => {
    const user = await newUser();
    const account = await createAccount(user);
    const key = randomUUID();
    const failed = await post(user, '/v1/transactions', item(randomUUID()), key);
    expect(failed.status).toBe(422);
    const retried = await post(user, '/v1/transactions', item(account.id), key);
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(await transactionCount(user)).toBe(1);
  });
});
