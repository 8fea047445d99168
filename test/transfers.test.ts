import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { categoryNamed, factoriesFor, type TestAccount, type TestUser, type TestCategory } from './helpers/factories.ts';
import { startTestApp, type TestApp, type Schema } from './helpers/app.ts';
import { expectUnprocessable, expectValidationProblem, expectReplay } from './helpers/expectations.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

type Transfer = Schema<'Transfer'>;
type Category = TestCategory;
type Account = TestAccount;
type User = TestUser;
const { newUser, createAccount, categoriesOf, balanceOf, transactionsOf, transactionCount } = factoriesFor(() => t);

const transactionIds = async (user: User) => (await transactionsOf(user)).map((row) => row.id).sort();

describe('a transfer between two USD accounts', () => {
  let user: User;
  let transfersGroup: Category;
  let checking: Account;
  let savings: Account;
  beforeAll(async () => {
    user = await newUser();
    const categories = await categoriesOf(user);
    transfersGroup = categoryNamed(categories, 'Transfers');
    checking = await createAccount(user, { name: 'Everyday', opening_balance: 100_000 });
    savings = await createAccount(user, { name: 'Rainy day', type: 'savings', opening_balance: 5_000 });
  });

  it('uses the default Transfers group, a transfer-kind top-level category', () => {
    expect(transfersGroup).toMatchObject({ kind: 'transfer', parent_id: null });
  });

  it('records two legs, -amount and +amount, sharing the transfer_id, in the Transfers group; balances follow', async () => {
    const body = { from_account_id: checking.id, to_account_id: savings.id, amount: 25_000, date: '2026-03-14', description: 'Monthly savings', notes: 'auto' };
    const response = await t.api.post('/v1/transfers', body, { token: user.token });
    expect(response.status).toBe(201);
    const transfer = response.body as Transfer;
    expect(response.headers.location).toBe(`/v1/transfers/${transfer.id}`);
    const common = { date: '2026-03-14', currency: 'USD', description: 'Monthly savings', notes: 'auto', category_id: transfersGroup.id, categorized_by: 'user', transfer_id: transfer.id };
    expect(transfer.from_transaction).toMatchObject({ ...common, account_id: checking.id, amount: -25_000 });
    expect(transfer.to_transaction).toMatchObject({ ...common, account_id: savings.id, amount: 25_000 });
    expect(transfer.from_transaction.id).not.toBe(transfer.to_transaction.id);

    expect(await balanceOf(user, checking.id)).toBe(100_000 - 25_000);
    expect(await balanceOf(user, savings.id)).toBe(5_000 + 25_000);

    // Each leg is an ordinary transaction as well.
    for (const leg of [transfer.from_transaction, transfer.to_transaction]) {
      const fetched = await t.api.get(`/v1/transactions/${leg.id}`, { token: user.token });
      expect(fetched.status).toBe(200);
      expect(fetched.body).toEqual(leg);
    }

    const fetched = await t.api.get(`/v1/transfers/${transfer.id}`, { token: user.token });
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(transfer);
    expect(fetched.body.from_transaction.amount).toBeLessThan(0);

    expect((await t.api.delete(`/v1/transfers/${transfer.id}`, { token: user.token })).status).toBe(204);
    expect((await t.api.get(`/v1/transfers/${transfer.id}`, { token: user.token })).status).toBe(404);
    for (const leg of [transfer.from_transaction, transfer.to_transaction]) {
      expect((await t.api.get(`/v1/transactions/${leg.id}`, { token: user.token })).status).toBe(404);
    }
    expect(await balanceOf(user, checking.id)).toBe(100_000);
    expect(await balanceOf(user, savings.id)).toBe(5_000);
    expect((await t.api.delete(`/v1/transfers/${transfer.id}`, { token: user.token })).status).toBe(404);
  });

  it('names the legs after the other account when no description is given', async () => {
    const response = await t.api.post('/v1/transfers', { from_account_id: checking.id, to_account_id: savings.id, amount: 1, date: '2026-03-15' }, { token: user.token });
    expect(response.status).toBe(201);
    expect(response.body.from_transaction.description).toContain('Rainy day');
    expect(response.body.to_transaction.description).toContain('Everyday');
    expect((await t.api.delete(`/v1/transfers/${response.body.id}`, { token: user.token })).status).toBe(204);
  });

  it('deletes both legs when one is deleted through DELETE /v1/transactions/{id}', async () => {
    const before = await transactionCount(user);
    const response = await t.api.post('/v1/transfers', { from_account_id: savings.id, to_account_id: checking.id, amount: 700, date: '2026-03-16' }, { token: user.token });
    expect(response.status).toBe(201);
    const transfer = response.body as Transfer;
    expect(await transactionCount(user)).toBe(before + 2);
    expect(await balanceOf(user, savings.id)).toBe(5_000 - 700);

    expect((await t.api.delete(`/v1/transactions/${transfer.to_transaction.id}`, { token: user.token })).status).toBe(204);
    expect((await t.api.get(`/v1/transactions/${transfer.from_transaction.id}`, { token: user.token })).status).toBe(404);
    expect((await t.api.get(`/v1/transfers/${transfer.id}`, { token: user.token })).status).toBe(404);
    expect(await transactionCount(user)).toBe(before);
    expect(await balanceOf(user, checking.id)).toBe(100_000);
    expect(await balanceOf(user, savings.id)).toBe(5_000);
  });

  it('accepts a to_amount equal to amount', async () => {
    const response = await t.api.post('/v1/transfers', { from_account_id: checking.id, to_account_id: savings.id, amount: 300, to_amount: 300, date: '2026-03-17' }, { token: user.token });
    expect(response.status).toBe(201);
    expect(response.body.to_transaction.amount).toBe(300);
    expect((await t.api.delete(`/v1/transfers/${response.body.id}`, { token: user.token })).status).toBe(204);
  });

  it('files it under another transfer category when asked', async () => {
    const savingsCategory = categoryNamed(await categoriesOf(user), 'Savings', 'Transfers');
    const response = await t.api.post(
      '/v1/transfers',
      { from_account_id: checking.id, to_account_id: savings.id, amount: 10, date: '2026-03-18', category_id: savingsCategory.id },
      { token: user.token },
    );
    expect(response.status).toBe(201);
    expect(response.body.from_transaction).toMatchObject({ category_id: savingsCategory.id, categorized_by: 'user' });
    expect(response.body.to_transaction).toMatchObject({ category_id: savingsCategory.id, categorized_by: 'user' });
    expect((await t.api.delete(`/v1/transfers/${response.body.id}`, { token: user.token })).status).toBe(204);
  });

  it('answers 404 to GET and DELETE of a transfer id that does not exist, or of a plain transaction id', async () => {
    const plain = await t.api.post('/v1/transactions', { account_id: checking.id, date: '2026-03-14', amount: -1, description: 'PLAIN' }, { token: user.token });
    expect(plain.status).toBe(201);
    for (const id of [randomUUID(), plain.body.id as string]) {
      expect((await t.api.get(`/v1/transfers/${id}`, { token: user.token })).status).toBe(404);
      expect((await t.api.delete(`/v1/transfers/${id}`, { token: user.token })).status).toBe(404);
    }
    expect((await t.api.get(`/v1/transactions/${plain.body.id}`, { token: user.token })).status).toBe(200);
    expect((await t.api.delete(`/v1/transactions/${plain.body.id}`, { token: user.token })).status).toBe(204);
  });
});

