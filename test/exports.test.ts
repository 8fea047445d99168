import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { categoryNamed, factoriesFor, type TestAccount, type TestUser } from './helpers/factories.ts';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { assertContract, startTestApp, type TestApp, type Schema } from './helpers/app.ts';
import type { Answer } from './helpers/expectations.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

type User = TestUser;
type Account = TestAccount;
type Transaction = Schema<'Transaction'>;
type CsvRecord = Record<(typeof columns)[number], string>;
const { newUser, createAccount, categoriesOf, balanceOf, transactionsOf } = factoriesFor(() => t);

const columns = [
  'id', 'date', 'account_id', 'amount', 'amount_minor', 'currency', 'description', 'merchant',
  'category_id', 'category', 'notes', 'tags', 'external_id', 'status', 'transfer_id',
] as const;
const headerLine = 'id,date,account_id,amount,amount_minor,currency,description,merchant,category_id,category,notes,tags,external_id,status,transfer_id';
const exportPath = '/v1/transactions/export';

async function createBatch(user: User, items: Record<string, unknown>[]): Promise<Transaction[]> {
  const created: Transaction[] = [];
  for (let i = 0; i < items.length; i += 1000) {
    const response = await t.api.post('/v1/transactions/batch', { transactions: items.slice(i, i + 1000) }, { token: user.token });
    expect(response.status).toBe(201);
    created.push(...(response.body.data as Transaction[]));
  }
  return created;
}

/** The CSV export, checked as the contract declares it (text/csv; the JSON schemas do not apply). */
async function exportCsv(user: User, query = ''): Promise<{ response: Answer; text: string; records: CsvRecord[] }> {
  const path = `${exportPath}${query ? `?${query}` : ''}`;
  const response = await request(t.app).get(path).set('Authorization', `Bearer ${user.token}`).buffer(true);
  if (response.status !== 200) {
    assertContract('GET', path, response);
    throw new Error(`export failed: ${response.status} ${response.text}`);
  }
  expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
  expect(response.headers['content-disposition']).toBe('attachment; filename="transactions.csv"');
  const text = response.text;
  expect(text.split('\r\n')[0]).toBe(headerLine);
  const records = parse(text, { columns: true, skip_empty_lines: true }) as CsvRecord[];
  for (const record of records) expect(Object.keys(record)).toEqual([...columns]);
  return { response, text, records };
}

async function exportJson(user: User, query = ''): Promise<Transaction[]> {
  const response = await t.api.get(`${exportPath}?format=json${query ? `&${query}` : ''}`, { token: user.token });
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(response.headers['content-disposition']).toBe('attachment; filename="transactions.json"');
  return response.body as Transaction[];
}

const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const ids = (rows: { id: string }[]) => rows.map((row) => row.id).sort();

