// Reports: GET /v1/reports/spending, /cash-flow and /trends.
//
// The property test builds random ledgers through the API (so the real write paths and the
// aggregate triggers run), edits them, and compares every report with a plain reference query
// over the transactions table, run as the owner. The examples pin the defaults, the validation
// and the isolation between users.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import pg from 'pg';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { factoriesFor, type TestAccount, type TestCategory, type TestUser } from './helpers/factories.ts';
import { expectBadParameter } from './helpers/expectations.ts';

let t: TestApp;
let owner: pg.Client;
beforeAll(async () => {
  t = await startTestApp();
  // The reference queries run as the owner (row-level security does not bind it), on one connection.
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
type Transaction = { id: string; account_id: string; date: string; amount: number; currency: string; transfer_id: string | null };
type Group = { key: string | null; label: string; total: number; count: number };
type SpendingReport = { currency: string; from: string; to: string; group_by: string; total: number; count: number; groups: Group[] };
type CashFlowMonth = { month: string; income: number; spending: number; uncategorized: number; net: number };
type CashFlowReport = { currency: string; from: string; to: string; months: CashFlowMonth[] };
type CategoryTrend = {
  category_id: string;
  name: string;
  parent_id: string | null;
  series: number[];
  total: number;
  average: number;
  latest: number;
  change: number | null;
};
type TrendsReport = { currency: string; months: string[]; categories: CategoryTrend[] };

const groupings = ['category', 'parent_category', 'merchant', 'account', 'month', 'week', 'day'] as const;
type Grouping = (typeof groupings)[number];

// ---------------------------------------------------------------------------------------------
// Calendar helpers (UTC), independent of src/features/reports/ranges.ts.

const dayMs = 86_400_000;
const epochOf = (day: string) => Date.parse(`${day}T00:00:00Z`);
const dayOf = (epoch: number) => new Date(epoch).toISOString().slice(0, 10);
const plusDays = (day: string, n: number) => dayOf(epochOf(day) + n * dayMs);
const monthPlus = (month: string, n: number) => {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, m - 1 + n, 1)).toISOString().slice(0, 7);
};
const lastDayOf = (month: string) => {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return dayOf(Date.UTC(year, m, 0));
};
const todayUtc = () => new Date().toISOString().slice(0, 10);

// ---------------------------------------------------------------------------------------------
// API helpers.

const { newUser, createAccount, categoriesOf } = factoriesFor(() => t);

/** The default taxonomy's names are unique across groups, so a name picks one category. */
function idsByName(categories: Category[]): Map<string, string> {
  const byName = new Map<string, string>();
  for (const category of categories) {
    expect(byName.has(category.name)).toBe(false);
    byName.set(category.name, category.id);
  }
  return byName;
}

async function createTransaction(user: User, body: Record<string, unknown>): Promise<Transaction> {
  const response = await t.api.post('/v1/transactions', { description: 'CARD PURCHASE', ...body }, { token: user.token });
  expect(response.status).toBe(201);
  return response.body as Transaction;
}

async function createTransfer(user: User, body: Record<string, unknown>): Promise<{ id: string; from_transaction: Transaction; to_transaction: Transaction }> {
  const response = await t.api.post('/v1/transfers', body, { token: user.token });
  expect(response.status).toBe(201);
  return response.body;
}

function query(parameters: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function spending(user: User, parameters: Record<string, string | number | undefined>): Promise<SpendingReport> {
  const response = await t.api.get(`/v1/reports/spending${query(parameters)}`, { token: user.token });
  if (response.status !== 200) throw new Error(`spending ${JSON.stringify(parameters)} → ${response.status} ${response.text}`);
  return response.body as SpendingReport;
}

async function cashFlow(user: User, parameters: Record<string, string | number | undefined>): Promise<CashFlowReport> {
  const response = await t.api.get(`/v1/reports/cash-flow${query(parameters)}`, { token: user.token });
  if (response.status !== 200) throw new Error(`cash-flow ${JSON.stringify(parameters)} → ${response.status} ${response.text}`);
  return response.body as CashFlowReport;
}

async function trends(user: User, parameters: Record<string, string | number | undefined>): Promise<TrendsReport> {
  const response = await t.api.get(`/v1/reports/trends${query(parameters)}`, { token: user.token });
  if (response.status !== 200) throw new Error(`trends ${JSON.stringify(parameters)} → ${response.status} ${response.text}`);
  return response.body as TrendsReport;
}

// ---------------------------------------------------------------------------------------------
// Reference queries: the definitions, written plainly over the transactions table.

async function reference<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
  return (await owner.query<R>(text, values)).rows;
}

const referenceKey: Record<Grouping, { key: string; label: string | null }> = {
  category: { key: 'c.id::text', label: 'c.name' },
  parent_category: { key: 'coalesce(c.parent_id, c.id)::text', label: 'g.name' },
  merchant: { key: 't.merchant', label: null },
  account: { key: 't.account_id::text', label: 'a.name' },
  month: { key: "to_char(t.date, 'YYYY-MM')", label: "to_char(t.date, 'YYYY-MM')" },
  // The Monday of the ISO week.
  week: { key: "to_char(t.date - (extract(isodow from t.date)::int - 1), 'YYYY-MM-DD')", label: null },
  day: { key: "to_char(t.date, 'YYYY-MM-DD')", label: "to_char(t.date, 'YYYY-MM-DD')" },
};

type Scope = { userId: string; currency: string; from: string; to: string; accountId?: string | undefined };