describe('a transfer between accounts in different currencies', () => {
  let user: User;
  let dollars: Account;
  let euros: Account;
  let yen: Account;
  beforeAll(async () => {
    user = await newUser();
    dollars = await createAccount(user, { opening_balance: 100_000 });
    euros = await createAccount(user, { currency: 'EUR' });
    yen = await createAccount(user, { currency: 'JPY' });
  });

  it('answers 422 naming #/to_amount when to_amount is absent, and writes nothing', async () => {
    const before = await transactionCount(user);
    const response = await t.api.post('/v1/transfers', { from_account_id: dollars.id, to_account_id: euros.id, amount: 10_000, date: '2026-03-14' }, { token: user.token });
    expectUnprocessable(response, '#/to_amount');
    expect(await transactionCount(user)).toBe(before);
    expect(await balanceOf(user, dollars.id)).toBe(100_000);
  });

  it("records each leg in its own account's currency with its own amount", async () => {
    const response = await t.api.post(
      '/v1/transfers',
      { from_account_id: dollars.id, to_account_id: euros.id, amount: 10_000, to_amount: 9_150, date: '2026-03-14' },
      { token: user.token },
    );
    expect(response.status).toBe(201);
    const transfer = response.body as Transfer;
    expect(transfer.from_transaction).toMatchObject({ account_id: dollars.id, currency: 'USD', amount: -10_000, transfer_id: transfer.id });
    expect(transfer.to_transaction).toMatchObject({ account_id: euros.id, currency: 'EUR', amount: 9_150, transfer_id: transfer.id });
    expect(await balanceOf(user, dollars.id)).toBe(90_000);
    expect(await balanceOf(user, euros.id)).toBe(9_150);
    expect((await t.api.get(`/v1/transfers/${transfer.id}`, { token: user.token })).body).toEqual(transfer);

    const toYen = await t.api.post(
      '/v1/transfers',
      { from_account_id: euros.id, to_account_id: yen.id, amount: 1_000, to_amount: 1_620, date: '2026-03-15' },
      { token: user.token },
    );
    expect(toYen.status).toBe(201);
    expect(toYen.body.from_transaction).toMatchObject({ currency: 'EUR', amount: -1_000 });
    expect(toYen.body.to_transaction).toMatchObject({ currency: 'JPY', amount: 1_620 });
    expect(await balanceOf(user, euros.id)).toBe(8_150);
    expect(await balanceOf(user, yen.id)).toBe(1_620);
  });

  it('answers 422 naming #/to_amount when accounts share a currency and to_amount differs from amount', async () => {
    const other = await createAccount(user);
    const before = await transactionCount(user);
    const response = await t.api.post(
      '/v1/transfers',
      { from_account_id: dollars.id, to_account_id: other.id, amount: 500, to_amount: 501, date: '2026-03-14' },
      { token: user.token },
    );
    expectUnprocessable(response, '#/to_amount');
    expect(await transactionCount(user)).toBe(before);
  });
});