describe('GET /v1/transactions/export', () => {
  let alice: User;
  let bob: User;
  let usd: Account;
  let jpy: Account;
  let kwd: Account;
  let savings: Account;
  let aliceRows: Transaction[];
  let bobRows: Transaction[];
  let coffeeId: string;

  beforeAll(async () => {
    alice = await newUser();
    bob = await newUser();
    usd = await createAccount(alice, { opening_balance: 10000 });
    jpy = await createAccount(alice, { currency: 'JPY' });
    kwd = await createAccount(alice, { currency: 'KWD' });
    savings = await createAccount(alice);
    coffeeId = categoryNamed(await categoriesOf(alice), 'Coffee', 'Food & Drink').id;

    aliceRows = await createBatch(alice, [
      { account_id: usd.id, date: '2026-03-01', amount: -1250, description: 'CARD 4411 BLUE BOTTLE COFFEE SF', merchant: 'Blue Bottle Coffee', category_id: coffeeId, tags: ['work', 'coffee'] },
      { account_id: usd.id, date: '2026-03-02', amount: -1999, description: 'Dinner, drinks, and dessert', notes: 'split with "Sam", paid back' },
      { account_id: usd.id, date: '2026-03-03', amount: -500, description: 'He said "hi", then left', merchant: 'Quote "Shop"' },
      { account_id: usd.id, date: '2026-03-04', amount: -4200, description: 'Two-line\nmemo from the bank', notes: 'line one\r\nline two' },
      { account_id: usd.id, date: '2026-03-05', amount: -1999, description: '=HYPERLINK("http://evil.example","click")', merchant: '+Plus Merchant', notes: '-5 bonus points', external_id: 'ofx-1', tags: ['=cmd'] },
      { account_id: usd.id, date: '2026-03-06', amount: 250000, description: '@SUM(A1:A9) payroll', merchant: '@acme', notes: '=1+1', external_id: 'ofx-2' },
      { account_id: usd.id, date: '2026-03-07', amount: 5, description: 'INTEREST', status: 'pending' },
      { account_id: jpy.id, date: '2026-03-08', amount: -1200, description: 'ローソン 渋谷店' },
      { account_id: kwd.id, date: '2026-03-09', amount: -1250, description: 'Kuwait shop' },
      { account_id: kwd.id, date: '2026-03-10', amount: 7, description: 'Fils' },
      { account_id: savings.id, date: '2026-02-20', amount: 100000, description: 'Opening deposit' },
      { account_id: savings.id, date: '2026-04-02', amount: -3000, description: 'April withdrawal' },
    ]);
    const bobAccount = await createAccount(bob);
    bobRows = await createBatch(bob, [{ account_id: bobAccount.id, date: '2026-03-05', amount: -777, description: 'Bob only' }]);
  });

  it('answers CSV by default, with the stable header, one record per transaction, oldest first', async () => {
    const { text, records } = await exportCsv(alice);
    expect(text.startsWith(`${headerLine}\r\n`)).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(ids(records)).toEqual(ids(aliceRows));
    const dates = records.map((record) => record.date);
    expect(dates).toEqual([...dates].sort());
    expect((await exportCsv(alice, 'format=csv')).text).toBe(text);

    const coffee = records.find((record) => record.id === aliceRows[0]!.id)!;
    expect(coffee).toEqual({
      id: aliceRows[0]!.id,
      date: '2026-03-01',
      account_id: usd.id,
      amount: '-12.50',
      amount_minor: '-1250',
      currency: 'USD',
      description: 'CARD 4411 BLUE BOTTLE COFFEE SF',
      merchant: 'Blue Bottle Coffee',
      category_id: coffeeId,
      category: 'Coffee',
      notes: '',
      tags: 'work;coffee',
      external_id: '',
      status: 'posted',
      transfer_id: '',
    });
    expect(records.find((record) => record.description === 'INTEREST')).toMatchObject({ amount: '0.05', amount_minor: '5', status: 'pending' });
  });

  it('quotes per RFC 4180: commas, quotes and line breaks round-trip through a CSV parser', async () => {
    const { text, records } = await exportCsv(alice);
    const find = (id: string) => records.find((record) => record.id === id)!;
    expect(find(aliceRows[1]!.id)).toMatchObject({ description: 'Dinner, drinks, and dessert', notes: 'split with "Sam", paid back' });
    expect(find(aliceRows[2]!.id)).toMatchObject({ description: 'He said "hi", then left', merchant: 'Quote "Shop"' });
    expect(find(aliceRows[3]!.id)).toMatchObject({ description: 'Two-line\nmemo from the bank', notes: 'line one\r\nline two' });
    expect(text).toContain(',"He said ""hi"", then left","Quote ""Shop"""');
    expect(text).toContain(',"Dinner, drinks, and dessert",');
  });

  it('prefixes text cells starting with = + - @ with an apostrophe, but never amounts', async () => {
    const { records } = await exportCsv(alice);
    const find = (id: string) => records.find((record) => record.id === id)!;
    expect(find(aliceRows[4]!.id)).toMatchObject({
      description: `'=HYPERLINK("http://evil.example","click")`,
      merchant: `'+Plus Merchant`,
      notes: `'-5 bonus points`,
      tags: `'=cmd`,
      amount: '-19.99',
      amount_minor: '-1999',
    });
    expect(find(aliceRows[5]!.id)).toMatchObject({ description: `'@SUM(A1:A9) payroll`, merchant: `'@acme`, notes: `'=1+1`, amount: '2500.00' });
    for (const record of records) {
      expect(record.amount).toMatch(/^-?\d+(\.\d+)?$/);
      expect(record.amount_minor).toMatch(/^-?\d+$/);
      for (const cell of [record.description, record.merchant, record.notes, record.tags, record.category]) expect(cell).not.toMatch(/^[=+\-@]/);
    }
  });

  it('writes amounts in major units per currency exponent, with amount_minor exact', async () => {
    const { records } = await exportCsv(alice);
    const money = (id: string) => {
      const record = records.find((candidate) => candidate.id === id)!;
      return [record.currency, record.amount, record.amount_minor];
    };
    expect(money(aliceRows[0]!.id)).toEqual(['USD', '-12.50', '-1250']);
    expect(money(aliceRows[7]!.id)).toEqual(['JPY', '-1200', '-1200']);
    expect(money(aliceRows[8]!.id)).toEqual(['KWD', '-1.250', '-1250']);
    expect(money(aliceRows[9]!.id)).toEqual(['KWD', '0.007', '7']);
    expect(money(aliceRows[5]!.id)).toEqual(['USD', '2500.00', '250000']);
  });

  it('filters by from, to and account_id', async () => {
    const march = await exportCsv(alice, 'from=2026-03-01&to=2026-03-31');
    expect(ids(march.records)).toEqual(ids(aliceRows.filter((row) => row.date >= '2026-03-01' && row.date <= '2026-03-31')));
    expect(march.records).toHaveLength(10);

    const from = await exportCsv(alice, 'from=2026-03-09');
    expect(ids(from.records)).toEqual(ids(aliceRows.filter((row) => row.date >= '2026-03-09')));
    const to = await exportCsv(alice, 'to=2026-03-01');
    expect(ids(to.records)).toEqual(ids(aliceRows.filter((row) => row.date <= '2026-03-01')));
    const oneDay = await exportCsv(alice, 'from=2026-03-05&to=2026-03-05');
    expect(ids(oneDay.records)).toEqual([aliceRows[4]!.id]);

    const kwdOnly = await exportCsv(alice, `account_id=${kwd.id}`);
    expect(ids(kwdOnly.records)).toEqual(ids(aliceRows.filter((row) => row.account_id === kwd.id)));
    const combined = await exportCsv(alice, `account_id=${savings.id}&from=2026-03-01`);
    expect(combined.records.map((record) => record.description)).toEqual(['April withdrawal']);

    const empty = await exportCsv(alice, 'from=2030-01-01');
    expect(empty.records).toEqual([]);
    expect(empty.text).toBe(`${headerLine}\r\n`);
    expect(await exportJson(alice, `account_id=${jpy.id}&to=2026-03-07`)).toEqual([]);
  });

  it('rejects from after to, and bad parameters, with 400 naming them', async () => {
    const reversed = await t.api.get(`${exportPath}?from=2026-03-10&to=2026-03-01`, { token: alice.token });
    expect(reversed.status).toBe(400);
    expect(reversed.body.errors).toContainEqual(expect.objectContaining({ in: 'query' }));
    const reversedJson = await t.api.get(`${exportPath}?format=json&from=2026-03-10&to=2026-03-01`, { token: alice.token });
    expect(reversedJson.status).toBe(400);

    for (const [query, parameter] of [['format=xlsx', 'format'], ['from=2026-02-30', 'from'], ['account_id=nope', 'account_id'], ['colour=blue', 'colour']]) {
      const response = await t.api.get(`${exportPath}?${query}`, { token: alice.token });
      expect(response.status).toBe(400);
      expect(response.body.errors).toContainEqual(expect.objectContaining({ parameter, in: 'query' }));
    }
    const anonymous = await t.api.get(exportPath);
    expect(anonymous.status).toBe(401);
  });

  it('answers JSON: an array of Transactions equal to what the list shows', async () => {
    // t.api checks the body against the contract: an array whose every item is a Transaction.
    const exported = await exportJson(alice);
    expect(Array.isArray(exported)).toBe(true);
    expect(exported).toHaveLength(aliceRows.length);
    const dates = exported.map((row) => row.date);
    expect(dates).toEqual([...dates].sort());
    const listed = await transactionsOf(alice);
    expect(byId(exported)).toEqual(byId(listed));
    // Text is not neutralized in JSON: it is data, not a spreadsheet.
    expect(exported.find((row) => row.id === aliceRows[4]!.id)).toMatchObject({ description: '=HYPERLINK("http://evil.example","click")', amount: -1999, tags: ['=cmd'] });

    const filtered = await exportJson(alice, `account_id=${usd.id}&from=2026-03-02&to=2026-03-06`);
    expect(ids(filtered)).toEqual(ids(aliceRows.filter((row) => row.account_id === usd.id && row.date >= '2026-03-02' && row.date <= '2026-03-06')));
  });

  it('keeps users apart: an export holds only the caller’s rows', async () => {
    const bobCsv = await exportCsv(bob);
    expect(ids(bobCsv.records)).toEqual(ids(bobRows));
    expect(ids(await exportJson(bob))).toEqual(ids(bobRows));
    const aliceIds = new Set(aliceRows.map((row) => row.id));
    expect(bobCsv.records.some((record) => aliceIds.has(record.id))).toBe(false);
    // Naming someone else's account shows nothing of it.
    expect((await exportCsv(bob, `account_id=${usd.id}`)).records).toEqual([]);
    expect(await exportJson(bob, `account_id=${usd.id}`)).toEqual([]);
    expect(ids((await exportCsv(alice)).records)).not.toContain(bobRows[0]!.id);
  });
});

