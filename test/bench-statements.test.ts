// bench/ measures and explains the API's own statements (bench/sql.ts builds them with the API's
// query modules). Run through node-postgres as the floor runs them, they answer what the API
// answers; the floor itself serves the API's first page; and every statement bench/plans.ts
// explains is one PostgreSQL accepts with its values.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { hotQueries } from '../bench/plans.ts';
import { createOne, getById, listAfterCursor, listFirstPage, spendingReport, type PgStatement } from '../bench/sql.ts';
import { freePort } from '../src/db/embedded.ts';
import { startTestApp, type Schema, type TestApp } from './helpers/app.ts';
import { categoriesOf, createAccount, newUser, type TestAccount, type TestUser } from './helpers/factories.ts';

type Transaction = Schema<'Transaction'>;

// The API's type parsing (src/db/pool.ts), as the floor sets it: int8 as numbers, dates as text,
// timestamps as RFC 3339; so rows compare with the API's JSON as they are.
const apiTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === pg.types.builtins.INT8) return Number;
    if (oid === pg.types.builtins.DATE) return (value: string) => value;
    if (oid === pg.types.builtins.TIMESTAMPTZ) return (value: string) => new Date(value).toISOString();
    return pg.types.getTypeParser(oid, format as 'text');
  }) as typeof pg.types.getTypeParser,
};

let t: TestApp;
let owner: pg.Client;
let user: TestUser;
let account: TestAccount;
let expenseCategoryIds: string[];
beforeAll(async () => {
  t = await startTestApp();
  owner = new pg.Client({ connectionString: t.database.url, types: apiTypes });
  await owner.connect();
  user = await newUser(t.api);
  account = await createAccount(t.api, user);
  expenseCategoryIds = (await categoriesOf(t.api, user)).filter((c) => c.kind === 'expense' && c.parent_id !== null).slice(0, 3).map((c) => c.id);
  // 60 rows over three months: more than a page, and a spending range with partial months at both ends.
  const transactions = Array.from({ length: 60 }, (_, index) => ({
    account_id: account.id,
    date: `2026-0${1 + (index % 3)}-${String(1 + (index % 28)).padStart(2, '0')}`,
    amount: -(100 + index),
    description: `Row ${index}`,
    merchant: `Shop ${index % 4}`,
    category_id: expenseCategoryIds[index % expenseCategoryIds.length],
  }));
  const response = await t.api.post('/v1/transactions/batch', { transactions }, { token: user.token });
  expect(response.status).toBe(201);
});
afterAll(async () => {
  await owner.end();
  await t.close();
});

async function rowsOf(statement: PgStatement) {
  return (await owner.query(statement.text, statement.values)).rows;
}