describe('rejects a transfer', () => {
  let user: User;
  let stranger: User;
  let from: Account;
  let to: Account;
  let strangerAccount: Account;
  let categories: Category[];
  beforeAll(async () => {
    [user, stranger] = [await newUser(), await newUser()];
    from = await createAccount(user, { opening_balance: 1_000 });
    to = await createAccount(user);
    strangerAccount = await createAccount(stranger, { opening_balance: 50 });
    categories = await categoriesOf(user);
  });

  const body = (fields: Record<string, unknown> = {}) => ({ from_account_id: from.id, to_account_id: to.id, amount: 100, date: '2026-03-14', ...fields });

  it.each([
    { case: 'from and to the same account', fields: () => ({ to_account_id: from.id }), pointer: '#/to_account_id' },
    { case: "to another user's account", fields: () => ({ to_account_id: strangerAccount.id }), pointer: '#/to_account_id' },
    { case: "from another user's account", fields: () => ({ from_account_id: strangerAccount.id }), pointer: '#/from_account_id' },
    { case: 'to an account that does not exist', fields: () => ({ to_account_id: randomUUID() }), pointer: '#/to_account_id' },
    { case: 'in an expense category', fields: () => ({ category_id: categoryNamed(categories, 'Groceries', 'Food & Drink').id }), pointer: '#/category_id' },
    { case: 'in an income category', fields: () => ({ category_id: categoryNamed(categories, 'Income').id }), pointer: '#/category_id' },
    { case: 'in a category that does not exist', fields: () => ({ category_id: randomUUID() }), pointer: '#/category_id' },
  ])('with 422 naming $pointer $case, writing nothing', async ({ fields, pointer }) => {
    const response = await t.api.post('/v1/transfers', body(fields()), { token: user.token });
    expectUnprocessable(response, pointer);
    expect(await transactionCount(user)).toBe(0);
    expect(await transactionCount(stranger)).toBe(0);
    expect(await balanceOf(user, from.id)).toBe(1_000);
    expect(await balanceOf(stranger, strangerAccount.id)).toBe(50);
  });

  it("with 422 when filed under another user's transfer category", async () => {
    const foreign = categoryNamed(await categoriesOf(stranger), 'Transfers');
    expectUnprocessable(await t.api.post('/v1/transfers', body({ category_id: foreign.id }), { token: user.token }), '#/category_id');
    expect(await transactionCount(user)).toBe(0);
  });

  it.each([
    { case: 'an amount of 0', fields: { amount: 0 }, pointer: '#/amount' },
    { case: 'a negative amount', fields: { amount: -100 }, pointer: '#/amount' },
    { case: 'a fractional amount', fields: { amount: 1.5 }, pointer: '#/amount' },
    { case: 'an amount above 10^15', fields: { amount: 10 ** 15 + 1 }, pointer: '#/amount' },
    { case: 'a to_amount of 0', fields: { to_amount: 0 }, pointer: '#/to_amount' },
    { case: 'a negative to_amount', fields: { to_amount: -5 }, pointer: '#/to_amount' },
    { case: 'an impossible date', fields: { date: '2026-02-30' }, pointer: '#/date' },
    { case: 'an unknown field', fields: { currency: 'USD' }, pointer: '#/currency' },
    { case: 'a from_account_id that is not a uuid', fields: { from_account_id: 'checking' }, pointer: '#/from_account_id' },
  ])('with 400 naming $pointer for $case', async ({ fields, pointer }) => {
    expectValidationProblem(await t.api.post('/v1/transfers', body(fields), { token: user.token }), { pointer, in: 'body' });
    expect(await transactionCount(user)).toBe(0);
  });

  it('with 400 naming #/date for a date outside the ledger range (1850-01-01)', async () => {
    expectValidationProblem(await t.api.post('/v1/transfers', body({ date: '1850-01-01' }), { token: user.token }), { pointer: '#/date', in: 'body' });
    expect(await transactionCount(user)).toBe(0);
  });

  it('with 400 or 422 naming #/date, never 500, for a date PostgreSQL cannot hold (0000-01-01)', async () => {
    const response = await t.api.post('/v1/transfers', body({ date: '0000-01-01' }), { token: user.token });
    expect([400, 422]).toContain(response.status);
    expect(response.body.errors).toContainEqual(expect.objectContaining({ pointer: '#/date', in: 'body' }));
    expect(await transactionCount(user)).toBe(0);
  });

  it.each(['from_account_id', 'to_account_id', 'amount', 'date'])('with 400 naming #/%s when it is missing', async (field) => {
    const incomplete: Record<string, unknown> = body();
    delete incomplete[field];
    expectValidationProblem(await t.api.post('/v1/transfers', incomplete, { token: user.token }), { pointer: `#/${field}`, in: 'body' });
  });
});