async function referenceSpending(scope: Scope, groupBy: Grouping): Promise<{ key: string | null; label: string | null; total: number; count: number }[]> {
  const { key, label } = referenceKey[groupBy];
  const rows = await reference<{ key: string | null; label: string | null; total: string; count: number }>(
    `select ${key} as key, ${label ?? 'null::text'} as label, (-sum(t.amount))::text as total, count(*)::int as count
     from transactions t
     join categories c on c.id = t.category_id
     join categories g on g.id = coalesce(c.parent_id, c.id)
     join accounts a on a.id = t.account_id
     where t.user_id = $1 and t.currency = $2 and t.transfer_id is null and c.kind = 'expense'
       and t.date between $3::date and $4::date
       and ($5::uuid is null or t.account_id = $5::uuid)
     group by 1, 2`,
    [scope.userId, scope.currency, scope.from, scope.to, scope.accountId ?? null],
  );
  return rows.map((row) => ({ ...row, total: Number(row.total) }));
}

async function referenceCashFlow(scope: Scope): Promise<CashFlowMonth[]> {
  const rows = await reference<Record<'month' | 'income' | 'spending' | 'uncategorized' | 'net', string>>(
    `with months as (
       select to_char(d, 'YYYY-MM') as month from generate_series($3::date, $4::date, interval '1 month') d
     ),
     sums as (
       select to_char(t.date, 'YYYY-MM') as month,
         coalesce(sum(t.amount) filter (where c.kind = 'income'), 0) as income,
         coalesce(-sum(t.amount) filter (where c.kind = 'expense'), 0) as spending,
         coalesce(sum(t.amount) filter (where t.category_id is null), 0) as uncategorized
       from transactions t
       left join categories c on c.id = t.category_id
       where t.user_id = $1 and t.currency = $2 and t.transfer_id is null
         and ($5::uuid is null or t.account_id = $5::uuid)
       group by 1
     )
     select m.month,
       coalesce(s.income, 0)::text as income,
       coalesce(s.spending, 0)::text as spending,
       coalesce(s.uncategorized, 0)::text as uncategorized,
       (coalesce(s.income, 0) - coalesce(s.spending, 0) + coalesce(s.uncategorized, 0))::text as net
     from months m left join sums s on s.month = m.month
     order by m.month`,
    [scope.userId, scope.currency, `${scope.from}-01`, `${scope.to}-01`, scope.accountId ?? null],
  );
  return rows.map((row) => ({
    month: row.month,
    income: Number(row.income),
    spending: Number(row.spending),
    uncategorized: Number(row.uncategorized),
    net: Number(row.net),
  }));
}

async function referenceTrends(userId: string, currency: string, from: string, to: string): Promise<{ months: string[]; categories: CategoryTrend[] }> {
  const months = (
    await reference<{ month: string }>(
      `select to_char(d, 'YYYY-MM') as month from generate_series($1::date, $2::date, interval '1 month') d order by d`,
      [`${from}-01`, `${to}-01`],
    )
  ).map((row) => row.month);
  const rows = await reference<{ id: string; name: string; parent_id: string | null; month: string; total: string }>(
    `select c.id::text as id, c.name, c.parent_id::text as parent_id, to_char(t.date, 'YYYY-MM') as month,
       (-sum(t.amount))::text as total
     from transactions t
     join categories c on c.id = t.category_id
     where t.user_id = $1 and t.currency = $2 and t.transfer_id is null and c.kind = 'expense'
       and t.date >= $3::date and t.date < ($4::date + interval '1 month')
     group by 1, 2, 3, 4`,
    [userId, currency, `${from}-01`, `${to}-01`],
  );
  const byCategory = new Map<string, { name: string; parent_id: string | null; totals: Map<string, number> }>();
  for (const row of rows) {
    const entry = byCategory.get(row.id) ?? { name: row.name, parent_id: row.parent_id, totals: new Map<string, number>() };
    entry.totals.set(row.month, Number(row.total));
    byCategory.set(row.id, entry);
  }
  const categories = [...byCategory].map(([id, entry]) => {
    const series = months.map((month) => entry.totals.get(month) ?? 0);
    const earlier = series.slice(0, -1);
    const latest = series.at(-1)!;
    const average = Math.round(earlier.reduce((a, b) => a + b, 0) / earlier.length) || 0; // never -0
    return {
      category_id: id,
      name: entry.name,
      parent_id: entry.parent_id,
      series,
      total: series.reduce((a, b) => a + b, 0),
      average,
      latest,
      change: average === 0 ? null : Math.round(((latest - average) / Math.abs(average)) * 10_000) / 10_000,
    };
  });
  return { months, categories };
}

const byKey = <T extends { key: string | null }>(rows: T[]) =>
  [...rows].sort((a, b) => ((a.key ?? '') < (b.key ?? '') ? -1 : (a.key ?? '') > (b.key ?? '') ? 1 : a.key === null ? -1 : 1));
const byCategoryId = <T extends { category_id: string }>(rows: T[]) => [...rows].sort((a, b) => (a.category_id < b.category_id ? -1 : 1));
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Holds one spending report to the reference: the same groups, totals, counts and labels, in the documented order. */
async function expectSpendingMatchesReference(user: User, scope: Scope & { currencyParameter?: string | undefined }, groupBy: Grouping) {
  const report = await spending(user, {
    from: scope.from,
    to: scope.to,
    group_by: groupBy,
    currency: scope.currencyParameter,
    account_id: scope.accountId,
  });
  const expected = await referenceSpending(scope, groupBy);
  const context = { groupBy, from: scope.from, to: scope.to, currency: scope.currency, accountId: scope.accountId };
  expect({ ...context, groups: byKey(report.groups.map(({ key, total, count }) => ({ key, total, count }))) }).toEqual({
    ...context,
    groups: byKey(expected.map(({ key, total, count }) => ({ key, total, count }))),
  });
  expect(report).toMatchObject({ currency: scope.currency, from: scope.from, to: scope.to, group_by: groupBy });
  expect(report.total).toBe(sum(expected.map((row) => row.total)));
  expect(report.count).toBe(sum(expected.map((row) => row.count)));
  // Labels: names for ids, the key itself for months and days, some text for weeks and merchants.
  const labels = new Map(expected.map((row) => [row.key, row.label]));
  for (const group of report.groups) {
    expect(group.count).toBeGreaterThan(0);
    const label = labels.get(group.key);
    if (label !== null && label !== undefined) expect(group.label).toBe(label);
    else if (groupBy === 'merchant' && group.key !== null) expect(group.label).toBe(group.key);
    else expect(group.label.length).toBeGreaterThan(0);
  }
  // Order: largest total first by category, group, merchant and account; time order otherwise.
  if (['month', 'week', 'day'].includes(groupBy)) {
    const keys = report.groups.map((group) => group.key!);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(keys.length);
  } else {
    report.groups.forEach((group, i) => i > 0 && expect(group.total).toBeLessThanOrEqual(report.groups[i - 1]!.total));
  }
  return report;
}

