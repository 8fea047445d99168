// The monthly aggregates behind the reports (monthly_category_totals, monthly_merchant_totals)
// never drift from the transactions: after waves of concurrent writes through the API, after
// set-based writes (category and account deletes, 1000-row batches), after a rebuild, and after
// the user is erased. The reference is a full recomputation, the same group by as
// report_totals_rebuild, run as the owner.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startTestApp, type TestApp } from './helpers/app.ts';
import type { Answer } from './helpers/expectations.ts';
import { factoriesFor, type TestAccount, type TestCategory, type TestUser } from './helpers/factories.ts';

let t: TestApp;
let owner: pg.Client;
beforeAll(async () => {
  t = await startTestApp();
  owner = new pg.Client({ connectionString: t.database.url });
  await owner.connect();
});
afterAll(async () => {
  await owner.end();
  await t.close();
});

type User = TestUser;
type Account = TestAccount;
type Category = TestCategory;

// ---------------------------------------------------------------------------------------------
// Aggregates as stored, and as recomputed from the transactions.

type Aggregates = { category: string[]; merchant: string[] };

/** The stored rows that hold anything (a row emptied by deletes may stay behind at 0/0). */
async function storedAggregates(userId: string | null): Promise<Aggregates> {
  const category = await owner.query<{ row: string }>(
    `select concat_ws('|', user_id, currency, to_char(month, 'YYYY-MM-DD'), coalesce(category_id::text, '-'), total, count) as row
     from monthly_category_totals
     where ($1::uuid is null or user_id = $1::uuid) and (count <> 0 or total <> 0)`,
    [userId],
  );
  const merchant = await owner.query<{ row: string }>(
    `select concat_ws('|', user_id, currency, to_char(month, 'YYYY-MM-DD'), account_id, coalesce(category_id::text, '-'),
       coalesce('m:' || merchant, '-'), total, count) as row
     from monthly_merchant_totals
     where ($1::uuid is null or user_id = $1::uuid) and (count <> 0 or total <> 0)`,
    [userId],
  );
  return { category: category.rows.map((r) => r.row).sort(), merchant: merchant.rows.map((r) => r.row).sort() };
}

/** A full recomputation: every transaction that is not a transfer, by month and category (and account and merchant). */
async function recomputedAggregates(userId: string | null): Promise<Aggregates> {
  const category = await owner.query<{ row: string }>(
    `select concat_ws('|', user_id, currency, to_char(date, 'YYYY-MM-01'), coalesce(category_id::text, '-'), sum(amount), count(*)) as row
     from transactions
     where transfer_id is null and ($1::uuid is null or user_id = $1::uuid)
     group by user_id, currency, to_char(date, 'YYYY-MM-01'), category_id`,
    [userId],
  );
  const merchant = await owner.query<{ row: string }>(
    `select concat_ws('|', user_id, currency, to_char(date, 'YYYY-MM-01'), account_id, coalesce(category_id::text, '-'),
       coalesce('m:' || merchant, '-'), sum(amount), count(*)) as row
     from transactions
     where transfer_id is null and ($1::uuid is null or user_id = $1::uuid)
     group by user_id, currency, to_char(date, 'YYYY-MM-01'), account_id, category_id, merchant`,
    [userId],
  );
  return { category: category.rows.map((r) => r.row).sort(), merchant: merchant.rows.map((r) => r.row).sort() };
}

/** Both tables equal the recomputation; the diff names the rows that drifted. */
async function expectNoDrift(userId: string | null, when: string): Promise<Aggregates> {
  const stored = await storedAggregates(userId);
  const expected = await recomputedAggregates(userId);
  const missing = (a: string[], b: string[]) => a.filter((row) => !b.includes(row));
  expect({ when, storedButWrong: missing(stored.category, expected.category), expectedButAbsent: missing(expected.category, stored.category) })
    .toEqual({ when, storedButWrong: [], expectedButAbsent: [] });
  expect({ when, storedButWrong: missing(stored.merchant, expected.merchant), expectedButAbsent: missing(expected.merchant, stored.merchant) })
    .toEqual({ when, storedButWrong: [], expectedButAbsent: [] });
  expect(stored).toEqual(expected);
  return stored;
}

