// The insights through the API: recurring streams, anomalies with reasons and dismissals, spending
// forecasts with intervals; each scoped to the caller and recomputed when their ledger changes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, addMonths } from '../src/calendar.ts';
import { startTestApp, type Schema, type TestApp } from './helpers/app.ts';
import { asOwner } from './helpers/database.ts';
import { categoryNamed, factoriesFor, type TestAccount, type TestCategory, type TestUser } from './helpers/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());
const { newUser, createAccount, categoriesOf } = factoriesFor(() => t);

type Setup = { user: TestUser; account: TestAccount; categories: TestCategory[] };
async function setup(): Promise<Setup> {
  const user = await newUser({}, { autoCategorize: false });
  return { user, account: await createAccount(user), categories: await categoriesOf(user) };
}

type Row = { date: string; amount: number; description: string; merchant?: string; category_id?: string };
async function batch(setup: Setup, rows: readonly Row[]): Promise<Schema<'Transaction'>[]> {
  const created: Schema<'Transaction'>[] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    const items = rows.slice(i, i + 1000).map((row) => ({ account_id: setup.account.id, ...row }));
    const response = await t.api.post('/v1/transactions/batch', { transactions: items }, { token: setup.user.token });
    expect(response.status).toBe(201);
    created.push(...(response.body.data as Schema<'Transaction'>[]));
  }
  return created;
}

const today = new Date().toISOString().slice(0, 10);
const thisMonth = today.slice(0, 7);
/** The same day of the month `monthsAgo` months back (the 14th: no month-end clamping). */
const monthly = (monthsAgo: number, day = '14') => `${addMonths(thisMonth, -monthsAgo)}-${day}`;

/** A year of a fixed-price subscription and of groceries at varying amounts on irregular days. */
function everydayLife(categories: TestCategory[]): Row[] {
  const subscriptions = categoryNamed(categories, 'Streaming', 'Subscriptions');
  const groceries = categoryNamed(categories, 'Groceries', 'Food & Drink');
  const rows: Row[] = [];
  for (let m = 12; m >= 1; m--) {
    rows.push({ date: monthly(m), amount: -1549, description: 'NETFLIX.COM', merchant: 'Netflix', category_id: subscriptions.id });
    for (const [day, amount] of [['03', -6120], ['09', -4875], ['17', -5530], ['24', -7210]] as const) {
      rows.push({ date: `${addMonths(thisMonth, -m)}-${day}`, amount: amount - m * 7, description: 'KROGER #123', merchant: 'Kroger', category_id: groceries.id });
    }
  }
  return rows;
}

