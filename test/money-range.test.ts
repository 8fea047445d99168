// Money that would grow past what a JSON number holds exactly: the volume rule of
// sql/migrations/0010 at its boundary, on every path that writes money.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import request from 'supertest';
import { assertContract, startTestApp, type TestApp } from './helpers/app.ts';
import { asOwner } from './helpers/database.ts';
import { type Answer, expectUnprocessable } from './helpers/expectations.ts';
import * as factories from './helpers/factories.ts';
import type { TestAccount, TestUser } from './helpers/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** 2^53 − 1: the most a user's amounts in one currency may add up to, in absolute value. */
const largest = Number.MAX_SAFE_INTEGER;
/** The largest single amount. */
const maxAmount = 10 ** 15;

type User = TestUser;
type Account = TestAccount;
const newUser = () => factories.newUser(t.api);
const createAccount = (user: User, fields: Record<string, unknown> = {}) => factories.createAccount(t.api, user, fields);
const balanceOf = (user: User, accountId: string) => factories.balanceOf(t.api, user, accountId);

const item = (accountId: string, amount: number, fields: Record<string, unknown> = {}) => ({
  account_id: accountId,
  date: '2026-03-14',
  amount,
  description: 'WIRE',
  ...fields,
});

/** Amounts of at most 10^15 whose absolute values add up to `total`. */
function amountsAddingUpTo(total: number): number[] {
  const amounts = Array.from({ length: Math.floor(total / maxAmount) }, () => maxAmount);
  if (total % maxAmount) amounts.push(total % maxAmount);
  return amounts;
}

/** Records transactions on `account` whose absolute amounts add up to `total`, in one batch. */
async function fill(user: User, account: Account, total: number, sign = 1, fields: Record<string, unknown> = {}): Promise<void> {
  const transactions = amountsAddingUpTo(total).map((amount) => item(account.id, sign * amount, fields));
  const response = await t.api.post('/v1/transactions/batch', { transactions }, { token: user.token });
  expect(response.status).toBe(201);
}

/**
 * Everything a refused write could have changed, read underneath the API as text (exact, whatever
 * the size): transactions, balances, both report aggregates, the volumes and the imports.
 */
async function ledgerOf(user: User): Promise<Record<string, string>> {
  const { rows } = await asOwner<Record<string, string>>(
    t.database.url,
    `select
       (select count(*)::text from transactions where user_id = $1) as transactions,
       (select coalesce(json_agg(a order by a.id), '[]')::text
          from (select id, opening_balance, transactions_total from accounts where user_id = $1) a) as accounts,
       (select coalesce(json_agg(m order by m.month, m.category_id), '[]')::text
          from monthly_category_totals m where user_id = $1) as category_totals,
       (select coalesce(json_agg(m order by m.month, m.account_id, m.category_id, m.merchant), '[]')::text
          from monthly_merchant_totals m where user_id = $1) as merchant_totals,
       (select coalesce(json_agg(v order by v.currency), '[]')::text from ledger_volumes v where user_id = $1) as volumes,
       (select count(*)::text from imports where user_id = $1) as imports`,
    [user.id],
  );
  return rows[0]!;
}

/** The kept volumes of a user, and what recounting the ledger gives: they must agree. */
async function volumesOf(user: User): Promise<{ kept: Record<string, string>; counted: Record<string, string> }> {
  const asMap = (rows: { currency: string; volume: string }[]) => Object.fromEntries(rows.map((row) => [row.currency, row.volume]));
  const kept = await asOwner<{ currency: string; volume: string }>(
    t.database.url,
    'select currency, volume::text as volume from ledger_volumes where user_id = $1 and volume <> 0 order by currency',
    [user.id],
  );
  const counted = await asOwner<{ currency: string; volume: string }>(
    t.database.url,
    `select currency, sum(volume)::text as volume from (
       select currency, abs(amount) as volume from transactions where user_id = $1
       union all
       select currency, abs(opening_balance) from accounts where user_id = $1
     ) parts group by currency having sum(volume) <> 0 order by currency`,
    [user.id],
  );
  return { kept: asMap(kept.rows), counted: asMap(counted.rows) };
}