async function expectCashFlowMatchesReference(user: User, scope: Scope & { currencyParameter?: string | undefined }) {
  const report = await cashFlow(user, { from: scope.from, to: scope.to, currency: scope.currencyParameter, account_id: scope.accountId });
  const expected = await referenceCashFlow(scope);
  expect({ scope, months: report.months }).toEqual({ scope, months: expected });
  expect(report).toMatchObject({ currency: scope.currency, from: scope.from, to: scope.to });
}

async function expectTrendsMatchReference(user: User, parameters: { to: string; months?: number | undefined; currency?: string | undefined }, currency: string) {
  const report = await trends(user, parameters);
  const count = parameters.months ?? 12;
  const expected = await referenceTrends(user.id, currency, monthPlus(parameters.to, -(count - 1)), parameters.to);
  expect(report.currency).toBe(currency);
  expect(report.months).toEqual(expected.months);
  expect({ parameters, categories: byCategoryId(report.categories) }).toEqual({ parameters, categories: byCategoryId(expected.categories) });
  report.categories.forEach((category, i) => i > 0 && expect(category.total).toBeLessThanOrEqual(report.categories[i - 1]!.total));
}

// ---------------------------------------------------------------------------------------------
// The property: random ledgers, random edits, every report against the reference.

/** The ledger spans 32 months around today (2026-11): back-dated and future-dated. */
const ledgerStart = '2024-09-01';
const ledgerMonths = 32;
const ledgerEnd = lastDayOf(monthPlus(ledgerStart.slice(0, 7), ledgerMonths - 1));
const ledgerDays = (epochOf(ledgerEnd) - epochOf(ledgerStart)) / dayMs + 1;
const ledgerDay = fc.integer({ min: 0, max: ledgerDays - 1 }).map((n) => plusDays(ledgerStart, n));
/** Query dates reach a little beyond the ledger on either side. */
const queryDay = fc.integer({ min: -45, max: ledgerDays + 45 }).map((n) => plusDays(ledgerStart, n));
const ledgerMonth = (index: number) => monthPlus(ledgerStart.slice(0, 7), index);

/** Categories of every kind and level; null is uncategorized. */
const categoryKeys = [
  'Groceries', 'Restaurants', 'Coffee', 'Fuel', 'Streaming', // expense categories
  'Food & Drink', 'Personal care', 'Education', 'Transportation', // expense groups
  'Salary', 'Income', // income
  'Savings', 'Transfers', // transfer kind (without being transfers)
  null,
] as const;
type CategoryKey = (typeof categoryKeys)[number];
const categoryKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<CategoryKey>('Groceries', 'Restaurants', 'Coffee', 'Fuel', 'Streaming') },
  { weight: 4, arbitrary: fc.constantFrom<CategoryKey>(...categoryKeys) },
  { weight: 1, arbitrary: fc.constant(null) },
);
const merchant = fc.constantFrom('Blue Bottle', 'Shell', 'Amazon', 'Whole Foods', 'Netflix', null);
const amount = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -80_000, max: -1 }) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 30_000 }) }, // refunds and income
  { weight: 1, arbitrary: fc.constant(0) },
);
/** Accounts 0 and 1 are in USD (the default currency), 2 and 3 in EUR. */
const accountCurrencies = ['USD', 'USD', 'EUR', 'EUR'] as const;
const accountIndex = fc.integer({ min: 0, max: 3 });

const newTransaction = fc.record({ account: accountIndex, date: ledgerDay, amount, category: categoryKey, merchant });
type NewTransaction = typeof newTransaction extends fc.Arbitrary<infer T> ? T : never;
const newTransfer = fc.record({
  from: accountIndex,
  to: accountIndex,
  amount: fc.integer({ min: 1, max: 50_000 }),
  toAmount: fc.integer({ min: 1, max: 50_000 }),
  date: ledgerDay,
});
type NewTransfer = typeof newTransfer extends fc.Arbitrary<infer T> ? T : never;
const target = fc.nat();
const edit = fc.oneof(
  fc.record({ op: fc.constant('amount' as const), target, amount }),
  fc.record({ op: fc.constant('date' as const), target, date: ledgerDay }),
  fc.record({ op: fc.constant('category' as const), target, category: categoryKey }),
  fc.record({ op: fc.constant('merchant' as const), target, merchant }),
  fc.record({ op: fc.constant('account' as const), target }),
  fc.record({ op: fc.constant('several' as const), target, amount, date: ledgerDay, category: categoryKey, merchant }),
  fc.record({ op: fc.constant('delete' as const), target }),
  fc.record({
    op: fc.constant('reparent' as const),
    category: fc.constantFrom('Coffee', 'Fuel', 'Restaurants'),
    parent: fc.constantFrom('Food & Drink', 'Entertainment', 'Travel', 'Shopping', null),
  }),
  fc.record({
    op: fc.constant('rekind' as const),
    category: fc.constantFrom('Personal care', 'Education'),
    kind: fc.constantFrom('expense' as const, 'income' as const, 'transfer' as const),
  }),
  fc.record({ op: fc.constant('deleteCategory' as const), category: fc.constantFrom('Coffee', 'Streaming'), reassign: categoryKey }),
);
type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;