describe("bench/sql.ts runs the API's statements", () => {
  it('lists the same first page and the page after its cursor', async () => {
    const first = await t.api.get('/v1/transactions', { token: user.token });
    const floorFirst = await rowsOf(listFirstPage(user.id));
    // The list asks for one row more than a page, to tell whether another follows.
    expect(floorFirst).toHaveLength(51);
    expect(floorFirst.slice(0, 50)).toEqual(first.body.data);

    const last = first.body.data.at(-1) as Transaction;
    const second = await t.api.get(`/v1/transactions?cursor=${first.body.next_cursor}`, { token: user.token });
    expect(await rowsOf(listAfterCursor(user.id, [last.date, last.id]))).toEqual(second.body.data);
  });

  it('gets the same transaction by id, and nothing for another user', async () => {
    const { data } = (await t.api.get('/v1/transactions?limit=1', { token: user.token })).body as { data: Transaction[] };
    expect(await rowsOf(getById(user.id, data[0]!.id))).toEqual(data);
    expect(await rowsOf(getById(randomUUID(), data[0]!.id))).toEqual([]);
  });

  it("creates through the API's insert: the currency is the account's, and another user's account inserts nothing", async () => {
    const row = {
      id: randomUUID(), accountId: account.id, date: '2026-04-02', amount: -475, description: 'bench create', merchant: 'Blue Bottle Coffee',
      categoryId: expenseCategoryIds[0]!, categorizedBy: 'user' as const, notes: null, tags: [], externalId: null, status: 'posted' as const, transferId: null,
    };
    const [created] = await rowsOf(createOne(user.id, row));
    expect(created).toMatchObject({ id: row.id, currency: 'USD', amount: -475, category_id: expenseCategoryIds[0], tags: [] });
    expect((await t.api.get(`/v1/transactions/${row.id}`, { token: user.token })).body).toEqual(created);

    const stranger = await newUser(t.api);
    expect(await rowsOf(createOne(stranger.id, { ...row, id: randomUUID() }))).toEqual([]);
  });

  it.each(['category', 'merchant'] as const)('reports the same spending by %s over arbitrary days', async (groupBy) => {
    const range = { from: '2026-01-10', to: '2026-03-20' };
    const report = await t.api.get(`/v1/reports/spending?from=${range.from}&to=${range.to}&group_by=${groupBy}`, { token: user.token });
    expect(report.status).toBe(200);
    expect(report.body.groups.length).toBeGreaterThan(1);
    const rows = await rowsOf(spendingReport(user.id, groupBy, range));
    expect(rows.map(({ currency: _currency, ...group }) => group)).toEqual(report.body.groups);
    expect(new Set(rows.map((row) => row.currency))).toEqual(new Set([report.body.currency]));
  });
});

describe('bench/plans.ts', () => {
  it('explains statements PostgreSQL accepts with their values', async () => {
    const [newest] = (await t.api.get('/v1/transactions?limit=1', { token: user.token })).body.data as Transaction[];
    const queries = hotQueries({ heavyUserId: user.id, transactionId: newest!.id, deepCursor: [newest!.date, newest!.id], from: '2026-01-10', to: '2026-03-20' });
    expect(queries.length).toBeGreaterThan(5);
    for (const { title, statement } of queries) {
      const plan = await owner.query(`explain ${statement.text}`, statement.values);
      expect({ title, planned: plan.rows.length > 0 }).toEqual({ title, planned: true });
    }
  });
});

describe('bench/floor.ts', () => {
  let floor: ChildProcess;
  let base: string;
  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    floor = spawn(process.execPath, ['bench/floor.ts'], { env: { ...process.env, PORT: String(port), DATABASE_URL: t.database.url }, stdio: 'ignore' });
    for (let attempt = 0; attempt < 100; attempt++) {
      if ((await fetch(`${base}/healthz`).then((r) => r.status, () => 0)) === 200) return;
      await sleep(100);
    }
    throw new Error('the floor did not answer /healthz');
  });
  afterAll(async () => {
    // The floor ends its pool and exits on SIGTERM; waiting for it leaves no process behind.
    const exited = new Promise((resolve) => floor.once('exit', resolve));
    floor.kill('SIGTERM');
    await exited;
  });
  const asUser = () => ({ 'x-user-id': user.id });

  it("answers the API's first page, cursor included", async () => {
    const api = await t.api.get('/v1/transactions', { token: user.token });
    const answer = await fetch(`${base}/transactions`, { headers: asUser() });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual(api.body);
  });

  it('creates a transaction in the account\'s currency', async () => {
    const body = { account_id: account.id, date: '2026-04-03', amount: -475, description: 'floor create', merchant: 'Blue Bottle Coffee', category_id: expenseCategoryIds[0] };
    const answer = await fetch(`${base}/transactions`, { method: 'POST', headers: { ...asUser(), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(answer.status).toBe(201);
    const created = (await answer.json()) as Transaction;
    expect(created).toMatchObject({ ...body, currency: 'USD', categorized_by: 'user', status: 'posted' });
    expect((await t.api.get(`/v1/transactions/${created.id}`, { token: user.token })).body).toEqual(created);
  });
});