async function expectVolumesFollowLedger(user: User): Promise<void> {
  const { kept, counted } = await volumesOf(user);
  expect(kept).toEqual(counted);
}

/** A write refused by the volume rule: 422 naming `pointer`, and the ledger exactly as before. */
async function expectRefusedUnchanged(user: User, write: () => Promise<Answer>, pointer = '#/amount'): Promise<void> {
  const before = await ledgerOf(user);
  const response = await write();
  expectUnprocessable(response, pointer);
  expect(response.body.detail).toMatch(/9007199254740991/);
  expect(await ledgerOf(user)).toEqual(before);
}

describe('a ledger growing past 2^53 − 1 (the account used to answer 500 on every read, and could not be deleted)', () => {
  it('refuses the transaction that would pass it, so the account stays readable and deletable', async () => {
    const user = await newUser();
    const account = await createAccount(user);
    const statuses: number[] = [];
    for (let index = 0; index < 10; index += 1) {
      statuses.push((await t.api.post('/v1/transactions', item(account.id, maxAmount), { token: user.token })).status);
    }
    // Nine fit (9 × 10^15 ≤ 2^53 − 1 ≈ 9.007 × 10^15); the tenth would pass the limit.
    expect(statuses).toEqual([...Array(9).fill(201), 422]);
    const list = await t.api.get('/v1/accounts', { token: user.token });
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([expect.objectContaining({ id: account.id, balance: 9 * maxAmount })]);
    expect((await t.api.delete(`/v1/accounts/${account.id}?cascade=true`, { token: user.token })).status).toBe(204);
    expect(await volumesOf(user)).toEqual({ kept: {}, counted: {} });
  });
});

describe('the volume limit at its boundary', () => {
  it('accepts a ledger of exactly 2^53 − 1 and reads it back exactly; one minor unit more is refused and writes nothing', async () => {
    const user = await newUser();
    const account = await createAccount(user);
    await fill(user, account, largest - 1);
    expect((await t.api.post('/v1/transactions', item(account.id, 1), { token: user.token })).status).toBe(201);
    expect(await balanceOf(user, account.id)).toBe(largest);
    await expectRefusedUnchanged(user, () => t.api.post('/v1/transactions', item(account.id, 1), { token: user.token }));
    // The volume counts absolute amounts: money out counts as much as money in.
    await expectRefusedUnchanged(user, () => t.api.post('/v1/transactions', item(account.id, -1), { token: user.token }));
    await expectVolumesFollowLedger(user);
  });

  it('keeps every currency apart: a full USD ledger leaves EUR untouched', async () => {
    const user = await newUser();
    await fill(user, await createAccount(user), largest);
    const euros = await createAccount(user, { currency: 'EUR', opening_balance: maxAmount });
    expect((await t.api.post('/v1/transactions', item(euros.id, maxAmount), { token: user.token })).status).toBe(201);
    expect((await volumesOf(user)).kept).toEqual({ EUR: String(2 * maxAmount), USD: String(largest) });
  });

  it('answers every read of a full ledger: spending over twenty years and cash flow over ten add up to 2^53 − 1 exactly', async () => {
    const user = await newUser();
    const account = await createAccount(user);
    const groceries = factories.categoryNamed(await factories.categoriesOf(t.api, user), 'Groceries', 'Food & Drink');
    // One large purchase a year for ten years and the rest in the last month, all spending.
    const transactions = amountsAddingUpTo(largest).map((amount, index) =>
      item(account.id, -amount, { date: `${2016 + index}-06-15`, category_id: groceries.id }),
    );
    expect(transactions).toHaveLength(10);
    expect((await t.api.post('/v1/transactions/batch', { transactions }, { token: user.token })).status).toBe(201);

    const spending = await t.api.get('/v1/reports/spending?from=2006-01-01&to=2025-12-31&group_by=month', { token: user.token });
    expect(spending.status).toBe(200);
    expect(spending.body.total).toBe(largest);
    const cashFlow = await t.api.get('/v1/reports/cash-flow?from=2016-01&to=2025-12', { token: user.token });
    expect(cashFlow.status).toBe(200);
    const months = cashFlow.body.months as { spending: number; net: number }[];
    expect(months.reduce((sum, month) => sum + month.spending, 0)).toBe(largest);
    expect(months.reduce((sum, month) => sum + month.net, 0)).toBe(-largest);
    // Trends reach back 36 months: the purchases of 2023, 2024 and 2025.
    const trends = await t.api.get('/v1/reports/trends?to=2025-12&months=36', { token: user.token });
    expect(trends.status).toBe(200);
    expect(trends.body.categories).toEqual([expect.objectContaining({ category_id: groceries.id, total: largest - 7 * maxAmount })]);
    expect(await balanceOf(user, account.id)).toBe(-largest);
  });
});