const spendingRange = fc.oneof(
  // Month-aligned: whole months only.
  fc.record({ start: fc.integer({ min: -1, max: ledgerMonths }), months: fc.integer({ min: 1, max: 15 }) }).map(({ start, months }) => ({
    from: `${ledgerMonth(start)}-01`,
    to: lastDayOf(ledgerMonth(start + months - 1)),
  })),
  // Arbitrary days.
  fc.tuple(queryDay, queryDay).map(([a, b]) => (a <= b ? { from: a, to: b } : { from: b, to: a })),
  // Inside one month.
  fc.record({ month: fc.integer({ min: 0, max: ledgerMonths - 1 }), a: fc.integer({ min: 1, max: 31 }), b: fc.integer({ min: 1, max: 31 }) }).map(
    ({ month, a, b }) => {
      const last = Number(lastDayOf(ledgerMonth(month)).slice(8));
      const [x, y] = [Math.min(a, b, last), Math.min(Math.max(a, b), last)];
      return { from: `${ledgerMonth(month)}-${String(x).padStart(2, '0')}`, to: `${ledgerMonth(month)}-${String(y).padStart(2, '0')}` };
    },
  ),
  // Across one month boundary, or a few.
  fc.record({ month: fc.integer({ min: 0, max: ledgerMonths - 1 }), before: fc.integer({ min: 1, max: 20 }), after: fc.integer({ min: 0, max: 80 }) }).map(
    ({ month, before, after }) => {
      const boundary = `${ledgerMonth(month + 1)}-01`;
      return { from: plusDays(boundary, -before), to: plusDays(boundary, after) };
    },
  ),
);
const reportCurrency = fc.constantFrom('USD', 'EUR', undefined);
/** Mostly an account in the report's currency; sometimes one in the other currency (an empty report). */
const spendingQuery = fc.record({ range: spendingRange, currency: reportCurrency, account: fc.nat(1), otherCurrency: fc.integer({ min: 0, max: 4 }) })
  .map(({ account, otherCurrency, ...rest }) => {
    const inCurrency = (rest.currency ?? 'USD') === 'USD' ? account : 2 + account;
    return { ...rest, account: otherCurrency === 0 ? (inCurrency + 2) % 4 : inCurrency };
  });
const cashFlowQuery = fc.record({
  start: fc.integer({ min: -3, max: ledgerMonths + 1 }),
  months: fc.integer({ min: 1, max: 36 }),
  currency: reportCurrency,
  account: fc.option(accountIndex, { nil: undefined }),
});
const trendsQuery = fc.record({
  to: fc.integer({ min: 0, max: ledgerMonths + 2 }),
  months: fc.option(fc.integer({ min: 2, max: 36 }), { nil: undefined }),
  currency: reportCurrency,
});

type LedgerRow = { id: string; account: number; transferId: string | null };

/** Builds the ledger through the API: a batch, single creates, transfers, then the edits in order. */
async function buildLedger(
  user: User,
  accounts: Account[],
  categoryIds: Map<string, string>,
  plan: { batch: NewTransaction[]; singles: NewTransaction[]; transfers: NewTransfer[]; edits: Edit[] },
) {
  const rows: LedgerRow[] = [];
  const deletedCategories = new Set<string>();
  const categoryOf = (key: CategoryKey) => (key === null ? null : categoryIds.get(key)!);
  const body = (row: NewTransaction, index: number) => ({
    account_id: accounts[row.account]!.id,
    date: row.date,
    amount: row.amount,
    description: `CARD PURCHASE ${index}`,
    ...(row.merchant === null ? {} : { merchant: row.merchant }),
    ...(row.category === null ? {} : { category_id: categoryOf(row.category) }),
  });

  if (plan.batch.length) {
    const response = await t.api.post('/v1/transactions/batch', { transactions: plan.batch.map(body) }, { token: user.token });
    expect(response.status).toBe(201);
    (response.body.data as Transaction[]).forEach((created, i) => rows.push({ id: created.id, account: plan.batch[i]!.account, transferId: null }));
  }
  for (const [i, single] of plan.singles.entries()) {
    const created = await createTransaction(user, body(single, 1000 + i));
    rows.push({ id: created.id, account: single.account, transferId: null });
  }
  for (const transfer of plan.transfers) {
    const to = transfer.to === transfer.from ? (transfer.from + 1) % 4 : transfer.to;
    const crossCurrency = accountCurrencies[transfer.from] !== accountCurrencies[to];
    const created = await createTransfer(user, {
      from_account_id: accounts[transfer.from]!.id,
      to_account_id: accounts[to]!.id,
      amount: transfer.amount,
      ...(crossCurrency ? { to_amount: transfer.toAmount } : {}),
      date: transfer.date,
    });
    rows.push({ id: created.from_transaction.id, account: transfer.from, transferId: created.id });
    rows.push({ id: created.to_transaction.id, account: to, transferId: created.id });
  }

  const pick = (index: number, options: { transfers: boolean }) => {
    const candidates = options.transfers ? rows : rows.filter((row) => row.transferId === null);
    return candidates.length ? candidates[index % candidates.length]! : undefined;
  };
  const patch = async (row: LedgerRow, changes: Record<string, unknown>) => {
    const response = await t.api.patch(`/v1/transactions/${row.id}`, changes, { token: user.token });
    expect({ changes, status: response.status }).toEqual({ changes, status: 200 });
  };
  for (const step of plan.edits) {
    switch (step.op) {
      case 'amount': {
        const row = pick(step.target, { transfers: false });
        if (row) await patch(row, { amount: step.amount });
        break;
      }
      case 'date': {
        const row = pick(step.target, { transfers: true });
        if (row) await patch(row, { date: step.date });
        break;
      }
      case 'category': {
        const row = pick(step.target, { transfers: true });
        if (row && !(step.category !== null && deletedCategories.has(step.category))) await patch(row, { category_id: categoryOf(step.category) });
        break;
      }
      case 'merchant': {
        const row = pick(step.target, { transfers: true });
        if (row) await patch(row, { merchant: step.merchant });
        break;
      }
      case 'account': {
        // To the other account in the same currency.
        const row = pick(step.target, { transfers: false });
        if (row) {
          row.account = row.account ^ 1;
          await patch(row, { account_id: accounts[row.account]!.id });
        }
        break;
      }
      case 'several': {
        const row = pick(step.target, { transfers: false });
        if (row && !(step.category !== null && deletedCategories.has(step.category))) {
          await patch(row, { amount: step.amount, date: step.date, category_id: categoryOf(step.category), merchant: step.merchant });
        }
        break;
      }
      case 'delete': {
        const row = pick(step.target, { transfers: true });
        if (row) {
          const response = await t.api.delete(`/v1/transactions/${row.id}`, { token: user.token });
          expect(response.status).toBe(204);
          // Deleting a transfer's leg deletes the transfer.
          for (let i = rows.length - 1; i >= 0; i -= 1) {
            if (rows[i]!.id === row.id || (row.transferId !== null && rows[i]!.transferId === row.transferId)) rows.splice(i, 1);
          }
        }
        break;
      }
      case 'reparent': {
        if (deletedCategories.has(step.category)) break;
        const response = await t.api.patch(
          `/v1/categories/${categoryIds.get(step.category)}`,
          { parent_id: step.parent === null ? null : categoryIds.get(step.parent) },
          { token: user.token },
        );
        expect(response.status).toBe(200);
        break;
      }
      case 'rekind': {
        const response = await t.api.patch(`/v1/categories/${categoryIds.get(step.category)}`, { kind: step.kind }, { token: user.token });
        expect(response.status).toBe(200);
        break;
      }
      case 'deleteCategory': {
        if (deletedCategories.has(step.category)) break;
        const reassign = step.reassign === null || step.reassign === step.category || deletedCategories.has(step.reassign) ? undefined : step.reassign;
        const response = await t.api.delete(
          `/v1/categories/${categoryIds.get(step.category)}${query({ reassign_to: reassign === undefined ? undefined : categoryIds.get(reassign) })}`,
          { token: user.token },
        );
        expect(response.status).toBe(204);
        deletedCategories.add(step.category);
        break;
      }
    }
  }
  return rows;
}