describe('streaming', () => {
  it('streams a 5,000-row export in chunks, without a Content-Length', async () => {
    const user = await newUser();
    const account = await createAccount(user);
    const items = Array.from({ length: 5000 }, (_, i) => ({
      account_id: account.id,
      date: new Date(Date.UTC(2025, 0, 1) + (i % 365) * 86_400_000).toISOString().slice(0, 10),
      amount: -((i % 5000) + 1),
      description: `Streaming row ${i} with a description long enough to matter`,
    }));
    await createBatch(user, items);

    const server = t.app.listen(0);
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      for (const format of ['csv', 'json']) {
        const result = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; chunks: number; body: string }>((resolve, reject) => {
          http
            .get({ port, path: `${exportPath}?format=${format}`, headers: { Authorization: `Bearer ${user.token}` } }, (response) => {
              const parts: Buffer[] = [];
              response.on('data', (chunk: Buffer) => parts.push(chunk));
              response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, chunks: parts.length, body: Buffer.concat(parts).toString('utf8') }));
              response.on('error', reject);
            })
            .on('error', reject);
        });
        expect(result.status).toBe(200);
        expect(result.headers['content-length']).toBeUndefined();
        expect(result.headers['transfer-encoding']).toBe('chunked');
        expect(result.chunks).toBeGreaterThan(1);
        if (format === 'csv') {
          const records = parse(result.body, { columns: true }) as CsvRecord[];
          expect(records).toHaveLength(5000);
          const dates = records.map((record) => record.date);
          expect(dates).toEqual([...dates].sort());
        } else {
          expect(JSON.parse(result.body)).toHaveLength(5000);
        }
        console.log(`export of 5,000 rows as ${format}: ${result.body.length} bytes in ${result.chunks} chunks`);
      }
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });
});