async function aggregateRowCount(userId: string): Promise<number> {
  const result = await owner.query<{ count: number }>(
    `select (select count(*) from monthly_category_totals where user_id = $1)::int
          + (select count(*) from monthly_merchant_totals where user_id = $1)::int as count`,
    [userId],
  );
  return result.rows[0]!.count;
}

// ---------------------------------------------------------------------------------------------
// A small seeded generator, so a failing run can be replayed (the seed is in the test's name).

function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
  return { next, int, pick };
}
type Random = ReturnType<typeof generator>;

const seed = Number(process.env.AGGREGATES_SEED ?? Math.floor(Math.random() * 2 ** 31));

// ---------------------------------------------------------------------------------------------
// API helpers.

const { newUser, createAccount, categoriesOf } = factoriesFor(() => t);

/** A ledger's live rows, read underneath the API. */
async function liveTransactions(userId: string) {
  const result = await owner.query<{ id: string; account_id: string; transfer_id: string | null; currency: string }>(
    'select id::text, account_id::text, transfer_id::text, currency from transactions where user_id = $1 order by id',
    [userId],
  );
  return result.rows;
}

type Ledger = { user: User; accounts: Account[]; categories: Category[] };

function randomItem(random: Random, ledger: Ledger, fields: { account?: Account; month?: string; categories?: Category[] } = {}) {
  const account = fields.account ?? random.pick(ledger.accounts);
  const category = random.next() < 0.15 ? null : random.pick(fields.categories ?? ledger.categories);
  const merchant = random.pick(['Blue Bottle', 'Shell', 'Amazon', 'Whole Foods', null]);
  const month = fields.month ?? `${random.pick(['2025', '2026'])}-${String(random.int(1, 12)).padStart(2, '0')}`;
  return {
    account_id: account.id,
    date: `${month}-${String(random.int(1, 28)).padStart(2, '0')}`,
    amount: random.next() < 0.8 ? -random.int(1, 90_000) : random.int(0, 40_000),
    description: `CARD PURCHASE ${random.int(1, 1_000_000)}`,
    ...(merchant === null ? {} : { merchant }),
    ...(category === null ? {} : { category_id: category.id }),
  };
}

type Write = { name: string; run: () => Promise<Answer>; accept: number[] };