describe('GET /v1/insights/recurring', () => {
  it('finds a monthly subscription with its next date, and not the groceries', async () => {
    const s = await setup();
    const created = await batch(s, everydayLife(s.categories));
    const response = await t.api.get('/v1/insights/recurring', { token: s.user.token });
    expect(response.status).toBe(200);
    const streams = response.body.data as Schema<'RecurringSeries'>[];
    const netflix = streams.find((stream) => stream.merchant === 'Netflix');
    expect(netflix).toMatchObject({
      cadence: 'monthly',
      direction: 'outflow',
      typical_amount: 1549,
      last_amount: 1549,
      currency: 'USD',
      transaction_count: 12,
      first_date: monthly(12),
      last_date: monthly(1),
      next_expected_date: monthly(0),
      category_id: categoryNamed(s.categories, 'Streaming', 'Subscriptions').id,
    });
    const lastNetflix = created.filter((row) => row.merchant === 'Netflix').at(-1)!;
    expect(netflix!.last_transaction_id).toBe(lastNetflix.id);
    expect(streams.some((stream) => stream.merchant === 'Kroger')).toBe(false);
  });

  it('shows a user only their own streams, and follows their writes', async () => {
    const owner = await setup();
    const stranger = await setup();
    const created = await batch(owner, everydayLife(owner.categories));
    expect((await t.api.get('/v1/insights/recurring', { token: stranger.user.token })).body.data).toEqual([]);
    const before = (await t.api.get('/v1/insights/recurring', { token: owner.user.token })).body.data as Schema<'RecurringSeries'>[];
    expect(before.find((stream) => stream.merchant === 'Netflix')!.last_amount).toBe(1549);
    const lastNetflix = created.filter((row) => row.merchant === 'Netflix').at(-1)!;
    expect((await t.api.patch(`/v1/transactions/${lastNetflix.id}`, { amount: -2299 }, { token: owner.user.token })).status).toBe(200);
    const after = (await t.api.get('/v1/insights/recurring', { token: owner.user.token })).body.data as Schema<'RecurringSeries'>[];
    expect(after.find((stream) => stream.merchant === 'Netflix')!.last_amount).toBe(2299);
  });

  it('moves the ledger revision on changes the insights read, and not on a note', async () => {
    const s = await setup();
    const [row] = await batch(s, [{ date: '2026-01-05', amount: -500, description: 'COFFEE' }]);
    const revision = async () =>
      (await asOwner<{ revision: string }>(t.database.url, 'select revision from ledger_revisions where user_id = $1', [s.user.id])).rows[0]!.revision;
    const start = await revision();
    const patch = (body: object) => t.api.patch(`/v1/transactions/${row!.id}`, body, { token: s.user.token });
    expect((await patch({ notes: 'with a friend' })).status).toBe(200);
    expect(await revision()).toBe(start);
    expect((await patch({ amount: -650 })).status).toBe(200);
    expect(Number(await revision())).toBe(Number(start) + 1);
  });
});