describe('round trip', () => {
  it('an exported CSV imported into an empty account reproduces the transactions and the balance', async () => {
    const user = await newUser();
    const source = await createAccount(user, { opening_balance: 12345 });
    const other = await createAccount(user);
    const target = await createAccount(user, { opening_balance: 12345 });
    await createBatch(user, [
      { account_id: source.id, date: '2026-01-05', amount: -450, description: 'CARD 4411 BLUE BOTTLE COFFEE SF', merchant: 'Blue Bottle Coffee', tags: ['coffee'] },
      { account_id: source.id, date: '2026-01-05', amount: -450, description: 'CARD 4411 BLUE BOTTLE COFFEE SF', merchant: 'Blue Bottle Coffee' },
      { account_id: source.id, date: '2026-01-06', amount: -1999, description: 'Dinner, drinks, and dessert', notes: 'split with "Sam", paid back' },
      { account_id: source.id, date: '2026-01-07', amount: -500, description: 'He said "hi", then left', merchant: 'Quote "Shop"' },
      { account_id: source.id, date: '2026-01-08', amount: -4200, description: 'ATM  WITHDRAWAL  (double spaces)', notes: 'cash; for the market' },
      { account_id: source.id, date: '2026-01-09', amount: -1999, description: '=HYPERLINK("http://evil.example")', merchant: '+Plus Merchant', notes: '-5 bonus points', external_id: 'ofx-88231' },
      { account_id: source.id, date: '2026-01-10', amount: 250000, description: '@PAYROLL ACME', merchant: '@acme', notes: 'monthly, net', external_id: 'ofx-88232' },
      { account_id: source.id, date: '2026-01-11', amount: -123456, description: 'RENT JANUARY', notes: 'Miete für Jänner – 🏠' },
      { account_id: source.id, date: '2026-01-12', amount: 1, description: 'INTEREST' },
      { account_id: other.id, date: '2026-01-05', amount: -999, description: 'Not in this account' },
    ]);
    const sourceRows = await transactionsOf(user, `account_id=${source.id}`);
    expect(sourceRows).toHaveLength(9);

    const { text } = await exportCsv(user, `account_id=${source.id}`);
    const path = `/v1/accounts/${target.id}/imports`;
    const importExport = async () => {
      const response = await request(t.app).post(path).set('Authorization', `Bearer ${user.token}`).attach('file', Buffer.from(text, 'utf8'), 'transactions.csv');
      assertContract('POST', path, response);
      expect(response.status).toBe(201);
      return response.body as { rows_total: number; created: number; duplicates: number; failed: number; format: string };
    };
    expect(await importExport()).toMatchObject({ format: 'csv', rows_total: 9, created: 9, duplicates: 0, failed: 0 });

    const view = (row: Transaction) => ({
      date: row.date,
      amount: row.amount,
      currency: row.currency,
      description: row.description,
      merchant: row.merchant,
      notes: row.notes,
      external_id: row.external_id,
    });
    const sorted = (rows: Transaction[]) =>
      rows.map(view).sort((a, b) => a.date.localeCompare(b.date) || a.amount - b.amount || a.description.localeCompare(b.description));
    const targetRows = await transactionsOf(user, `account_id=${target.id}`);
    expect(sorted(targetRows)).toEqual(sorted(sourceRows));
    expect(await balanceOf(user, target.id)).toBe(await balanceOf(user, source.id));

    expect(await importExport()).toMatchObject({ rows_total: 9, created: 0, duplicates: 9, failed: 0 });
    expect(await transactionsOf(user, `account_id=${target.id}`)).toHaveLength(9);
    expect(await balanceOf(user, target.id)).toBe(await balanceOf(user, source.id));
  });

  it('line breaks inside exported cells survive the round trip', async () => {
    // The export quotes them (RFC 4180) and the API accepts them; reading our own export back
    // must not fold them into spaces as it does for banks' multi-line cells.
    const user = await newUser();
    const source = await createAccount(user);
    const target = await createAccount(user);
    await createBatch(user, [
      { account_id: source.id, date: '2026-01-08', amount: -4200, description: 'Two-line\nmemo from the bank', notes: 'line one\nline two' },
    ]);
    const { text, records } = await exportCsv(user, `account_id=${source.id}`);
    expect(records[0]).toMatchObject({ description: 'Two-line\nmemo from the bank', notes: 'line one\nline two' });
    const path = `/v1/accounts/${target.id}/imports`;
    const response = await request(t.app).post(path).set('Authorization', `Bearer ${user.token}`).attach('file', Buffer.from(text), 'transactions.csv');
    assertContract('POST', path, response);
    expect(response.status).toBe(201);
    const [row] = await transactionsOf(user, `account_id=${target.id}`);
    expect(row).toMatchObject({ description: 'Two-line\nmemo from the bank', notes: 'line one\nline two' });
  });

  it('an export in one currency is refused by an account in another', async () => {
    const user = await newUser();
    const source = await createAccount(user);
    const euros = await createAccount(user, { currency: 'EUR' });
    await createBatch(user, [{ account_id: source.id, date: '2026-01-05', amount: -450, description: 'Coffee' }]);
    const { text } = await exportCsv(user, `account_id=${source.id}`);
    const path = `/v1/accounts/${euros.id}/imports`;
    const response = await request(t.app).post(path).set('Authorization', `Bearer ${user.token}`).attach('file', Buffer.from(text), 'transactions.csv');
    assertContract('POST', path, response);
    expect(response.status).toBe(422);
    expect(JSON.stringify(response.body)).toMatch(/USD/);
    expect(await transactionsOf(user, `account_id=${euros.id}`)).toEqual([]);
  });
});