describe("another user's transfer", () => {
  it('answers 404 to GET and DELETE, and both legs stay', async () => {
    const [owner, intruder] = [await newUser(), await newUser()];
    const from = await createAccount(owner, { opening_balance: 1_000 });
    const to = await createAccount(owner);
    const created = await t.api.post('/v1/transfers', { from_account_id: from.id, to_account_id: to.id, amount: 400, date: '2026-03-14' }, { token: owner.token });
    expect(created.status).toBe(201);
    const transfer = created.body as Transfer;

    const missing = await t.api.get(`/v1/transfers/${randomUUID()}`, { token: intruder.token });
    const read = await t.api.get(`/v1/transfers/${transfer.id}`, { token: intruder.token });
    expect(read.status).toBe(404);
    expect({ type: read.body.type, detail: read.body.detail }).toEqual({ type: missing.body.type, detail: missing.body.detail });
    expect((await t.api.delete(`/v1/transfers/${transfer.id}`, { token: intruder.token })).status).toBe(404);
    for (const leg of [transfer.from_transaction, transfer.to_transaction]) {
      expect((await t.api.get(`/v1/transactions/${leg.id}`, { token: intruder.token })).status).toBe(404);
      expect((await t.api.delete(`/v1/transactions/${leg.id}`, { token: intruder.token })).status).toBe(404);
    }

    expect((await t.api.get(`/v1/transfers/${transfer.id}`, { token: owner.token })).body).toEqual(transfer);
    expect(await balanceOf(owner, from.id)).toBe(600);
    expect(await balanceOf(owner, to.id)).toBe(400);
    expect(await transactionIds(intruder)).toEqual([]);
  });
});

describe('Idempotency-Key on POST /v1/transfers', () => {
  it('replays the first answer to the same key and body, writing two legs once', async () => {
    const user = await newUser();
    const from = await createAccount(user, { opening_balance: 1_000 });
    const to = await createAccount(user);
    const key = randomUUID();
    const body = { from_account_id: from.id, to_account_id: to.id, amount: 250, date: '2026-03-14', description: 'Savings' };
    const post = (payload: unknown) => t.api.post('/v1/transfers', payload, { token: user.token, headers: { 'Idempotency-Key': key } });

    const first = await post(body);
    const second = await post(body);
    expectReplay(first, second);
    expect(await transactionIds(user)).toEqual([first.body.from_transaction.id, first.body.to_transaction.id].sort());
    expect(await balanceOf(user, from.id)).toBe(750);
    expect(await balanceOf(user, to.id)).toBe(250);

    const different = await post({ ...body, amount: 251 });
    expect(different.status).toBe(422);
    expect(await transactionCount(user)).toBe(2);
  });
});