describe('GET /v1/insights/anomalies', () => {
  async function withFuelHistory() {
    const s = await setup();
    const transport = categoryNamed(s.categories, 'Fuel', 'Transportation');
    const rows: Row[] = [];
    const amounts = [-3850, -4210, -5120, -4480, -6100, -3990, -4720, -5260, -4400, -5010, -4650, -4100];
    amounts.forEach((amount, i) => rows.push({ date: addDays('2026-01-02', i * 9), amount, description: 'SHELL OIL 5744', merchant: 'Shell', category_id: transport.id }));
    const history = await batch(s, rows);
    const [spike] = await batch(s, [{ date: '2026-05-20', amount: -19850, description: 'SHELL OIL 5744', merchant: 'Shell', category_id: transport.id }]);
    return { ...s, history, spike: spike! };
  }

  it('flags a spike at a usual merchant with a reason and the usual range', async () => {
    const s = await withFuelHistory();
    const response = await t.api.get('/v1/insights/anomalies?from=2026-01-01&to=2026-12-31', { token: s.user.token });
    expect(response.status).toBe(200);
    const anomalies = response.body.data as Schema<'Anomaly'>[];
    const spike = anomalies.find((anomaly) => anomaly.transaction_id === s.spike.id);
    expect(spike).toMatchObject({ kind: 'spike', date: '2026-05-20', merchant: 'Shell', amount: -19850, currency: 'USD' });
    expect(spike!.reason).toMatch(/Shell/);
    expect(spike!.reason).toMatch(/\$/);
    expect(spike!.expected!.low).toBeLessThanOrEqual(spike!.expected!.high);
    expect(spike!.expected!.high).toBeLessThan(19850);
    expect(spike!.score).toBeGreaterThan(0);
    expect(spike!.score).toBeLessThanOrEqual(1);
    for (const row of s.history) expect(anomalies.some((anomaly) => anomaly.transaction_id === row.id)).toBe(false);
    const scores = anomalies.map((anomaly) => anomaly.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // Outside the range: not listed.
    expect((await t.api.get('/v1/insights/anomalies?from=2026-06-01&to=2026-12-31', { token: s.user.token })).body.data).toEqual([]);
  });

  it('flags the same charge twice within two days as a duplicate', async () => {
    const s = await setup();
    // Enough everyday history for the user's habits to be known (repeats are judged against them).
    const history: Row[] = Array.from({ length: 40 }, (_, i) => ({
      date: addDays('2026-01-01', i),
      amount: -(1500 + ((i * 7919) % 4000)),
      description: `STORE ${i % 8}`,
      merchant: `Store ${i % 8}`,
    }));
    await batch(s, history);
    const [first, second] = await batch(s, [
      { date: '2026-03-03', amount: -4210, description: 'UBER EATS', merchant: 'Uber Eats' },
      { date: '2026-03-04', amount: -4210, description: 'UBER EATS', merchant: 'Uber Eats' },
    ]);
    const anomalies = (await t.api.get('/v1/insights/anomalies?from=2026-03-01&to=2026-03-31', { token: s.user.token })).body.data as Schema<'Anomaly'>[];
    const duplicate = anomalies.find((anomaly) => anomaly.kind === 'duplicate');
    expect(duplicate).toMatchObject({ transaction_id: second!.id, merchant: 'Uber Eats', amount: -4210, expected: null });
    expect(duplicate!.reason).toMatch(/\$42\.10/);
    expect(anomalies.some((anomaly) => anomaly.transaction_id === first!.id && anomaly.kind === 'duplicate')).toBe(false);
  });

  it('forgets a dismissed anomaly and later ones like it, but not larger ones', async () => {
    const s = await withFuelHistory();
    const range = '?from=2026-01-01&to=2026-12-31';
    const dismissed = await t.api.post(`/v1/insights/anomalies/${s.spike.id}/dismiss`, undefined, { token: s.user.token });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body).toMatchObject({ transaction_id: s.spike.id, kind: 'spike', merchant: 'Shell', amount: -19850, currency: 'USD' });
    const again = await t.api.post(`/v1/insights/anomalies/${s.spike.id}/dismiss`, undefined, { token: s.user.token });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(dismissed.body);
    const transport = categoryNamed(s.categories, 'Fuel', 'Transportation');
    const [similar, larger] = await batch(s, [
      { date: '2026-06-20', amount: -21000, description: 'SHELL OIL 5744', merchant: 'Shell', category_id: transport.id },
      { date: '2026-07-20', amount: -90000, description: 'SHELL OIL 5744', merchant: 'Shell', category_id: transport.id },
    ]);
    const ids = ((await t.api.get(`/v1/insights/anomalies${range}`, { token: s.user.token })).body.data as Schema<'Anomaly'>[]).map((a) => a.transaction_id);
    expect(ids).not.toContain(s.spike.id);
    expect(ids).not.toContain(similar!.id);
    expect(ids).toContain(larger!.id);
  });

  it("answers 404 when dismissing another user's or a missing transaction, and writes nothing", async () => {
    const owner = await withFuelHistory();
    const stranger = await setup();
    const answer = await t.api.post(`/v1/insights/anomalies/${owner.spike.id}/dismiss`, undefined, { token: stranger.user.token });
    expect(answer.status).toBe(404);
    expect((await t.api.post('/v1/insights/anomalies/00000000-0000-4000-8000-000000000000/dismiss', undefined, { token: owner.user.token })).status).toBe(404);
    const count = await asOwner<{ n: number }>(t.database.url, 'select count(*)::int as n from anomaly_dismissals where transaction_id = $1', [owner.spike.id]);
    expect(count.rows[0]!.n).toBe(0);
    expect((await t.api.post('/v1/insights/anomalies/not-a-uuid/dismiss', undefined, { token: owner.user.token })).status).toBe(400);
  });

  it('refuses a reversed range, naming the parameter', async () => {
    const s = await setup();
    const response = await t.api.get('/v1/insights/anomalies?from=2026-05-01&to=2026-04-01', { token: s.user.token });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.errors)).toMatch(/to/);
  });
});