describe('reports against a reference query over the transactions (property)', () => {
  it(
    'agree on random ledgers after random edits, for every grouping, range, currency and account filter',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            batch: fc.array(newTransaction, { minLength: 20, maxLength: 90 }),
            singles: fc.array(newTransaction, { maxLength: 4 }),
            transfers: fc.array(newTransfer, { maxLength: 4 }),
            edits: fc.array(edit, { maxLength: 16 }),
          }),
          fc.array(spendingQuery, { minLength: 3, maxLength: 3 }),
          fc.array(cashFlowQuery, { minLength: 2, maxLength: 2 }),
          fc.array(trendsQuery, { minLength: 2, maxLength: 2 }),
          async (plan, spendingQueries, cashFlowQueries, trendsQueries) => {
            const user = await newUser();
            const accounts: Account[] = [];
            for (const currency of accountCurrencies) accounts.push(await createAccount(user, { currency }));
            const categoryIds = idsByName(await categoriesOf(user));
            await buildLedger(user, accounts, categoryIds, plan);

            for (const { range, currency, account } of spendingQueries) {
              for (const accountId of [undefined, accounts[account]!.id]) {
                for (const groupBy of groupings) {
                  await expectSpendingMatchesReference(
                    user,
                    { userId: user.id, currency: currency ?? 'USD', currencyParameter: currency, accountId, ...range },
                    groupBy,
                  );
                }
              }
            }
            for (const { start, months, currency, account } of cashFlowQueries) {
              await expectCashFlowMatchesReference(user, {
                userId: user.id,
                currency: currency ?? 'USD',
                currencyParameter: currency,
                accountId: account === undefined ? undefined : accounts[account]!.id,
                from: ledgerMonth(start),
                to: ledgerMonth(start + months - 1),
              });
            }
            for (const { to, months, currency } of trendsQueries) {
              await expectTrendsMatchReference(user, { to: ledgerMonth(to), months, currency }, currency ?? 'USD');
            }
          },
        ),
        { numRuns: Number(process.env.REPORTS_RUNS ?? 20), endOnFailure: !process.env.REPORTS_SHRINK },
      );
    },
    600_000,
  );
});

// ---------------------------------------------------------------------------------------------
// Examples.