describe('every write path that adds money', () => {
  it('refuses a batch whose rows together pass the limit, whole', async () => {
    const user = await newUser();
    const [first, second] = [await createAccount(user), await createAccount(user)];
    await fill(user, first, largest - 2 * maxAmount);
    // Each row fits alone; two of them on two accounts together do not.
    const transactions = [item(first.id, maxAmount), item(second.id, -maxAmount), item(second.id, 1)];
    await expectRefusedUnchanged(user, () => t.api.post('/v1/transactions/batch', { transactions }, { token: user.token }));
    const fitting = { transactions: transactions.slice(0, 2) };
    expect((await t.api.post('/v1/transactions/batch', fitting, { token: user.token })).status).toBe(201);
    await expectVolumesFollowLedger(user);
  });

  it('refuses a transfer whose two legs pass it (each leg counts)', async () => {
    const user = await newUser();
    const [checking, savings] = [await createAccount(user), await createAccount(user)];
    await fill(user, checking, largest - 3);
    const transfer = (amount: number) =>
      t.api.post('/v1/transfers', { from_account_id: checking.id, to_account_id: savings.id, amount, date: '2026-03-15' }, { token: user.token });
    await expectRefusedUnchanged(user, () => transfer(2));
    expect((await transfer(1)).status).toBe(201);
    await expectVolumesFollowLedger(user);
  });

  it('refuses an import-size statement at once: 10,000 rows of 10^15, more than a bigint could sum', async () => {
    const user = await newUser();
    const account = await createAccount(user);
    const rows = Array.from({ length: 10_000 }, (_, index) => `2026-03-${String((index % 28) + 1).padStart(2, '0')},WIRE ${index},10000000000000.00`);
    const file = Buffer.from(['Date,Description,Amount', ...rows].join('\r\n'));
    const path = `/v1/accounts/${account.id}/imports`;
    await expectRefusedUnchanged(user, async () => {
      const response = await request(t.app).post(path).set('Authorization', `Bearer ${user.token}`).attach('file', file, 'statement.csv');
      assertContract('POST', path, response);
      return response;
    });
    // The same file cut to what fits imports.
    const fitting = Buffer.from(['Date,Description,Amount', ...rows.slice(0, 9)].join('\r\n'));
    const response = await request(t.app).post(path).set('Authorization', `Bearer ${user.token}`).attach('file', fitting, 'statement.csv');
    expect(response.status).toBe(201);
    expect(await balanceOf(user, account.id)).toBe(9 * maxAmount);
  }, 60_000);

  it('refuses an update that makes an amount larger past the limit; shrinking or flipping its sign is always allowed', async () => {
    const user = await newUser();
    const account = await createAccount(user);
    await fill(user, account, largest - 105);
    const created = await t.api.post('/v1/transactions', item(account.id, 100), { token: user.token });
    expect(created.status).toBe(201);
    const patch = (amount: number) => t.api.patch(`/v1/transactions/${created.body.id}`, { amount }, { token: user.token });
    await expectRefusedUnchanged(user, () => patch(106));
    await expectRefusedUnchanged(user, () => patch(-106));
    expect((await patch(105)).status).toBe(200);
    expect(await balanceOf(user, account.id)).toBe(largest);
    expect((await patch(-105)).status).toBe(200);
    expect((await patch(1)).status).toBe(200);
    await expectVolumesFollowLedger(user);
  });

  it("refuses an opening balance, new or changed, that passes it, naming #/opening_balance; another currency's is separate", async () => {
    const user = await newUser();
    const account = await createAccount(user);
    await fill(user, account, largest - 10);
    const newAccount = (currency: string, opening: number) =>
      t.api.post('/v1/accounts', { name: factories.uniqueName('Opening'), type: 'savings', currency, opening_balance: opening }, { token: user.token });
    await expectRefusedUnchanged(user, () => newAccount('USD', -11), '#/opening_balance');
    const patch = (opening: number) => t.api.patch(`/v1/accounts/${account.id}`, { opening_balance: opening }, { token: user.token });
    await expectRefusedUnchanged(user, () => patch(11), '#/opening_balance');
    expect((await patch(-10)).status).toBe(200);
    expect(await balanceOf(user, account.id)).toBe(largest - 20);
    expect((await newAccount('EUR', maxAmount)).status).toBe(201);
    expect((await patch(0)).status).toBe(200);
    expect((await newAccount('USD', 10)).status).toBe(201);
    await expectVolumesFollowLedger(user);
  });
});