describe('GET /v1/insights/forecast', () => {
  /** Thirty months of groceries with a yearly rhythm, and one insurance bill each March. */
  async function withHistory() {
    const s = await setup();
    const groceries = categoryNamed(s.categories, 'Groceries', 'Food & Drink');
    const insurance = categoryNamed(s.categories, 'Insurance', 'Housing');
    const rows: Row[] = [];
    for (let m = 0; m < 30; m++) {
      const month = addMonths('2024-01', m);
      const seasonal = Math.round(40000 + 8000 * Math.sin((2 * Math.PI * (m % 12)) / 12));
      rows.push({ date: `${month}-05`, amount: -seasonal, description: 'KROGER', merchant: 'Kroger', category_id: groceries.id });
      rows.push({ date: `${month}-19`, amount: -Math.round(seasonal / 2), description: 'KROGER', merchant: 'Kroger', category_id: groceries.id });
      if (month.endsWith('-03')) rows.push({ date: `${month}-10`, amount: -120000, description: 'GEICO', merchant: 'Geico', category_id: insurance.id });
    }
    await batch(s, rows);
    return { ...s, groceries, insurance };
  }

  it('forecasts each category with ordered intervals and its own backtest, from data before as_of only', async () => {
    const s = await withHistory();
    const response = await t.api.get('/v1/insights/forecast?as_of=2026-07&months=3', { token: s.user.token });
    expect(response.status).toBe(200);
    const forecast = response.body as Schema<'SpendingForecast'>;
    expect(forecast).toMatchObject({ currency: 'USD', as_of: '2026-07', months: 3, group_by: 'category', note: null });
    const groceries = forecast.series.find((series) => series.key === s.groceries.id)!;
    expect(groceries.label).toBe('Groceries');
    expect(groceries.history_months).toBe(30);
    expect(groceries.points.map((point) => point.month)).toEqual(['2026-07', '2026-08', '2026-09']);
    for (const point of groceries.points) {
      expect(point.lower_95).toBeLessThanOrEqual(point.lower_80);
      expect(point.lower_80).toBeLessThanOrEqual(point.predicted);
      expect(point.predicted).toBeLessThanOrEqual(point.upper_80);
      expect(point.upper_80).toBeLessThanOrEqual(point.upper_95);
      expect(point.expected).toBeGreaterThanOrEqual(0);
      expect(point.predicted).toBeGreaterThan(30000);
      expect(point.predicted).toBeLessThan(100000);
    }
    expect(groceries.backtest.baseline).toBe('seasonal_naive');
    expect(groceries.backtest.origins).toBeGreaterThan(0);
    // Data in or after as_of changes nothing.
    await batch(s, [{ date: '2026-08-02', amount: -900000, description: 'KROGER', merchant: 'Kroger', category_id: s.groceries.id }]);
    const again = (await t.api.get('/v1/insights/forecast?as_of=2026-07&months=3', { token: s.user.token })).body as Schema<'SpendingForecast'>;
    expect(again.series.find((series) => series.key === s.groceries.id)).toEqual(groceries);
  });

  it('puts a yearly bill in its month, and sums a group or everything', async () => {
    const s = await withHistory();
    const forecast = (await t.api.get('/v1/insights/forecast?as_of=2026-07&months=12&group_by=total', { token: s.user.token })).body as Schema<'SpendingForecast'>;
    expect(forecast.series).toHaveLength(1);
    expect(forecast.series[0]).toMatchObject({ key: null, label: 'All spending' });
    const march = forecast.series[0]!.points.find((point) => point.month === '2027-03')!;
    const april = forecast.series[0]!.points.find((point) => point.month === '2027-04')!;
    expect(march.predicted - april.predicted).toBeGreaterThan(50000);
    const groups = (await t.api.get('/v1/insights/forecast?as_of=2026-07&group_by=parent_category', { token: s.user.token })).body as Schema<'SpendingForecast'>;
    const food = categoryNamed(s.categories, 'Food & Drink');
    expect(groups.series.find((series) => series.key === food.id)?.label).toBe('Food & Drink');
  });

  it('follows a change to the history it read', async () => {
    const s = await withHistory();
    const url = '/v1/insights/forecast?as_of=2026-07&months=1';
    const before = (await t.api.get(url, { token: s.user.token })).body as Schema<'SpendingForecast'>;
    await batch(s, [{ date: '2026-06-02', amount: -400000, description: 'KROGER', merchant: 'Kroger', category_id: s.groceries.id }]);
    const after = (await t.api.get(url, { token: s.user.token })).body as Schema<'SpendingForecast'>;
    const predicted = (f: Schema<'SpendingForecast'>) => f.series.find((series) => series.key === s.groceries.id)!.points[0]!.predicted;
    expect(predicted(after)).not.toBe(predicted(before));
  });

  it('answers 200 with a reason when there is nothing to forecast from', async () => {
    const s = await setup();
    const response = await t.api.get('/v1/insights/forecast', { token: s.user.token });
    expect(response.status).toBe(200);
    expect(response.body.series).toEqual([]);
    expect(response.body.note).toMatch(/No spending/);
    const short = await setup();
    await batch(short, [{ date: addDays(`${thisMonth}-01`, -20), amount: -5000, description: 'KROGER', merchant: 'Kroger', category_id: categoryNamed(short.categories, 'Groceries', 'Food & Drink').id }]);
    const flagged = (await t.api.get('/v1/insights/forecast', { token: short.user.token })).body as Schema<'SpendingForecast'>;
    expect(flagged.series).toHaveLength(1);
    expect(flagged.series[0]!.note).toEqual(expect.any(String));
    expect(flagged.series[0]!.backtest.mase).toBeNull();
  });

  it.each([
    ['months=0', 'months'],
    ['months=13', 'months'],
    ['months=1.5', 'months'],
    ['as_of=2026-13', 'as_of'],
    ['as_of=1899-12', 'as_of'],
    ['as_of=2199-12&months=2', 'as_of'],
    ['group_by=merchant', 'group_by'],
    ['currency=usd', 'currency'],
  ])('refuses %s, naming %s', async (query, parameter) => {
    const s = await setup();
    const response = await t.api.get(`/v1/insights/forecast?${query}`, { token: s.user.token });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.errors)).toContain(parameter);
  });

  it('projects a budget with the forecast for the rest of its period', async () => {
    const s = await withHistory();
    const budget = await t.api.post(
      '/v1/budgets',
      { name: 'Groceries', category_id: s.groceries.id, amount: 60000, period: 'monthly', start_date: '2024-01-01' },
      { token: s.user.token },
    );
    expect(budget.status).toBe(201);
    await batch(s, [{ date: '2026-07-03', amount: -12000, description: 'KROGER', merchant: 'Kroger', category_id: s.groceries.id }]);
    const status = (await t.api.get(`/v1/budgets/${budget.body.id}/status?date=2026-07-10`, { token: s.user.token })).body as Schema<'BudgetStatus'>;
    const forecast = (await t.api.get('/v1/insights/forecast?as_of=2026-07&months=1', { token: s.user.token })).body as Schema<'SpendingForecast'>;
    const july = forecast.series.find((series) => series.key === s.groceries.id)!.points[0]!.expected;
    expect(status.spent).toBe(12000);
    expect(status.projected_spend).toBe(12000 + Math.round((july * 21) / 31));
    expect(status.projected_spend).not.toBe(Math.round((12000 * 31) / 10));
  });

  it("never shows another user's spending", async () => {
    const owner = await withHistory();
    const stranger = await setup();
    const response = await t.api.get('/v1/insights/forecast?as_of=2026-07', { token: stranger.user.token });
    expect(response.body.series).toEqual([]);
    expect((await t.api.get('/v1/insights/forecast?as_of=2026-07', { token: owner.user.token })).body.series.length).toBeGreaterThan(0);
  });
});