/** One random write: creates, batches, PATCHes of amount/date/category/merchant/account, deletes, transfers. */
function randomWrite(
  random: Random,
  ledger: Ledger,
  live: Awaited<ReturnType<typeof liveTransactions>>,
  hot?: { account: Account; month: string; categories: Category[] },
): Write {
  const { user } = ledger;
  const options = { token: user.token };
  const plain = live.filter((row) => row.transfer_id === null);
  const legs = live.filter((row) => row.transfer_id !== null);
  const roll = random.next();
  const itemFor = () => randomItem(random, ledger, hot ?? {});
  if (roll < 0.2 || plain.length === 0) {
    return { name: 'create', run: () => t.api.post('/v1/transactions', itemFor(), options), accept: [201] };
  }
  if (roll < 0.3) {
    const items = Array.from({ length: random.int(2, 25) }, itemFor);
    return { name: 'batch', run: () => t.api.post('/v1/transactions/batch', { transactions: items }, options), accept: [201] };
  }
  if (roll < 0.37) {
    const from = random.pick(ledger.accounts);
    const to = random.pick(ledger.accounts.filter((account) => account.id !== from.id));
    const body = {
      from_account_id: from.id,
      to_account_id: to.id,
      amount: random.int(1, 50_000),
      ...(from.currency === to.currency ? {} : { to_amount: random.int(1, 50_000) }),
      date: itemFor().date,
    };
    return { name: 'transfer', run: () => t.api.post('/v1/transfers', body, options), accept: [201] };
  }
  if (roll < 0.4 && legs.length) {
    const leg = random.pick(legs);
    return { name: 'delete transfer', run: () => t.api.delete(`/v1/transfers/${leg.transfer_id}`, options), accept: [204, 404] };
  }
  // A transaction deleted by a concurrent write answers 404: that is fine, a 5xx is not.
  const target = random.pick(plain);
  const patch = (changes: Record<string, unknown>) => ({
    name: `patch ${Object.keys(changes).join('+')}`,
    run: () => t.api.patch(`/v1/transactions/${target.id}`, changes, options),
    accept: [200, 404],
  });
  const item = itemFor();
  if (roll < 0.5) return patch({ amount: item.amount });
  if (roll < 0.6) return patch({ date: item.date });
  if (roll < 0.7) return patch({ category_id: random.next() < 0.2 ? null : random.pick(hot?.categories ?? ledger.categories).id });
  if (roll < 0.75) return patch({ merchant: random.pick(['Blue Bottle', 'Shell', 'Lyft', null]) });
  if (roll < 0.8) {
    const sameCurrency = ledger.accounts.filter((account) => account.currency === target.currency && account.id !== target.account_id);
    if (sameCurrency.length) return patch({ account_id: random.pick(sameCurrency).id });
    return patch({ amount: item.amount });
  }
  if (roll < 0.88) {
    return patch({ amount: item.amount, date: item.date, category_id: item.category_id ?? null, merchant: item.merchant ?? null });
  }
  if (roll < 0.92 && legs.length) {
    // A transfer leg may change its date and category (never its account or amount): still not reported.
    const leg = random.pick(legs);
    return {
      name: 'patch transfer leg',
      run: () => t.api.patch(`/v1/transactions/${leg.id}`, { date: item.date, category_id: random.pick(ledger.categories).id }, options),
      accept: [200, 404],
    };
  }
  return { name: 'delete', run: () => t.api.delete(`/v1/transactions/${target.id}`, options), accept: [204, 404] };
}

/** Fires writes all at once; every answer must be one the write may give (never a 5xx). */
async function wave(writes: Write[]): Promise<void> {
  const answers = await Promise.all(writes.map(async (write) => ({ write, response: await write.run() })));
  const unexpected = answers
    .filter(({ write, response }) => !write.accept.includes(response.status))
    .map(({ write, response }) => ({ write: write.name, status: response.status, detail: response.body?.detail }));
  expect(unexpected).toEqual([]);
}

async function newLedger(currencies: string[]): Promise<Ledger> {
  const user = await newUser();
  const accounts: Account[] = [];
  for (const currency of currencies) accounts.push(await createAccount(user, { currency }));
  return { user, accounts, categories: await categoriesOf(user) };
}