describe('a small ledger, worked by hand', () => {
  let user: User;
  let checking: Account;
  let card: Account;
  let euro: Account;
  let ids: Map<string, string>;
  beforeAll(async () => {
    user = await newUser();
    checking = await createAccount(user, { currency: 'USD', name: 'Checking' });
    card = await createAccount(user, { currency: 'USD', name: 'Card', type: 'credit_card' });
    euro = await createAccount(user, { currency: 'EUR', name: 'Euro' });
    ids = idsByName(await categoriesOf(user));
    const add = (account: Account, date: string, amount: number, category: string | null, merchant?: string) =>
      createTransaction(user, {
        account_id: account.id,
        date,
        amount,
        ...(category ? { category_id: ids.get(category) } : {}),
        ...(merchant ? { merchant } : {}),
      });
    await add(checking, '2026-03-02', -5000, 'Groceries', 'Whole Foods'); // a Monday
    await add(checking, '2026-03-08', -1200, 'Restaurants', 'Nopa'); // a Sunday
    await add(card, '2026-03-09', -800, 'Coffee', 'Blue Bottle');
    await add(card, '2026-03-10', 300, 'Coffee', 'Blue Bottle'); // a refund
    await add(checking, '2026-03-15', -2000, 'Personal care'); // a group without categories, no merchant
    await add(checking, '2026-03-15', 250_000, 'Salary');
    await add(checking, '2026-03-20', -999, null); // uncategorized
    await add(checking, '2026-03-21', -5000, 'Savings'); // a transfer-kind category, not a transfer
    await createTransfer(user, { from_account_id: checking.id, to_account_id: card.id, amount: 10_000, date: '2026-03-22' });
    await add(euro, '2026-03-05', -4000, 'Groceries');
    await add(checking, '2026-02-28', -700, 'Groceries');
    await add(checking, '2026-04-01', -100, 'Groceries');
  });

  const march = { from: '2026-03-01', to: '2026-03-31' };
  const strip = (groups: Group[]) => groups.map(({ key, total, count }) => ({ key, total, count }));

  it('by category: outflows minus refunds in expense categories; income, transfers, uncategorized left out', async () => {
    const report = await spending(user, march);
    expect(report).toMatchObject({ currency: 'USD', from: '2026-03-01', to: '2026-03-31', group_by: 'category', total: 8700, count: 5 });
    expect(report.groups).toEqual([
      { key: ids.get('Groceries'), label: 'Groceries', total: 5000, count: 1 },
      { key: ids.get('Personal care'), label: 'Personal care', total: 2000, count: 1 },
      { key: ids.get('Restaurants'), label: 'Restaurants', total: 1200, count: 1 },
      { key: ids.get('Coffee'), label: 'Coffee', total: 500, count: 2 },
    ]);
  });

  it('by parent category, merchant, account, month, week and day', async () => {
    const by = async (group_by: Grouping, range = march) => strip((await spending(user, { ...range, group_by })).groups);
    expect(await by('parent_category')).toEqual([
      { key: ids.get('Food & Drink'), total: 6700, count: 4 },
      { key: ids.get('Personal care'), total: 2000, count: 1 },
    ]);
    expect(byKey(await by('merchant'))).toEqual(byKey([
      { key: 'Whole Foods', total: 5000, count: 1 },
      { key: null, total: 2000, count: 1 },
      { key: 'Nopa', total: 1200, count: 1 },
      { key: 'Blue Bottle', total: 500, count: 2 },
    ]));
    expect(await by('account')).toEqual([
      { key: checking.id, total: 8200, count: 3 },
      { key: card.id, total: 500, count: 2 },
    ]);
    expect(await by('month', { from: '2026-02-01', to: '2026-04-30' })).toEqual([
      { key: '2026-02', total: 700, count: 1 },
      { key: '2026-03', total: 8700, count: 5 },
      { key: '2026-04', total: 100, count: 1 },
    ]);
    // ISO weeks start on Monday: Sunday 03-08 belongs to the week of Monday 03-02.
    expect(await by('week')).toEqual([
      { key: '2026-03-02', total: 6200, count: 2 },
      { key: '2026-03-09', total: 2500, count: 3 },
    ]);
    expect(await by('day')).toEqual([
      { key: '2026-03-02', total: 5000, count: 1 },
      { key: '2026-03-08', total: 1200, count: 1 },
      { key: '2026-03-09', total: 800, count: 1 },
      { key: '2026-03-10', total: -300, count: 1 },
      { key: '2026-03-15', total: 2000, count: 1 },
    ]);
  });

  it('filters by account_id and by day range within and across months', async () => {
    expect(await spending(user, { ...march, account_id: card.id })).toMatchObject({ total: 500, count: 2 });
    expect(await spending(user, { from: '2026-03-09', to: '2026-03-10' })).toMatchObject({ total: 500, count: 2 });
    expect(await spending(user, { from: '2026-02-28', to: '2026-03-02' })).toMatchObject({ total: 5700, count: 2 });
    expect(await spending(user, { from: '2026-02-28', to: '2026-04-01' })).toMatchObject({ total: 9500, count: 7 });
    expect(await spending(user, { from: '2026-03-16', to: '2026-03-31' })).toMatchObject({ total: 0, count: 0, groups: [] });
  });

  it('a report in EUR counts only EUR transactions, and the USD report ignores them', async () => {
    const report = await spending(user, { ...march, currency: 'EUR' });
    expect(report).toMatchObject({ currency: 'EUR', total: 4000, count: 1 });
    expect(strip(report.groups)).toEqual([{ key: ids.get('Groceries'), total: 4000, count: 1 }]);
    expect(await spending(user, { ...march, currency: 'EUR', account_id: checking.id })).toMatchObject({ total: 0, count: 0, groups: [] });
    expect(await spending(user, { ...march, currency: 'JPY' })).toMatchObject({ currency: 'JPY', total: 0, count: 0, groups: [] });
  });

  it('cash flow: income, spending, uncategorized and net for every month, transfers left out', async () => {
    const report = await cashFlow(user, { from: '2026-01', to: '2026-04' });
    expect(report).toEqual({
      currency: 'USD',
      from: '2026-01',
      to: '2026-04',
      months: [
        { month: '2026-01', income: 0, spending: 0, uncategorized: 0, net: 0 },
        { month: '2026-02', income: 0, spending: 700, uncategorized: 0, net: -700 },
        { month: '2026-03', income: 250_000, spending: 8700, uncategorized: -999, net: 250_000 - 8700 - 999 },
        { month: '2026-04', income: 0, spending: 100, uncategorized: 0, net: -100 },
      ],
    });
    expect((await cashFlow(user, { from: '2026-03', to: '2026-03', account_id: card.id })).months).toEqual([
      { month: '2026-03', income: 0, spending: 500, uncategorized: 0, net: -500 },
    ]);
    expect((await cashFlow(user, { from: '2026-03', to: '2026-03', currency: 'EUR' })).months).toEqual([
      { month: '2026-03', income: 0, spending: 4000, uncategorized: 0, net: -4000 },
    ]);
  });

  it('trends: per expense category, the series, its average before the latest month and the change', async () => {
    const report = await trends(user, { to: '2026-04', months: 3 });
    expect(report.months).toEqual(['2026-02', '2026-03', '2026-04']);
    expect(report.categories).toEqual([
      { category_id: ids.get('Groceries'), name: 'Groceries', parent_id: ids.get('Food & Drink'), series: [700, 5000, 100], total: 5800, average: 2850, latest: 100, change: -0.9649 },
      { category_id: ids.get('Personal care'), name: 'Personal care', parent_id: null, series: [0, 2000, 0], total: 2000, average: 1000, latest: 0, change: -1 },
      { category_id: ids.get('Restaurants'), name: 'Restaurants', parent_id: ids.get('Food & Drink'), series: [0, 1200, 0], total: 1200, average: 600, latest: 0, change: -1 },
      { category_id: ids.get('Coffee'), name: 'Coffee', parent_id: ids.get('Food & Drink'), series: [0, 500, 0], total: 500, average: 250, latest: 0, change: -1 },
    ]);
    const quiet = await trends(user, { to: '2026-08', months: 4 });
    expect(quiet).toEqual({ currency: 'USD', months: ['2026-05', '2026-06', '2026-07', '2026-08'], categories: [] });
  });

  it('follows re-parenting and re-kinding of categories at once, with no rebuild', async () => {
    const other = await newUser();
    const account = await createAccount(other, { currency: 'USD' });
    const otherIds = idsByName(await categoriesOf(other));
    for (const [category, amount] of [['Groceries', -5000], ['Coffee', -800], ['Personal care', -2000]] as const) {
      await createTransaction(other, { account_id: account.id, date: '2026-03-10', amount, category_id: otherIds.get(category) });
    }
    const moved = await t.api.patch(`/v1/categories/${otherIds.get('Coffee')}`, { parent_id: otherIds.get('Entertainment') }, { token: other.token });
    expect(moved.status).toBe(200);
    expect(strip((await spending(other, { ...march, group_by: 'parent_category' })).groups)).toEqual([
      { key: otherIds.get('Food & Drink'), total: 5000, count: 1 },
      { key: otherIds.get('Personal care'), total: 2000, count: 1 },
      { key: otherIds.get('Entertainment'), total: 800, count: 1 },
    ]);
    const rekinded = await t.api.patch(`/v1/categories/${otherIds.get('Personal care')}`, { kind: 'income' }, { token: other.token });
    expect(rekinded.status).toBe(200);
    expect(await spending(other, march)).toMatchObject({ total: 5800, count: 2 });
    expect((await cashFlow(other, { from: '2026-03', to: '2026-03' })).months).toEqual([
      { month: '2026-03', income: -2000, spending: 5800, uncategorized: 0, net: -7800 },
    ]);
    expect((await trends(other, { to: '2026-03', months: 2 })).categories.map((c) => c.name).sort()).toEqual(['Coffee', 'Groceries']);
  });
});