/** How many backends of the test database wait for a lock. */
async function lockWaiters(): Promise<number> {
  const { rows } = await asOwner<{ waiting: number }>(
    t.database.url,
    "select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
  );
  return rows[0]!.waiting;
}

async function untilLockWaiters(count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await lockWaiters()) < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} requests ever waited for the volume`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('concurrent writes', () => {
  it('lets one of two writes that each fit, but together do not, through, and refuses the other', async () => {
    const user = await newUser();
    const [first, second] = [await createAccount(user), await createAccount(user)];
    await fill(user, first, largest - maxAmount);
    // Hold the volume row so that both requests are in flight at once, queued on it.
    const owner = new pg.Client({ connectionString: t.database.url });
    await owner.connect();
    try {
      await owner.query('begin');
      await owner.query('select volume from ledger_volumes where user_id = $1 for update', [user.id]);
      const racing = [first, second].map((account) => t.api.post('/v1/transactions', item(account.id, maxAmount), { token: user.token }));
      await untilLockWaiters(2);
      await owner.query('commit');
      const statuses = (await Promise.all(racing)).map((response) => response.status);
      expect(statuses.sort()).toEqual([201, 422]);
    } finally {
      await owner.end();
    }
    expect((await balanceOf(user, first.id)) + (await balanceOf(user, second.id))).toBe(largest);
    await expectVolumesFollowLedger(user);
  });
});

describe('a ledger already past the limit (written before the rule)', () => {
  it('may shrink, one write at a time, and grows again only once back within it', async () => {
    const user = await newUser();
    const account = await createAccount(user);
    // Recorded with the insert trigger off, then the volumes measured as migration 0010 measures a
    // ledger written before it (and the balance and report totals rebuilt the same way).
    const owner = new pg.Client({ connectionString: t.database.url });
    await owner.connect();
    try {
      await owner.query('alter table transactions disable trigger transactions_after_insert');
      await owner.query(
        `insert into transactions (user_id, account_id, currency, date, amount, description)
         select $1, $2, 'USD', '2026-03-14', $3, 'WIRE ' || n from generate_series(1, 11) n`,
        [user.id, account.id, maxAmount],
      );
      await owner.query('alter table transactions enable trigger transactions_after_insert');
      await owner.query('select ledger_volumes_rebuild($1), report_totals_rebuild($1)', [user.id]);
      await owner.query(
        `update accounts a set transactions_total = (select coalesce(sum(amount), 0) from transactions t where t.user_id = a.user_id and t.account_id = a.id)
         where a.user_id = $1`,
        [user.id],
      );
    } finally {
      await owner.end();
    }
    expect((await volumesOf(user)).kept).toEqual({ USD: String(11 * maxAmount) });
    const add = () => t.api.post('/v1/transactions', item(account.id, 1), { token: user.token });
    expectUnprocessable(await add(), '#/amount');
    const listed = await asOwner<{ id: string }>(t.database.url, 'select id from transactions where user_id = $1 order by id', [user.id]);
    const remove = (index: number) => t.api.delete(`/v1/transactions/${listed.rows[index]!.id}`, { token: user.token });
    expect((await remove(0)).status).toBe(204);
    expectUnprocessable(await add(), '#/amount');
    expect((await remove(1)).status).toBe(204);
    expect((await add()).status).toBe(201);
    expect(await balanceOf(user, account.id)).toBe(9 * maxAmount + 1);
    await expectVolumesFollowLedger(user);
  });
});

describe('volumes follow every change', () => {
  it('after creates, updates, transfers, deletes and a cascading account delete, and leave nothing behind when the user goes', async () => {
    const user = await newUser();
    const [checking, savings] = [await createAccount(user, { opening_balance: -500 }), await createAccount(user)];
    const euros = await createAccount(user, { currency: 'EUR', opening_balance: 700 });
    await fill(user, checking, 3 * maxAmount + 17, -1);
    const created = await t.api.post('/v1/transactions', item(euros.id, 40), { token: user.token });
    await t.api.patch(`/v1/transactions/${created.body.id}`, { amount: -90, date: '2025-01-02' }, { token: user.token });
    await t.api.post('/v1/transfers', { from_account_id: checking.id, to_account_id: savings.id, amount: 250, date: '2026-03-15' }, { token: user.token });
    await expectVolumesFollowLedger(user);
    expect((await volumesOf(user)).kept).toEqual({ EUR: '790', USD: String(3 * maxAmount + 17 + 500 + 500) });
    expect((await t.api.delete(`/v1/transactions/${created.body.id}`, { token: user.token })).status).toBe(204);
    expect((await t.api.delete(`/v1/accounts/${checking.id}?cascade=true`, { token: user.token })).status).toBe(204);
    await expectVolumesFollowLedger(user);
    expect((await volumesOf(user)).kept).toEqual({ EUR: '700' });
    expect((await t.api.delete('/v1/me', { token: user.token })).status).toBe(204);
    const left = await asOwner(t.database.url, 'select 1 from ledger_volumes where user_id = $1', [user.id]);
    expect(left.rowCount).toBe(0);
  });
});

describe('budget status at the extremes', () => {
  it('answers a weekly rollover budget of 10^15 started in 1900, its carry-over saturated at 2^53 − 1', async () => {
    const user = await newUser();
    const created = await t.api.post(
      '/v1/budgets',
      { name: 'Everything', amount: maxAmount, period: 'weekly', start_date: '1900-01-01', rollover: true },
      { token: user.token },
    );
    expect(created.status).toBe(201);
    for (const date of ['2026-03-14', '2199-12-01']) {
      const status = await t.api.get(`/v1/budgets/${created.body.id}/status?date=${date}`, { token: user.token });
      expect(status.status).toBe(200);
      expect(status.body).toMatchObject({ budgeted: maxAmount, carried_over: largest, remaining: largest, spent: 0, state: 'ok' });
    }
    // The first periods are exact.
    const second = await t.api.get(`/v1/budgets/${created.body.id}/status?date=1900-01-08`, { token: user.token });
    expect(second.body).toMatchObject({ carried_over: maxAmount, remaining: 2 * maxAmount });
    expect((await t.api.get('/v1/budgets/status?date=2026-03-14', { token: user.token })).status).toBe(200);
  });
});