describe(`monthly aggregates under concurrent writes (seed ${seed}; AGGREGATES_SEED replays)`, () => {
  let ledger: Ledger;
  let bystander: Ledger;
  let stored: Aggregates;

  beforeAll(async () => {
    ledger = await newLedger(['USD', 'USD', 'USD', 'EUR']);
    bystander = await newLedger(['USD', 'EUR']);
    const random = generator(seed);
    const seedItems = Array.from({ length: 60 }, () => randomItem(random, ledger));
    expect((await t.api.post('/v1/transactions/batch', { transactions: seedItems }, { token: ledger.user.token })).status).toBe(201);
  });

  it('equal a full recomputation after each of several waves of ~30 parallel writes', async () => {
    const random = generator(seed + 1);
    for (let round = 0; round < 5; round += 1) {
      const live = await liveTransactions(ledger.user.id);
      const bystanderLive = await liveTransactions(bystander.user.id);
      // Round 3 piles every write onto one account, month and two categories: the same aggregate rows, contended.
      const hot = round === 3 ? { account: ledger.accounts[0]!, month: '2026-03', categories: ledger.categories.slice(0, 2) } : undefined;
      const writes = [
        ...Array.from({ length: 30 }, () => randomWrite(random, ledger, live, hot)),
        ...Array.from({ length: 4 }, () => randomWrite(random, bystander, bystanderLive)),
      ];
      await wave(writes);
      await expectNoDrift(ledger.user.id, `after wave ${round}`);
    }
    await expectNoDrift(bystander.user.id, 'bystander after the waves');
    expect((await liveTransactions(ledger.user.id)).length).toBeGreaterThan(60);
  }, 120_000);

  it('equal a full recomputation after set-based writes: category deletes (reassigning or not), a re-parent, an account delete with cascade', async () => {
    const { user } = ledger;
    const options = { token: user.token };
    const named = (name: string) => ledger.categories.find((category) => category.name === name)!;
    // Make sure the categories in play hold transactions, across several months and accounts.
    const random = generator(seed + 2);
    const items = Array.from({ length: 40 }, (_, i) => ({
      ...randomItem(random, ledger, { account: ledger.accounts[i % 3]! }),
      category_id: named(i % 2 ? 'Coffee' : 'Restaurants').id,
    }));
    expect((await t.api.post('/v1/transactions/batch', { transactions: items }, options)).status).toBe(201);
    await expectNoDrift(user.id, 'after a batch');

    expect((await t.api.delete(`/v1/categories/${named('Coffee').id}?reassign_to=${named('Groceries').id}`, options)).status).toBe(204);
    await expectNoDrift(user.id, 'after deleting a category, reassigning its transactions');
    expect((await t.api.delete(`/v1/categories/${named('Restaurants').id}`, options)).status).toBe(204);
    await expectNoDrift(user.id, 'after deleting a category, leaving its transactions uncategorized');
    expect((await t.api.patch(`/v1/categories/${named('Groceries').id}`, { parent_id: named('Shopping').id }, options)).status).toBe(200);
    await expectNoDrift(user.id, 'after re-parenting a category');
    ledger.categories = await categoriesOf(user);

    // Deleting an account with cascade takes its transactions and the other legs of its transfers.
    const doomed = ledger.accounts[2]!;
    const transfer = await t.api.post(
      '/v1/transfers',
      { from_account_id: ledger.accounts[0]!.id, to_account_id: doomed.id, amount: 1234, date: '2026-02-02' },
      options,
    );
    expect(transfer.status).toBe(201);
    expect((await t.api.delete(`/v1/accounts/${doomed.id}?cascade=true`, options)).status).toBe(204);
    ledger.accounts = ledger.accounts.filter((account) => account.id !== doomed.id);
    await expectNoDrift(user.id, 'after deleting an account with cascade');
    const leftOnDoomed = await owner.query(
      `select 1 from monthly_merchant_totals where account_id = $1 and (count <> 0 or total <> 0)`,
      [doomed.id],
    );
    expect(leftOnDoomed.rowCount).toBe(0);

    // And one more concurrent wave on the changed ledger.
    const live = await liveTransactions(user.id);
    await wave(Array.from({ length: 30 }, () => randomWrite(random, ledger, live)));
    stored = await expectNoDrift(user.id, 'after a wave on the changed ledger');
  }, 120_000);

  it('are unchanged by report_totals_rebuild(null)', async () => {
    const everyoneBefore = await expectNoDrift(null, 'before the rebuild, every user');
    await owner.query('select report_totals_rebuild(null)');
    expect(await storedAggregates(ledger.user.id)).toEqual(stored);
    expect(await storedAggregates(null)).toEqual(everyoneBefore);
    await expectNoDrift(null, 'after the rebuild');
    // The rebuild keeps no empty rows.
    const empty = await owner.query('select 1 from monthly_category_totals where count = 0 union all select 1 from monthly_merchant_totals where count = 0');
    expect(empty.rowCount).toBe(0);
  });

  it('go with the user: DELETE /v1/me leaves no aggregate rows for them, and others keep theirs', async () => {
    expect(await aggregateRowCount(ledger.user.id)).toBeGreaterThan(0);
    const bystanderBefore = await storedAggregates(bystander.user.id);
    const response = await t.api.delete('/v1/me', { token: ledger.user.token });
    expect(response.status).toBe(204);
    expect(await aggregateRowCount(ledger.user.id)).toBe(0);
    expect(await storedAggregates(bystander.user.id)).toEqual(bystanderBefore);
    await expectNoDrift(null, 'after erasing a user');
  });
});