describe('defaults', () => {
  it('spending covers the current month up to today (UTC) in the default currency, grouped by category', async () => {
    const user = await newUser();
    const account = await createAccount(user, { currency: 'USD' });
    const ids = idsByName(await categoriesOf(user));
    const today = todayUtc();
    await createTransaction(user, { account_id: account.id, date: today, amount: -1234, category_id: ids.get('Groceries') });
    await createTransaction(user, { account_id: account.id, date: plusDays(today, 1), amount: -99, category_id: ids.get('Groceries') });
    await createTransaction(user, { account_id: account.id, date: plusDays(`${today.slice(0, 7)}-01`, -1), amount: -77, category_id: ids.get('Groceries') });
    const report = await spending(user, {});
    expect(report).toMatchObject({ currency: 'USD', from: `${today.slice(0, 7)}-01`, to: today, group_by: 'category', total: 1234, count: 1 });
    // Only `to`: from the first of its month.
    expect(await spending(user, { to: '2026-03-14' })).toMatchObject({ from: '2026-03-01', to: '2026-03-14' });
  });

  it("reports in the user's default currency when none is asked for", async () => {
    const user = await newUser({ default_currency: 'EUR' });
    const dollars = await createAccount(user, { currency: 'USD' });
    const euros = await createAccount(user, { currency: 'EUR' });
    const ids = idsByName(await categoriesOf(user));
    await createTransaction(user, { account_id: dollars.id, date: '2026-03-03', amount: -1000, category_id: ids.get('Coffee') });
    await createTransaction(user, { account_id: euros.id, date: '2026-03-04', amount: -2500, category_id: ids.get('Coffee') });
    expect(await spending(user, { from: '2026-03-01', to: '2026-03-31' })).toMatchObject({ currency: 'EUR', total: 2500, count: 1 });
    expect(await spending(user, { from: '2026-03-01', to: '2026-03-31', currency: 'USD' })).toMatchObject({ currency: 'USD', total: 1000, count: 1 });
    expect((await cashFlow(user, { from: '2026-03', to: '2026-03' })).currency).toBe('EUR');
    expect((await cashFlow(user, { from: '2026-03', to: '2026-03' })).months[0]).toMatchObject({ spending: 2500 });
    expect(await trends(user, { to: '2026-03', months: 2 })).toMatchObject({ currency: 'EUR', categories: [{ series: [0, 2500] }] });
  });

  it('cash flow covers the twelve months up to the current one; trends the twelve up to the current one', async () => {
    const user = await newUser();
    const month = todayUtc().slice(0, 7);
    const report = await cashFlow(user, {});
    expect(report).toMatchObject({ currency: 'USD', from: monthPlus(month, -11), to: month });
    expect(report.months.map((row) => row.month)).toEqual(Array.from({ length: 12 }, (_, i) => monthPlus(month, i - 11)));
    expect(report.months.every((row) => row.income === 0 && row.spending === 0 && row.uncategorized === 0 && row.net === 0)).toBe(true);
    // Only `to`: the eleven months before it.
    expect(await cashFlow(user, { to: '2026-03' })).toMatchObject({ from: '2025-04', to: '2026-03' });
    const trend = await trends(user, {});
    expect(trend).toEqual({ currency: 'USD', months: Array.from({ length: 12 }, (_, i) => monthPlus(month, i - 11)), categories: [] });
    expect((await trends(user, { to: '2026-03', months: 2 })).months).toEqual(['2026-02', '2026-03']);
  });
});

describe('validation', () => {
  let user: User;
  beforeAll(async () => {
    user = await newUser();
  });
  const get = (path: string) => t.api.get(path, { token: user.token });

  it('answers 400 naming `to` when from is after to', async () => {
    expectBadParameter(await get('/v1/reports/spending?from=2026-03-02&to=2026-03-01'), 'to');
    expectBadParameter(await get('/v1/reports/spending?from=2099-01-01'), 'to');
    expectBadParameter(await get('/v1/reports/cash-flow?from=2026-04&to=2026-03'), 'to');
    expect((await get('/v1/reports/spending?from=2026-03-01&to=2026-03-01')).status).toBe(200);
    expect((await get('/v1/reports/cash-flow?from=2026-03&to=2026-03')).status).toBe(200);
  });

  it('limits spending to 20 years and cash flow to 120 months', async () => {
    expect((await get('/v1/reports/spending?from=2006-03-14&to=2026-03-14')).status).toBe(200);
    expectBadParameter(await get('/v1/reports/spending?from=2006-03-14&to=2026-03-15'), 'to');
    expectBadParameter(await get('/v1/reports/spending?from=1990-01-01&to=2026-03-15'), 'to');
    const longest = await get('/v1/reports/cash-flow?from=2016-01&to=2025-12');
    expect(longest.status).toBe(200);
    expect(longest.body.months).toHaveLength(120);
    expectBadParameter(await get('/v1/reports/cash-flow?from=2016-01&to=2026-01'), 'to');
    expectBadParameter(await get('/v1/reports/cash-flow?from=1990-01&to=2026-01'), 'to');
  });

  it('takes 2 to 36 months for trends', async () => {
    for (const months of ['1', '37', '0', '-3', '2.5', 'twelve']) {
      expectBadParameter(await get(`/v1/reports/trends?months=${months}`), 'months');
    }
    expect((await get('/v1/reports/trends?months=2')).body.months).toHaveLength(2);
    expect((await get('/v1/reports/trends?months=36')).body.months).toHaveLength(36);
  });

  it('answers 400 to an unknown group_by, currency, account_id or malformed dates and months', async () => {
    expectBadParameter(await get('/v1/reports/spending?group_by=year'), 'group_by');
    expectBadParameter(await get('/v1/reports/spending?group_by='), 'group_by');
    for (const path of ['/v1/reports/spending', '/v1/reports/cash-flow', '/v1/reports/trends']) {
      expectBadParameter(await get(`${path}?currency=usd`), 'currency');
      expectBadParameter(await get(`${path}?currency=XYZ`), 'currency');
    }
    expectBadParameter(await get('/v1/reports/spending?account_id=not-a-uuid'), 'account_id');
    expectBadParameter(await get('/v1/reports/cash-flow?account_id=42'), 'account_id');
    for (const day of ['2026-02-30', '2026-3-01', '20260301', 'yesterday', '1899-12-31', '2200-01-01']) {
      expectBadParameter(await get(`/v1/reports/spending?from=${day}`), 'from');
      expectBadParameter(await get(`/v1/reports/spending?to=${day}`), 'to');
    }
    for (const month of ['2026-13', '2026-1', '2026-00', '2026-03-01', '1899-12', '2200-01']) {
      expectBadParameter(await get(`/v1/reports/cash-flow?from=${month}&to=2026-03`), 'from');
      expectBadParameter(await get(`/v1/reports/cash-flow?from=2026-01&to=${month}`), 'to');
      expectBadParameter(await get(`/v1/reports/trends?to=${month}`), 'to');
    }
  });

  it('needs a token', async () => {
    for (const path of ['/v1/reports/spending', '/v1/reports/cash-flow', '/v1/reports/trends']) {
      expect((await t.api.get(path)).status).toBe(401);
    }
  });

  it('never answers months outside the Month format when a default reaches before 1900', async () => {
    // `to` is valid, but eleven (or months − 1) months before it is 1899: the answer must still
    // keep to the contract (the client checks it) — a 400 or a report starting in 1900, not a 500.
    const answers = [];
    for (const path of ['/v1/reports/cash-flow?to=1900-06', '/v1/reports/trends?to=1900-06&months=12', '/v1/reports/trends?to=1901-01&months=36']) {
      const response = await get(path);
      answers.push({ path, status: response.status });
    }
    expect(answers.filter((answer) => ![200, 400].includes(answer.status))).toEqual([]);
  });
});

describe('isolation', () => {
  it("never shows one user another's money, even given the other's account id", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const aliceAccount = await createAccount(alice, { currency: 'USD' });
    const aliceIds = idsByName(await categoriesOf(alice));
    for (const [category, amount] of [['Groceries', -5000], ['Salary', 90_000], [null, -300]] as const) {
      await createTransaction(alice, {
        account_id: aliceAccount.id,
        date: '2026-03-10',
        amount,
        ...(category ? { category_id: aliceIds.get(category) } : {}),
      });
    }
    expect(await spending(alice, { from: '2026-03-01', to: '2026-03-31' })).toMatchObject({ total: 5000, count: 1 });

    for (const group_by of groupings) {
      for (const account_id of [undefined, aliceAccount.id]) {
        expect(await spending(bob, { from: '2026-01-01', to: '2026-12-31', group_by, account_id })).toMatchObject({ total: 0, count: 0, groups: [] });
      }
    }
    for (const account_id of [undefined, aliceAccount.id]) {
      const flow = await cashFlow(bob, { from: '2026-01', to: '2026-12', account_id });
      expect(flow.months).toHaveLength(12);
      expect(flow.months.every((row) => row.income === 0 && row.spending === 0 && row.uncategorized === 0 && row.net === 0)).toBe(true);
    }
    expect((await trends(bob, { to: '2026-12', months: 12 })).categories).toEqual([]);
    // Alice filtered by her own account still sees hers.
    expect(await spending(alice, { from: '2026-03-01', to: '2026-03-31', account_id: aliceAccount.id })).toMatchObject({ total: 5000 });
  });
});