describe('an import-like batch of 1000 rows', () => {
  it('updates the aggregates in one statement, correctly, and a failed batch changes nothing', async () => {
    const ledger = await newLedger(['USD', 'USD', 'EUR']);
    const { user } = ledger;
    const random = generator(seed + 3);
    const month = (i: number) => `${2025 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
    const items = Array.from({ length: 1000 }, () => ({
      ...randomItem(random, ledger, { month: month(random.int(0, 23)) }),
      // Large amounts too: a month's sum stays within the safe integer range.
      amount: random.next() < 0.05 ? -random.int(1, 1_000_000_000_000) : -random.int(1, 90_000),
    }));
    const response = await t.api.post('/v1/transactions/batch', { transactions: items }, { token: user.token });
    expect(response.status).toBe(201);
    expect(response.body.data).toHaveLength(1000);
    const after = await expectNoDrift(user.id, 'after a 1000-row batch');
    expect(after.category.length).toBeGreaterThan(100);
    // Every row is counted exactly once.
    const counted = await owner.query<{ count: number; total: string }>(
      'select sum(count)::int as count, sum(total)::text as total from monthly_category_totals where user_id = $1',
      [user.id],
    );
    expect(counted.rows[0]!.count).toBe(1000);
    expect(Number(counted.rows[0]!.total)).toBe(items.reduce((sum, item) => sum + item.amount, 0));
    const merchants = await owner.query<{ count: number }>('select sum(count)::int as count from monthly_merchant_totals where user_id = $1', [user.id]);
    expect(merchants.rows[0]!.count).toBe(1000);

    // A second batch onto the same keys adds to the existing rows.
    const again = await t.api.post('/v1/transactions/batch', { transactions: items.slice(0, 500) }, { token: user.token });
    expect(again.status).toBe(201);
    await expectNoDrift(user.id, 'after a second batch onto the same months');

    // All or nothing: one bad item rejects the batch and the aggregates stay as they were.
    const before = await storedAggregates(user.id);
    const bad = [...items.slice(0, 999), { ...items[0]!, category_id: '00000000-0000-4000-8000-000000000000' }];
    const rejected = await t.api.post('/v1/transactions/batch', { transactions: bad }, { token: user.token });
    expect(rejected.status).toBe(422);
    expect(await storedAggregates(user.id)).toEqual(before);
    await expectNoDrift(user.id, 'after a rejected batch');

    // The spending report over the batch's months agrees with the transactions.
    const report = await t.api.get('/v1/reports/spending?from=2025-01-01&to=2026-12-31&group_by=month', { token: user.token });
    expect(report.status).toBe(200);
    const expected = await owner.query<{ total: string; count: number }>(
      `select (-sum(t.amount))::text as total, count(*)::int as count
       from transactions t join categories c on c.id = t.category_id
       where t.user_id = $1 and t.currency = 'USD' and t.transfer_id is null and c.kind = 'expense'
         and t.date between '2025-01-01' and '2026-12-31'`,
      [user.id],
    );
    expect({ total: report.body.total, count: report.body.count }).toEqual({
      total: Number(expected.rows[0]!.total ?? 0),
      count: expected.rows[0]!.count,
    });
  }, 60_000);
});
