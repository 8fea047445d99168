import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { factoriesFor, type TestAccount, type TestUser } from './helpers/factories.ts';
import request from 'supertest';
import { assertContract, startTestApp, type TestApp, type Schema } from './helpers/app.ts';
import { pagesOf } from './helpers/pages.ts';
import type { Answer } from './helpers/expectations.ts';
import { asOwner } from './helpers/database.ts';
import type { Enricher } from '../src/features/imports/enrich.ts';
import { cleanMerchant } from '../src/features/merchants/clean.ts';

/** An enricher that changes nothing: the pipeline's own behaviour, without cleaning, rules or a model. */
const enrichTransactions: Enricher = async (transactions) => transactions;
import type { StatementItem } from '../src/features/imports/formats/types.ts';
import { runImport } from '../src/features/imports/pipeline.ts';
import { rowMapper, type ImportRow } from '../src/features/imports/rows.ts';
import { insertingWriter, type ImportWriter } from '../src/features/imports/writers.ts';
import { Problem } from '../src/http/problems.ts';

let t: TestApp;
let scratch: string;
beforeAll(async () => {
  t = await startTestApp();
  scratch = mkdtempSync(join(tmpdir(), 'spendsense-imports-test-'));
});
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await t.close();
});

type User = TestUser;
type Account = TestAccount;
type Transaction = Schema<'Transaction'>;
type ImportRecord = Schema<'Import'>;
const { newUser, createAccount, transactionsOf } = factoriesFor(() => t);

const fixtures = fileURLToPath(new URL('./fixtures/statements/', import.meta.url));
const fixture = (name: string) => join(fixtures, name);

type UploadOptions = {
  /** The file name sent; defaults to the fixture's own name. */
  name?: string;
  fields?: Record<string, string>;
  /** null: no Authorization header at all. */
  token?: string | null;
};

/** POST /v1/accounts/{id}/imports as multipart/form-data, the answer checked against the contract. */
async function upload(user: User, accountId: string, file: string | Buffer, options: UploadOptions = {}): Promise<Answer> {
  const path = `/v1/accounts/${accountId}/imports`;
  let pending = request(t.app).post(path);
  if (options.token !== null) pending = pending.set('Authorization', `Bearer ${options.token ?? user.token}`);
  for (const [name, value] of Object.entries(options.fields ?? {})) pending = pending.field(name, value);
  pending = pending.attach('file', file, options.name ?? (typeof file === 'string' ? basename(file) : 'statement.csv'));
  const response = await pending;
  assertContract('POST', path, response);
  return response;
}

/** An import that must succeed. */
async function imported(user: User, accountId: string, file: string | Buffer, options: UploadOptions = {}): Promise<ImportRecord> {
  const response = await upload(user, accountId, file, options);
  if (response.status !== 201) throw new Error(`import failed: ${response.status} ${response.text}`);
  expect(response.headers.location).toBe(`/v1/imports/${response.body.id}`);
  return response.body as ImportRecord;
}

function csv(lines: string[]): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

async function accountOf(user: User, accountId: string): Promise<Account> {
  const response = await t.api.get(`/v1/accounts/${accountId}`, { token: user.token });
  expect(response.status).toBe(200);
  return response.body as Account;
}

async function importsOf(user: User, query = ''): Promise<ImportRecord[]> {
  const response = await t.api.get(`/v1/imports?limit=200${query ? `&${query}` : ''}`, { token: user.token });
  expect(response.status).toBe(200);
  return response.body.data as ImportRecord[];
}

/** What the database holds for an account, read underneath the API (as the owner). */
async function stored(accountId: string): Promise<{ transactions: number; imports: number }> {
  const result = await asOwner<{ transactions: number; imports: number }>(
    t.database.url,
    `select (select count(*)::int from transactions where account_id = $1) as transactions,
            (select count(*)::int from imports where account_id = $1) as imports`,
    [accountId],
  );
  return result.rows[0]!;
}

/** Asserts nothing at all was recorded on the account: no transactions, no import, balance untouched. */
async function expectNothingWritten(user: User, account: Account): Promise<void> {
  expect(await stored(account.id)).toEqual({ transactions: 0, imports: 0 });
  expect((await accountOf(user, account.id)).balance).toBe(account.opening_balance);
  expect(await importsOf(user, `account_id=${account.id}`)).toEqual([]);
}

const view = (row: Transaction) => ({
  date: row.date,
  amount: row.amount,
  description: row.description,
  merchant: row.merchant,
  notes: row.notes,
  external_id: row.external_id,
});

type Expected = ReturnType<typeof view>;
/**
 * The merchant a statement row gets (enrichment/enrich.ts): its payee as the bank wrote it, or the
 * brand's name when the lexicon knows it; without a payee, the name cleaned from the description.
 */
function merchantFrom(payee: string | null | undefined, description: string): string | null {
  if (!payee) return cleanMerchant(description)?.name ?? null;
  const cleaned = cleanMerchant(payee);
  return cleaned?.brand ? cleaned.name : payee;
}
/** A row as the file states it; `merchant` is the file's payee. */
const tx = (fields: Partial<Expected> & Pick<Expected, 'date' | 'amount' | 'description'>): Expected => ({
  notes: null,
  external_id: null,
  ...fields,
  merchant: merchantFrom(fields.merchant, fields.description),
});

function expectProblem(response: Answer, status: number): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body.status).toBe(status);
}

describe('POST /v1/accounts/{id}/imports: every format', () => {
  let user: User;
  beforeAll(async () => {
    user = await newUser();
  });

  type Case = {
    file: string;
    currency: string;
    format: string;
    count: number;
    /** The statement's net movement in minor units, summed independently of the parser. */
    sum: number;
    rows: Expected[];
    fields?: Record<string, string>;
    mapping?: Record<string, string>;
    dateFormat?: string;
  };
  const cases: Case[] = [
    {
      file: 'csv/us-bank.csv',
      currency: 'USD',
      format: 'csv',
      count: 12,
      sum: 412386,
      mapping: { date: 'Posting Date', amount: 'Amount', description: 'Description' },
      dateFormat: 'MM/DD/YYYY',
      rows: [
        tx({ date: '2026-03-02', amount: -8743, description: 'WHOLE FOODS MKT #10234 AUSTIN TX' }),
        tx({ date: '2026-03-03', amount: 325000, description: 'ACME CORP PAYROLL PPD ID: 9876543210' }),
        tx({ date: '2026-03-31', amount: -185000, description: 'BRIDGEVIEW APARTMENTS RENT WEB PMTS' }),
      ],
    },
    {
      file: 'csv/german-bank.csv',
      currency: 'EUR',
      format: 'csv',
      count: 10,
      sum: 112327,
      mapping: { date: 'Buchungstag', amount: 'Betrag (EUR)', description: 'Verwendungszweck', payee: 'Auftraggeber / Begünstigter' },
      dateFormat: 'DD.MM.YYYY',
      rows: [
        tx({ date: '2026-03-02', amount: -5438, description: 'REWE SAGT DANKE 43198721 //Berlin/DE', merchant: 'REWE Markt GmbH' }),
        tx({ date: '2026-03-04', amount: -123456, description: 'Miete März 2026 Whg. 3.OG links', merchant: 'Wohnungsbau eG Mitte' }),
        tx({ date: '2026-03-31', amount: -495, description: 'Abrechnung 31.03.2026 siehe Anlage' }),
      ],
    },
    {
      file: 'csv/uk-bank.csv',
      currency: 'GBP',
      format: 'csv',
      count: 10,
      sum: 89759,
      mapping: { date: 'Date', debit: 'Paid out', credit: 'Paid in', description: 'Description' },
      dateFormat: 'DD/MM/YYYY',
      rows: [
        tx({ date: '2026-03-01', amount: -4217, description: 'THAMES WATER' }),
        tx({ date: '2026-03-05', amount: 248000, description: 'J SMITH SALARY MAR' }),
        tx({ date: '2026-03-09', amount: -120000, description: 'LANDLORD RENT FLAT 2' }),
      ],
    },
    {
      file: 'csv/french-bank.csv',
      currency: 'EUR',
      format: 'csv',
      count: 10,
      sum: 81509,
      dateFormat: 'DD/MM/YYYY',
      rows: [
        tx({ date: '2026-03-02', amount: -7840, description: 'PRLV SEPA EDF CLIENTS PARTICULIERS Échéance mars 2026 réf. 6001234567' }),
        tx({ date: '2026-03-05', amount: 215000, description: 'VIREMENT EN VOTRE FAVEUR SALAIRE MARS 2026 SOCIÉTÉ DUPONT & FILS' }),
        tx({ date: '2026-03-27', amount: -112000, description: 'PRLV SEPA LOYER RÉSIDENCE LES TILLEULS Loyer avril 2026' }),
      ],
    },
    {
      file: 'csv/no-header.csv',
      currency: 'USD',
      format: 'csv',
      count: 8,
      sum: 402277,
      fields: { mapping: JSON.stringify({ date: '1', amount: '2', description: '5', external_id: '4' }), date_format: 'MM/DD/YYYY' },
      mapping: { date: '1', amount: '2', description: '5', external_id: '4' },
      dateFormat: 'MM/DD/YYYY',
      rows: [
        tx({ date: '2026-03-02', amount: -4567, description: 'PURCHASE AUTHORIZED ON 02/28 SAFEWAY #1507 SAN JOSE CA S386059712345678 CARD 4821' }),
        tx({ date: '2026-03-04', amount: -12000, description: 'CHECK # 2215', external_id: '2215' }),
      ],
    },
    {
      file: 'csv/jpy.csv',
      currency: 'JPY',
      format: 'csv',
      count: 8,
      sum: 165972,
      mapping: { date: '取引日', amount: '入出金(円)', description: '入出金内容' },
      dateFormat: 'YYYYMMDD',
      rows: [
        tx({ date: '2026-03-02', amount: -1280, description: 'VISAデビット ローソン 渋谷店' }),
        tx({ date: '2026-03-10', amount: 285000, description: '給与 カブシキガイシャ サクラソフト' }),
        tx({ date: '2026-03-31', amount: 12, description: '利息' }),
      ],
    },
    {
      file: 'csv/tab-separated.tsv',
      currency: 'EUR',
      format: 'csv',
      count: 8,
      sum: 261745,
      rows: [
        tx({ date: '2026-03-01', amount: -1099, description: 'Spotify', merchant: 'Spotify', notes: 'Premium Individual', external_id: 'TXN-20260301-0001' }),
        tx({ date: '2026-03-11', amount: -1299, description: 'Amazon', merchant: 'Amazon', notes: 'USB-C cable "braided"', external_id: 'TXN-20260311-0005' }),
        tx({ date: '2026-03-15', amount: 20000, description: 'Cash deposit', notes: 'Cash deposit', external_id: 'TXN-20260315-0006' }),
      ],
    },
    {
      file: 'csv/dutch-ing.csv',
      currency: 'EUR',
      format: 'csv',
      count: 6,
      sum: 169345,
      dateFormat: 'YYYYMMDD',
      rows: [
        tx({
          date: '2026-03-02',
          amount: -2345,
          description: 'Albert Heijn 1403',
          merchant: 'Albert Heijn 1403',
          notes: 'Pasvolgnr: 003 02-03-2026 17:45 Transactie: 6R1K2L Term: CT1234',
        }),
        tx({
          date: '2026-03-05',
          amount: 295000,
          description: 'Werkgever B.V.',
          merchant: 'Werkgever B.V.',
          notes: 'Naam: Werkgever B.V. Omschrijving: Salaris maart 2026',
        }),
      ],
    },
    {
      file: 'ofx/checking-sgml-102.ofx',
      currency: 'USD',
      format: 'ofx',
      count: 10,
      sum: 410077,
      rows: [
        tx({
          date: '2026-03-02',
          amount: -8743,
          description: 'WHOLE FOODS MARKET POS PURCHASE AUSTIN TX',
          merchant: 'WHOLE FOODS MARKET',
          notes: 'POS PURCHASE AUSTIN TX',
          external_id: '2026030201',
        }),
        tx({ date: '2026-03-31', amount: 42, description: 'INTEREST PAYMENT', merchant: 'INTEREST PAYMENT', external_id: '2026033102' }),
      ],
    },
    {
      file: 'ofx/savings-xml-220.ofx',
      currency: 'USD',
      format: 'ofx',
      count: 6,
      sum: -49683,
      rows: [
        tx({
          date: '2026-03-02',
          amount: 50000,
          description: 'TRANSFER FROM CHECKING ONLINE TRANSFER REF #IB0Q7Z',
          merchant: 'TRANSFER FROM CHECKING',
          notes: 'ONLINE TRANSFER REF #IB0Q7Z',
          external_id: 'SV20260302A1',
        }),
        tx({ date: '2026-03-31', amount: 317, description: 'INTEREST EARNED APY 0.45%', merchant: 'INTEREST EARNED', notes: 'APY 0.45%', external_id: 'SV20260331A1' }),
      ],
    },
    {
      file: 'ofx/amex-creditcard.qfx',
      currency: 'USD',
      format: 'qfx',
      count: 7,
      sum: 133718,
      rows: [
        tx({ date: '2026-03-01', amount: -2340, description: 'UBER *TRIP HELP.UBER.COM CA', merchant: 'UBER *TRIP HELP.UBER.COM', notes: 'CA', external_id: '320260600123456789' }),
        tx({
          date: '2026-03-29',
          amount: -899,
          description: 'APPLE.COM/BILL 866-712-7753 CA',
          merchant: 'APPLE.COM/BILL',
          notes: '866-712-7753 CA',
          external_id: '320260880123456795',
        }),
      ],
    },
    {
      file: 'ofx/single-transaction.ofx',
      currency: 'CAD',
      format: 'ofx',
      count: 1,
      sum: -4210,
      rows: [
        tx({ date: '2026-03-14', amount: -4210, description: 'TIM HORTONS #2041 INTERAC PURCHASE', merchant: 'TIM HORTONS #2041', notes: 'INTERAC PURCHASE', external_id: '90000100001' }),
      ],
    },
    {
      file: 'qif/checking-us.qif',
      currency: 'USD',
      format: 'qif',
      count: 6,
      sum: 110018,
      dateFormat: 'MM/DD/YYYY',
      rows: [
        tx({ date: '2026-03-02', amount: -8743, description: 'WHOLE FOODS MARKET', merchant: 'WHOLE FOODS MARKET', notes: 'POS PURCHASE AUSTIN TX' }),
        tx({ date: '2026-03-06', amount: -25000, description: 'Greenleaf Lawn Care', merchant: 'Greenleaf Lawn Care', external_id: '1043' }),
        tx({ date: '2026-03-31', amount: -150000, description: 'BRIDGEVIEW APARTMENTS', merchant: 'BRIDGEVIEW APARTMENTS', notes: 'Rent April' }),
      ],
    },
    {
      file: 'qif/creditcard-uk.qif',
      currency: 'GBP',
      format: 'qif',
      count: 5,
      sum: 16936,
      dateFormat: 'DD/MM/YYYY',
      rows: [
        tx({ date: '2026-03-01', amount: -2350, description: 'TESCO STORES 2231', merchant: 'TESCO STORES 2231' }),
        tx({ date: '2026-03-27', amount: -435, description: 'COSTA COFFEE', merchant: 'COSTA COFFEE' }),
      ],
    },
    {
      file: 'camt053/commerzbank-2026-03.xml',
      currency: 'EUR',
      format: 'camt053',
      count: 7,
      sum: 207902,
      rows: [
        tx({
          date: '2026-03-02',
          amount: -5438,
          description: 'REWE SAGT DANKE 43198721 //Berlin/DE 2026-03-01T18:04',
          merchant: 'REWE Markt GmbH',
          notes: 'Kartenzahlung girocard',
          external_id: '2026030200012345',
        }),
        tx({
          date: '2026-03-04',
          amount: -141500,
          description: 'Miete März 2026 Nebenkosten März 2026 Stellplatz 17',
          notes: 'Sammelüberweisung 3 Posten',
          external_id: '2026030400007711',
        }),
        tx({
          date: '2026-03-31',
          amount: -495,
          description: 'Kontoführungsentgelt März 2026',
          notes: 'Kontoführungsentgelt März 2026',
          external_id: '2026033100000001',
        }),
      ],
    },
  ];

  it.each(cases)('$file into a $currency account', async (c) => {
    const opening = c.currency === 'JPY' ? 50000 : 100000;
    const account = await createAccount(user, { currency: c.currency, opening_balance: opening });

    const record = await imported(user, account.id, fixture(c.file), { fields: c.fields });
    expect(record).toMatchObject({
      account_id: account.id,
      status: 'completed',
      format: c.format,
      file_name: basename(c.file),
      rows_total: c.count,
      created: c.count,
      duplicates: 0,
      failed: 0,
      errors: [],
    });
    expect(record.id).toEqual(expect.any(String));
    expect(record.preview).toBeUndefined();
    if (c.mapping) expect(record.mapping).toEqual(c.mapping);
    if (c.dateFormat) expect(record.date_format).toBe(c.dateFormat);

    const rows = await transactionsOf(user, `account_id=${account.id}`);
    expect(rows).toHaveLength(c.count);
    for (const row of rows) expect(row).toMatchObject({ account_id: account.id, currency: c.currency });
    for (const expected of c.rows) expect(rows.map(view)).toContainEqual(expected);

    const sum = rows.reduce((total, row) => total + row.amount, 0);
    expect(sum).toBe(c.sum);
    expect((await accountOf(user, account.id)).balance).toBe(opening + c.sum);

    const fetched = await t.api.get(`/v1/imports/${record.id}`, { token: user.token });
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(record);
    expect(await importsOf(user, `account_id=${account.id}`)).toEqual([record]);
  });

  it('detects the format from the content, not the file name', async () => {
    const ofxAccount = await createAccount(user);
    const ofx = await imported(user, ofxAccount.id, fixture('ofx/checking-sgml-102.ofx'), { name: 'statement.csv' });
    expect(ofx).toMatchObject({ format: 'ofx', file_name: 'statement.csv', created: 10 });

    const csvAccount = await createAccount(user);
    const csvRecord = await imported(user, csvAccount.id, fixture('csv/us-bank.csv'), { name: 'data.ofx' });
    expect(csvRecord).toMatchObject({ format: 'csv', file_name: 'data.ofx', created: 12 });
    expect(await transactionsOf(user, `account_id=${csvAccount.id}`)).toHaveLength(12);
  });

  it('honours an explicit format that fits, and rejects one that does not (422, nothing written)', async () => {
    const account = await createAccount(user);
    const wrong = await upload(user, account.id, fixture('csv/us-bank.csv'), { fields: { format: 'ofx' } });
    expectProblem(wrong, 422);
    expect(wrong.body.errors).toContainEqual(expect.objectContaining({ in: 'file', message: expect.stringMatching(/OFX/) }));
    await expectNothingWritten(user, account);

    const right = await imported(user, account.id, fixture('qif/checking-us.qif'), { fields: { format: 'qif' } });
    expect(right).toMatchObject({ format: 'qif', created: 6 });
  });
});

describe('GET /v1/imports and GET /v1/imports/{id}', () => {
  it('lists the caller’s imports newest first, filters by account and paginates', async () => {
    const user = await newUser();
    const first = await createAccount(user);
    const second = await createAccount(user, { currency: 'EUR' });
    const made: ImportRecord[] = [];
    made.push(await imported(user, first.id, fixture('csv/us-bank.csv')));
    made.push(await imported(user, second.id, fixture('csv/german-bank.csv')));
    made.push(await imported(user, first.id, fixture('ofx/checking-sgml-102.ofx')));
    made.push(await imported(user, first.id, fixture('csv/us-bank.csv'), { name: 'again.csv' }));
    made.push(await imported(user, second.id, fixture('camt053/commerzbank-2026-03.xml')));
    expect(made[3]).toMatchObject({ created: 0, duplicates: 12, file_name: 'again.csv' });

    const newestFirst = [...made].reverse();
    expect(await importsOf(user)).toEqual(newestFirst);
    expect(await importsOf(user, `account_id=${first.id}`)).toEqual(newestFirst.filter((record) => record.account_id === first.id));
    expect(await importsOf(user, `account_id=${second.id}`)).toEqual(newestFirst.filter((record) => record.account_id === second.id));

    const pages = await pagesOf<ImportRecord>(t.api, '/v1/imports?limit=2', user.token, 10);
    for (const page of pages) expect(page.data.length).toBeLessThanOrEqual(2);
    expect(pages).toHaveLength(3);
    expect(pages.flatMap((page) => page.data)).toEqual(newestFirst);

    for (const record of made) {
      const response = await t.api.get(`/v1/imports/${record.id}`, { token: user.token });
      expect(response.status).toBe(200);
      expect(response.body).toEqual(record);
    }
  });

  it('keeps users apart: another user’s import is 404 and never listed; a bad id is 400', async () => {
    const owner = await newUser();
    const stranger = await newUser();
    const account = await createAccount(owner);
    const record = await imported(owner, account.id, fixture('csv/us-bank.csv'));

    const peek = await t.api.get(`/v1/imports/${record.id}`, { token: stranger.token });
    expectProblem(peek, 404);
    expect(await importsOf(stranger)).toEqual([]);
    expect(await importsOf(stranger, `account_id=${account.id}`)).toEqual([]);
    expectProblem(await t.api.get(`/v1/imports/${randomUUID()}`, { token: owner.token }), 404);
    expectProblem(await t.api.get('/v1/imports/not-a-uuid', { token: owner.token }), 400);
    expectProblem(await t.api.get('/v1/imports?account_id=nope', { token: owner.token }), 400);
    expectProblem(await t.api.get('/v1/imports'), 401);
  });
});

describe('duplicates', () => {
  let user: User;
  beforeAll(async () => {
    user = await newUser();
  });

  it('re-importing the same file creates nothing', async () => {
    for (const file of ['csv/us-bank.csv', 'ofx/checking-sgml-102.ofx', 'qif/checking-us.qif', 'camt053/commerzbank-2026-03.xml']) {
      const account = await createAccount(user, { currency: file.startsWith('camt') ? 'EUR' : 'USD' });
      const first = await imported(user, account.id, fixture(file));
      const balance = (await accountOf(user, account.id)).balance;
      const again = await imported(user, account.id, fixture(file));
      expect(again).toMatchObject({ rows_total: first.rows_total, created: 0, duplicates: first.rows_total, failed: 0 });
      expect(await transactionsOf(user, `account_id=${account.id}`)).toHaveLength(first.created);
      expect((await accountOf(user, account.id)).balance).toBe(balance);
    }
  });

  it('an overlapping statement creates only the new rows, identical coffees included', async () => {
    const account = await createAccount(user);
    const march = csv([
      'Date,Description,Amount',
      '2026-04-01,Rent April,-1200.00',
      '2026-04-02,Grocery Store,-54.10',
      '2026-04-03,Coffee Corner,-3.50',
      '2026-04-03,Coffee Corner,-3.50',
      '2026-04-03,Bookshop,-12.00',
    ]);
    const overlapping = csv([
      'Date,Description,Amount',
      '2026-04-03,Coffee Corner,-3.50',
      '2026-04-03,Coffee Corner,-3.50',
      '2026-04-03,Bookshop,-12.00',
      '2026-04-04,Coffee Corner,-3.50',
      '2026-04-05,Salary,2500.00',
    ]);
    expect(await imported(user, account.id, march, { name: 'first.csv' })).toMatchObject({ rows_total: 5, created: 5, duplicates: 0 });
    expect(await imported(user, account.id, overlapping, { name: 'second.csv' })).toMatchObject({ rows_total: 5, created: 2, duplicates: 3 });

    const rows = await transactionsOf(user, `account_id=${account.id}`);
    expect(rows).toHaveLength(7);
    expect(rows.filter((row) => row.description === 'Coffee Corner' && row.date === '2026-04-03')).toHaveLength(2);
    expect(rows.filter((row) => row.description === 'Coffee Corner' && row.date === '2026-04-04')).toHaveLength(1);
    expect((await accountOf(user, account.id)).balance).toBe(-120000 - 5410 - 350 * 3 - 1200 + 250000);

    // A third statement with a third coffee on that day records just that one.
    const third = csv(['Date,Description,Amount', '2026-04-03,Coffee Corner,-3.50', '2026-04-03,Coffee Corner,-3.50', '2026-04-03,Coffee Corner,-3.50']);
    expect(await imported(user, account.id, third, { name: 'third.csv' })).toMatchObject({ rows_total: 3, created: 1, duplicates: 2 });
    expect((await transactionsOf(user, `account_id=${account.id}`)).filter((row) => row.date === '2026-04-03' && row.description === 'Coffee Corner')).toHaveLength(3);
  });

  it('two identical rows in one file are two transactions', async () => {
    const account = await createAccount(user);
    const file = csv(['Date,Description,Amount', '2026-05-02,Vending machine,-2.00', '2026-05-02,Vending machine,-2.00']);
    expect(await imported(user, account.id, file)).toMatchObject({ rows_total: 2, created: 2, duplicates: 0 });
    const rows = await transactionsOf(user, `account_id=${account.id}`);
    expect(rows.map(view)).toEqual([tx({ date: '2026-05-02', amount: -200, description: 'Vending machine' }), tx({ date: '2026-05-02', amount: -200, description: 'Vending machine' })]);
    expect(new Set(rows.map((row) => row.id)).size).toBe(2);
  });

  it('two concurrent imports of the same file into one account record each row exactly once', async () => {
    const account = await createAccount(user);
    const lines = ['Date,Description,Amount'];
    for (let i = 0; i < 4500; i += 1) lines.push(`2026-02-${String((i % 28) + 1).padStart(2, '0')},Concurrent shop ${i % 300},-${(i % 97) + 1}.25`);
    const file = csv(lines);
    const answers = await Promise.all([upload(user, account.id, file, { name: 'a.csv' }), upload(user, account.id, file, { name: 'b.csv' })]);
    for (const answer of answers) expect(answer.status).toBe(201);
    const records = answers.map((answer) => answer.body as ImportRecord);
    expect(records.map((record) => record.rows_total)).toEqual([4500, 4500]);
    expect(records[0]!.created + records[1]!.created).toBe(4500);
    expect(records[0]!.duplicates + records[1]!.duplicates).toBe(4500);
    expect((await stored(account.id)).transactions).toBe(4500);
    expect(await importsOf(user, `account_id=${account.id}`)).toHaveLength(2);
  });
});

describe('dry runs', () => {
  it('previews up to 20 rows, flags duplicates and writes nothing', async () => {
    const user = await newUser();
    const account = await createAccount(user, { opening_balance: 5000 });
    const earlier = ['Date,Description,Amount', '2026-06-01,Coffee Corner,-3.50', '2026-06-01,Coffee Corner,-3.50', '2026-06-02,Bakery,-4.10'];
    await imported(user, account.id, csv(earlier), { name: 'earlier.csv' });

    const lines = [...earlier];
    for (let day = 3; day <= 27; day += 1) lines.push(`2026-06-${String(day).padStart(2, '0')},Shop day ${day},-${day}.00`);
    const before = { stored: await stored(account.id), balance: (await accountOf(user, account.id)).balance, imports: await importsOf(user) };

    const response = await upload(user, account.id, csv(lines), { name: 'june.csv', fields: { dry_run: 'true' } });
    expect(response.status).toBe(200);
    const preview = response.body as ImportRecord;
    expect(preview).toMatchObject({
      id: null,
      account_id: account.id,
      status: 'preview',
      format: 'csv',
      file_name: 'june.csv',
      rows_total: 28,
      created: 25,
      duplicates: 3,
      failed: 0,
      errors: [],
      mapping: { date: 'Date', amount: 'Amount', description: 'Description' },
      date_format: 'YYYY-MM-DD',
    });
    expect(response.headers.location).toBeUndefined();
    expect(preview.preview).toHaveLength(20);
    expect(preview.preview!.slice(0, 5)).toEqual([
      { row: 2, date: '2026-06-01', amount: -350, description: 'Coffee Corner', merchant: merchantFrom(null, 'Coffee Corner'), notes: null, external_id: null, duplicate: true },
      { row: 3, date: '2026-06-01', amount: -350, description: 'Coffee Corner', merchant: merchantFrom(null, 'Coffee Corner'), notes: null, external_id: null, duplicate: true },
      { row: 4, date: '2026-06-02', amount: -410, description: 'Bakery', merchant: merchantFrom(null, 'Bakery'), notes: null, external_id: null, duplicate: true },
      { row: 5, date: '2026-06-03', amount: -300, description: 'Shop day 3', merchant: merchantFrom(null, 'Shop day 3'), notes: null, external_id: null, duplicate: false },
      { row: 6, date: '2026-06-04', amount: -400, description: 'Shop day 4', merchant: merchantFrom(null, 'Shop day 4'), notes: null, external_id: null, duplicate: false },
    ]);
    expect(preview.preview!.at(-1)).toMatchObject({ row: 21, duplicate: false });

    expect(await stored(account.id)).toEqual(before.stored);
    expect((await accountOf(user, account.id)).balance).toBe(before.balance);
    expect(await importsOf(user)).toEqual(before.imports);

    // The real import then does what the preview said.
    expect(await imported(user, account.id, csv(lines), { name: 'june.csv' })).toMatchObject({ rows_total: 28, created: 25, duplicates: 3 });
  });

  it('a dry run of an OFX file flags FITIDs already recorded', async () => {
    const user = await newUser();
    const account = await createAccount(user);
    const dryFirst = await upload(user, account.id, fixture('ofx/savings-xml-220.ofx'), { fields: { dry_run: 'true' } });
    expect(dryFirst.status).toBe(200);
    expect(dryFirst.body).toMatchObject({ id: null, status: 'preview', format: 'ofx', rows_total: 6, created: 6, duplicates: 0 });
    expect(dryFirst.body.preview[0]).toEqual({
      row: 1,
      date: '2026-03-02',
      amount: 50000,
      description: 'TRANSFER FROM CHECKING ONLINE TRANSFER REF #IB0Q7Z',
      merchant: 'TRANSFER FROM CHECKING',
      notes: 'ONLINE TRANSFER REF #IB0Q7Z',
      external_id: 'SV20260302A1',
      duplicate: false,
    });
    await expectNothingWritten(user, account);

    await imported(user, account.id, fixture('ofx/savings-xml-220.ofx'));
    const dryAgain = await upload(user, account.id, fixture('ofx/savings-xml-220.ofx'), { fields: { dry_run: 'true' } });
    expect(dryAgain.status).toBe(200);
    expect(dryAgain.body).toMatchObject({ created: 0, duplicates: 6 });
    expect((dryAgain.body as ImportRecord).preview!.every((row) => row.duplicate)).toBe(true);
    expect(await stored(account.id)).toEqual({ transactions: 6, imports: 1 });
  });
});

describe('all or nothing', () => {
  let user: User;
  beforeAll(async () => {
    user = await newUser();
  });

  it('on_error=abort (the default) rejects a file with bad rows: 422 naming every row, nothing written', async () => {
    const account = await createAccount(user, { currency: 'EUR', opening_balance: 1000 });
    for (const fields of [{}, { on_error: 'abort' }] as Record<string, string>[]) {
      const response = await upload(user, account.id, fixture('csv/bad-rows.csv'), { fields });
      expectProblem(response, 422);
      expect(response.body.errors).toEqual([
        { in: 'file', row: 3, message: 'date "2026-02-30" is not a real day' },
        { in: 'file', row: 4, message: 'amount "12,345" has 3 decimals but EUR has 2' },
        { in: 'file', row: 6, message: 'date "2201-01-01" is out of range (1900-01-01 to 2199-12-31)' },
      ]);
      expect(response.body.detail).toMatch(/3 row/);
      await expectNothingWritten(user, account);
    }

    const ragged = await upload(user, account.id, fixture('csv/ragged.csv'));
    expectProblem(ragged, 422);
    expect(ragged.body.errors).toEqual([{ in: 'file', row: 4, message: 'row has 2 columns, expected 3' }]);
    await expectNothingWritten(user, account);
  });

  it('on_error=abort rolls back rows already written in earlier chunks', async () => {
    const account = await createAccount(user);
    const lines = ['Date,Description,Amount'];
    for (let i = 0; i < 5000; i += 1) lines.push(`2026-01-${String((i % 28) + 1).padStart(2, '0')},Chunked row ${i},-1.00`);
    lines.push('2026-01-31,The last row is bad,-1.001');
    const response = await upload(user, account.id, csv(lines));
    expectProblem(response, 422);
    expect(response.body.errors).toEqual([{ in: 'file', row: 5002, message: expect.stringMatching(/3 decimals/) }]);
    await expectNothingWritten(user, account);
  });

  it('on_error=skip imports the good rows and lists the bad ones', async () => {
    const account = await createAccount(user, { currency: 'EUR', opening_balance: 1000 });
    const record = await imported(user, account.id, fixture('csv/bad-rows.csv'), { fields: { on_error: 'skip' } });
    expect(record).toMatchObject({
      rows_total: 6,
      created: 3,
      duplicates: 0,
      failed: 3,
      errors: [
        { row: 3, message: 'date "2026-02-30" is not a real day' },
        { row: 4, message: 'amount "12,345" has 3 decimals but EUR has 2' },
        { row: 6, message: 'date "2201-01-01" is out of range (1900-01-01 to 2199-12-31)' },
      ],
    });
    const rows = await transactionsOf(user, `account_id=${account.id}`);
    expect(rows.map(view).sort((a, b) => a.date.localeCompare(b.date))).toEqual([
      tx({ date: '2026-03-02', amount: -380, description: 'Bakery Hofmann' }),
      tx({ date: '2026-03-05', amount: -845, description: 'Pharmacy am Markt' }),
      tx({ date: '2026-03-06', amount: -2790, description: 'Hardware store' }),
    ]);
    expect((await accountOf(user, account.id)).balance).toBe(1000 - 380 - 845 - 2790);
    const fetched = await t.api.get(`/v1/imports/${record.id}`, { token: user.token });
    expect(fetched.body).toEqual(record);

    const ragged = await createAccount(user, { currency: 'EUR' });
    expect(await imported(user, ragged.id, fixture('csv/ragged.csv'), { fields: { on_error: 'skip' } })).toMatchObject({
      rows_total: 6,
      created: 5,
      failed: 1,
      errors: [{ row: 4, message: 'row has 2 columns, expected 3' }],
    });
  });

  it('a connection dropped mid-upload leaves no rows and no import, and the server keeps serving', async () => {
    const account = await createAccount(user);
    const server = t.app.listen(0);
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const boundary = `----spendsense${randomUUID()}`;
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\nDate,Description,Amount\r\n`,
      );
      const line = '2026-03-01,A long enough description for a big statement file,-1.00\r\n';
      const body = Buffer.from(line.repeat(Math.ceil((5 * 1024 * 1024) / line.length)));
      const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
      const req = http.request({
        port,
        method: 'POST',
        path: `/v1/accounts/${account.id}/imports`,
        headers: {
          Authorization: `Bearer ${user.token}`,
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Content-Length': String(head.length + body.length + tail.length),
        },
      });
      const outcome = new Promise<string>((resolve) => {
        req.on('error', (error) => resolve(`error ${(error as NodeJS.ErrnoException).code ?? error.message}`));
        req.on('response', (response) => resolve(`response ${response.statusCode}`));
        req.on('close', () => resolve('closed'));
      });
      req.write(head);
      await new Promise<void>((resolve) => req.write(body.subarray(0, body.length / 2), () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 150));
      req.destroy();
      expect(await outcome).not.toMatch(/^response/);
      await new Promise((resolve) => setTimeout(resolve, 500));

      await expectNothingWritten(user, account);
      // The same listening server still answers, and still imports.
      const health = await request(server).get(`/v1/accounts/${account.id}`).set('Authorization', `Bearer ${user.token}`);
      assertContract('GET', `/v1/accounts/${account.id}`, health);
      expect(health.status).toBe(200);
      const path = `/v1/accounts/${account.id}/imports`;
      const after = await request(server).post(path).set('Authorization', `Bearer ${user.token}`).attach('file', fixture('csv/us-bank.csv'));
      assertContract('POST', path, after);
      expect(after.status).toBe(201);
      expect(after.body.created).toBe(12);
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });
});

describe('bad input answers 4xx problem+json and writes nothing', () => {
  let user: User;
  let account: Account;
  beforeAll(async () => {
    user = await newUser();
    account = await createAccount(user, { opening_balance: 777 });
  });
  afterAll(async () => {
    await expectNothingWritten(user, account);
  });

  const fileProblem = async (response: Answer, message: RegExp, row?: number) => {
    expectProblem(response, 422);
    expect(response.body.errors).toContainEqual({ in: 'file', message: expect.stringMatching(message), ...(row === undefined ? {} : { row }) });
    await expectNothingWritten(user, account);
  };

  it('binary junk', async () => {
    await fileProblem(await upload(user, account.id, fixture('junk/binary.bin')), /binary/);
  });

  it('a 0-byte file', async () => {
    await fileProblem(await upload(user, account.id, fixture('junk/empty.csv')), /empty/);
    await fileProblem(await upload(user, account.id, Buffer.alloc(0), { name: 'nothing.csv' }), /empty/);
  });

  it('a file over 20 MiB answers 413', async () => {
    const path = join(scratch, 'huge.csv');
    const line = '2026-03-01,Way too big,-1.00\n';
    writeFileSync(path, `Date,Description,Amount\n${line.repeat(Math.ceil((20 * 1024 * 1024 + 1024) / line.length))}`);
    const response = await upload(user, account.id, path);
    expectProblem(response, 413);
    expect(response.body.detail).toMatch(/20 MiB/);
    await expectNothingWritten(user, account);
  });

  it('a file just over 20 MiB sent without Content-Length answers 413', async () => {
    // Chunked: the limit is found while streaming, not from the declared length.
    const line = '2026-03-01,Way too big,-1.00\n';
    const content = Buffer.from(`Date,Description,Amount\n${line.repeat(Math.ceil((20 * 1024 * 1024 + 10) / line.length))}`);
    const boundary = `----spendsense${randomUUID()}`;
    const server = t.app.listen(0);
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.request(
          {
            port,
            method: 'POST',
            path: `/v1/accounts/${account.id}/imports`,
            headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Transfer-Encoding': 'chunked' },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
          },
        );
        req.on('error', reject);
        req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.csv"\r\n\r\n`);
        for (let offset = 0; offset < content.length; offset += 1024 * 1024) req.write(content.subarray(offset, offset + 1024 * 1024));
        req.end(`\r\n--${boundary}--\r\n`);
      });
      expect(status).toBe(413);
      expect(JSON.parse(text)).toMatchObject({ status: 413, type: expect.stringMatching(/payload-too-large/) });
    } finally {
      server.close();
      server.closeAllConnections();
    }
    await expectNothingWritten(user, account);
  });

  it('truncated OFX', async () => {
    await fileProblem(await upload(user, account.id, fixture('junk/truncated.ofx')), /malformed or truncated/);
  });

  it('XML that is not camt.053', async () => {
    await fileProblem(await upload(user, account.id, fixture('junk/pain001-not-camt.xml')), /not an OFX or camt\.053/);
  });

  it('an OFX statement in EUR into a USD account names both currencies', async () => {
    const response = await upload(user, account.id, fixture('ofx/french-eur.ofx'));
    expectProblem(response, 422);
    expect(response.body.detail).toMatch(/EUR/);
    expect(response.body.detail).toMatch(/USD/);
    expect(response.body.errors).toContainEqual(expect.objectContaining({ in: 'file', message: expect.stringMatching(/EUR/) }));
    await expectNothingWritten(user, account);
    // A dry run says the same.
    expectProblem(await upload(user, account.id, fixture('ofx/french-eur.ofx'), { fields: { dry_run: 'true' } }), 422);
  });

  it('a CSV whose currency column states another currency', async () => {
    const response = await upload(user, account.id, csv(['Date,Description,Amount,Currency', '2026-03-01,Hotel Paris,-120.00,EUR', '2026-03-02,Taxi,-30.00,EUR']));
    expectProblem(response, 422);
    expect(JSON.stringify(response.body)).toMatch(/EUR/);
    await expectNothingWritten(user, account);
  });

  it('dates out of range', async () => {
    const response = await upload(user, account.id, csv(['Date,Description,Amount', '2026-03-01,Fine,-1.00', '1850-01-01,Gold rush,-2.00']));
    await fileProblem(response, /out of range/, 3);
  });

  it('no file part: 400 naming #/file', async () => {
    const path = `/v1/accounts/${account.id}/imports`;
    const response = await request(t.app).post(path).set('Authorization', `Bearer ${user.token}`).field('dry_run', 'true');
    assertContract('POST', path, response);
    expectProblem(response, 400);
    expect(response.body.errors).toContainEqual(expect.objectContaining({ pointer: '#/file' }));
  });

  it('a file part under another name', async () => {
    const path = `/v1/accounts/${account.id}/imports`;
    const response = await request(t.app).post(path).set('Authorization', `Bearer ${user.token}`).attach('statement', fixture('csv/us-bank.csv'));
    assertContract('POST', path, response);
    expectProblem(response, 400);
    expect(response.body.errors).toContainEqual(expect.objectContaining({ pointer: '#/statement' }));
  });

  it('an unknown form field: 400 naming it', async () => {
    // Its own account: if the field is let through, the import lands here, not in the shared one.
    const own = await createAccount(user);
    const response = await upload(user, own.id, fixture('csv/us-bank.csv'), { fields: { colour: 'blue' } });
    expectProblem(response, 400);
    expect(response.body.errors).toContainEqual(expect.objectContaining({ pointer: '#/colour', in: 'body' }));
    await expectNothingWritten(user, own);
  });

  it('a bad format, date_format or on_error value: 400 naming the field', async () => {
    for (const [field, value] of [['format', 'pdf'], ['date_format', 'YYYY/DD/MM'], ['on_error', 'ignore'], ['dry_run', 'maybe']] as const) {
      const response = await upload(user, account.id, fixture('csv/us-bank.csv'), { fields: { [field]: value } });
      expectProblem(response, 400);
      expect(response.body.errors).toContainEqual(expect.objectContaining({ pointer: `#/${field}`, in: 'body' }));
    }
  });

  it('a mapping naming a column the file does not have: 422 naming the column', async () => {
    const response = await upload(user, account.id, fixture('csv/us-bank.csv'), {
      fields: { mapping: JSON.stringify({ date: 'Posting Date', amount: 'Betrag', description: 'Description' }) },
    });
    expectProblem(response, 422);
    expect(response.body.errors).toContainEqual(expect.objectContaining({ in: 'file', message: expect.stringMatching(/Betrag/) }));
    await expectNothingWritten(user, account);
  });

  it('a mapping that is not JSON, or not a mapping: 400 naming #/mapping', async () => {
    for (const mapping of ['date=Posting Date', '{"date": "Posting Date",', JSON.stringify({ date: 'Posting Date', sum: 'Amount' }), JSON.stringify({ amount: 'Amount' })]) {
      const response = await upload(user, account.id, fixture('csv/us-bank.csv'), { fields: { mapping } });
      expectProblem(response, 400);
      expect(response.body.errors).toContainEqual(expect.objectContaining({ pointer: expect.stringMatching(/^#\/mapping/), in: 'body' }));
    }
  });

  it('a JSON body instead of multipart: 415', async () => {
    const path = `/v1/accounts/${account.id}/imports`;
    const response = await request(t.app).post(path).set('Authorization', `Bearer ${user.token}`).send({ file: 'Date,Amount\n2026-03-01,-1.00' });
    assertContract('POST', path, response);
    expectProblem(response, 415);
    expect(response.body.detail).toMatch(/multipart\/form-data/);
  });

  it('no Authorization: 401 whatever the body, which is not parsed or reported on', async () => {
    const path = `/v1/accounts/${account.id}/imports`;
    expectProblem(await upload(user, account.id, fixture('csv/us-bank.csv'), { token: null }), 401);
    // Bodies that would be 422, 400 and 413 for a known caller answer 401 to a stranger.
    expectProblem(await upload(user, account.id, fixture('junk/binary.bin'), { token: null }), 401);
    expectProblem(await upload(user, account.id, fixture('csv/us-bank.csv'), { token: null, fields: { colour: 'blue' } }), 401);
    const malformed = await request(t.app).post(path).set('Content-Type', 'multipart/form-data; boundary=nope').send('this is not multipart');
    assertContract('POST', path, malformed);
    expectProblem(malformed, 401);
    // A bad token is the same 401.
    expectProblem(await upload(user, account.id, fixture('csv/us-bank.csv'), { token: 'not-a-token' }), 401);
  });

  it('another user’s account: 404, exactly like a missing one', async () => {
    const stranger = await newUser();
    const theirs = await upload(stranger, account.id, fixture('csv/us-bank.csv'));
    expectProblem(theirs, 404);
    const missing = await upload(user, randomUUID(), fixture('csv/us-bank.csv'));
    expectProblem(missing, 404);
    expect(theirs.body.detail).toBe(missing.body.detail);
  });

  it('a non-uuid account id: 400 naming the parameter', async () => {
    const path = '/v1/accounts/not-a-uuid/imports';
    const response = await request(t.app).post(path).set('Authorization', `Bearer ${user.token}`).attach('file', fixture('csv/us-bank.csv'));
    assertContract('POST', path, response);
    expectProblem(response, 400);
    expect(response.body.errors).toContainEqual(expect.objectContaining({ parameter: 'id', in: 'path' }));
  });
});

describe('texts longer than a transaction keeps', () => {
  it('are cut to the contract’s limits and reported per row, in dry runs and real imports alike', async () => {
    const user = await newUser();
    const account = await createAccount(user);
    const longDescription = `Long ${'d'.repeat(607)}`;
    const longNotes = 'n'.repeat(2100);
    const file = csv(['Date,Description,Amount,Memo', `2026-07-01,${longDescription},-1.00,`, '2026-07-02,Short,-2.00,fine', `2026-07-03,Both,-3.00,${longNotes}`]);
    const expectedErrors = [
      { row: 2, message: 'description has 612 characters; the first 500 were kept' },
      { row: 4, message: 'notes has 2100 characters; the first 2000 were kept' },
    ];

    const dry = await upload(user, account.id, file, { fields: { dry_run: 'true' } });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ rows_total: 3, created: 3, failed: 0, errors: expectedErrors });
    expect(dry.body.preview[0].description).toBe(longDescription.slice(0, 500));

    const record = await imported(user, account.id, file);
    expect(record).toMatchObject({ rows_total: 3, created: 3, duplicates: 0, failed: 0, errors: expectedErrors });
    expect((await t.api.get(`/v1/imports/${record.id}`, { token: user.token })).body.errors).toEqual(expectedErrors);
    const rows = await transactionsOf(user, `account_id=${account.id}`);
    expect(rows.find((row) => row.date === '2026-07-01')!.description).toBe(longDescription.slice(0, 500));
    expect(rows.find((row) => row.date === '2026-07-03')!.notes).toBe(longNotes.slice(0, 2000));
  });

  it('do not count as bad rows: an aborting import lists only the rows it cannot read', async () => {
    const user = await newUser();
    const account = await createAccount(user);
    const file = csv(['Date,Description,Amount', `2026-07-01,${'x'.repeat(600)},-1.00`, '2026-07-02,Bad amount,-1.001']);
    const response = await upload(user, account.id, file);
    expectProblem(response, 422);
    expect(response.body.errors).toEqual([{ in: 'file', row: 3, message: expect.stringMatching(/3 decimals/) }]);
    await expectNothingWritten(user, account);
  });
});

describe('the import pipeline', () => {
  const accountId = randomUUID();
  async function* statementOf(count: number, badRow?: number): AsyncGenerator<StatementItem> {
    for (let row = 2; row < count + 2; row += 1) {
      if (row === badRow) yield { kind: 'error', value: { row, message: 'not a real day' } };
      else yield { kind: 'row', value: { row, date: '2026-01-01', amount: -row, description: `Row ${row}`, payee: null, memo: null, externalId: null } };
    }
  }
  /** Keeps every chunk it is given, in memory. */
  function keepingWriter(): ImportWriter & { chunks: ImportRow[][]; settled: number } {
    const chunks: ImportRow[][] = [];
    const writer = {
      chunks,
      settled: 0,
      write: async (rows: ImportRow[]) => void chunks.push(rows),
      finish: async () => ({ created: chunks.flat().length, duplicates: 0 }),
      settle: async () => void (writer.settled += 1),
    };
    return writer;
  }

  it('enriches every chunk, the last short one included, before the writer sees it', async () => {
    const seen: number[] = [];
    const enrich: Enricher = async (transactions) => {
      seen.push(transactions.length);
      return transactions.map((transaction) => ({ ...transaction, merchant: `enriched ${transaction.description}` }));
    };
    const writer = keepingWriter();
    const counts = await runImport(statementOf(12_001), { map: rowMapper(accountId, null), enrich, writer, abortOnError: true });
    expect(seen).toEqual([5000, 5000, 2001]);
    expect(writer.chunks.map((chunk) => chunk.length)).toEqual([5000, 5000, 2001]);
    expect(writer.chunks.flat().every((entry) => entry.transaction.merchant === `enriched Row ${entry.row}`)).toBe(true);
    expect(counts).toEqual({ rowsTotal: 12_001, created: 12_001, duplicates: 0, failed: 0, errors: [] });
  });

  it('enriches nothing today: transactions are recorded as the statement states them', async () => {
    const transactions = [rowMapper(accountId, null)({ row: 2, date: '2026-01-01', amount: -2, description: 'Row 2', payee: 'Shop', memo: null, externalId: null }).transaction];
    expect(await enrichTransactions(structuredClone(transactions))).toEqual(transactions);
  });

  it('after a bad row, an aborting import writes no further chunk and settles the writer before it answers 422', async () => {
    const writer = keepingWriter();
    const failure = runImport(statementOf(7000, 5500), { map: rowMapper(accountId, null), enrich: enrichTransactions, writer, abortOnError: true });
    await expect(failure).rejects.toBeInstanceOf(Problem);
    await expect(failure).rejects.toMatchObject({ status: 422, errors: [{ in: 'file', row: 5500, message: 'not a real day' }] });
    expect(writer.chunks.map((chunk) => chunk.length)).toEqual([5000]);
    expect(writer.settled).toBe(1);
  });

  it('fails only once no insert is running, so the transaction can roll back on an idle connection', async () => {
    let running = 0;
    const writer = insertingWriter(async (transactions) => {
      running += 1;
      await new Promise((resolve) => setTimeout(resolve, 300));
      running -= 1;
      return transactions.length;
    });
    let calls = 0;
    const enrich: Enricher = async (transactions) => {
      calls += 1;
      if (calls === 2) throw new Error('the enricher broke');
      return transactions;
    };
    await expect(runImport(statementOf(6000), { map: rowMapper(accountId, null), enrich, writer, abortOnError: true })).rejects.toThrow('the enricher broke');
    expect(running).toBe(0);
  });

  it('refuses an enricher that drops or adds rows', async () => {
    const enrich: Enricher = async (transactions) => transactions.slice(1);
    await expect(runImport(statementOf(3), { map: rowMapper(accountId, null), enrich, writer: keepingWriter(), abortOnError: true })).rejects.toThrow(/answered 2 transactions for 3/);
  });
});

describe('Idempotency-Key on imports', () => {
  it('replays the same upload, and refuses the same key with a different file', async () => {
    const user = await newUser();
    const account = await createAccount(user);
    const key = randomUUID();
    const path = `/v1/accounts/${account.id}/imports`;
    const send = async (file: Buffer) => {
      const response = await request(t.app).post(path).set('Authorization', `Bearer ${user.token}`).set('Idempotency-Key', key).attach('file', file, 'statement.csv');
      assertContract('POST', path, response);
      return response;
    };
    const first = await send(csv(['Date,Description,Amount', '2026-03-01,Corner shop,-5.00']));
    expect(first.status).toBe(201);
    const replay = await send(csv(['Date,Description,Amount', '2026-03-01,Corner shop,-5.00']));
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);

    // Same key, same field values and file name, different bytes: a different request.
    const different = await send(csv(['Date,Description,Amount', '2026-03-02,Another shop,-7.00', '2026-03-03,Third shop,-9.00']));
    expect(different.headers['idempotent-replayed']).toBeUndefined();
    expectProblem(different, 422);
    expect(await stored(account.id)).toEqual({ transactions: 1, imports: 1 });
  });
});

describe('speed', () => {
  it('imports 100,000 CSV rows through the API', async () => {
    const user = await newUser();
    const account = await createAccount(user);
    const path = join(scratch, 'hundred-thousand.csv');
    const lines = ['date,amount,description'];
    let sum = 0;
    for (let i = 0; i < 100_000; i += 1) {
      const day = new Date(Date.UTC(2020, 0, 1) + (i % 2000) * 86_400_000).toISOString().slice(0, 10);
      const cents = -((i * 7919) % 100_000) - 1;
      sum += cents;
      const amount = `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
      lines.push(`${day},${amount},CARD PURCHASE ${String(i).padStart(6, '0')} MERCHANT NUMBER ${i % 997} SOMEWHERE IN THE OLD TOWN REF ${(i * 31) % 100_000} BRANCH ${i % 13}`);
    }
    writeFileSync(path, `${lines.join('\n')}\n`);
    const bytes = readFileSync(path).length;
    expect(bytes).toBeGreaterThan(9 * 1024 * 1024);
    expect(bytes).toBeLessThan(20 * 1024 * 1024);

    const started = performance.now();
    const record = await imported(user, account.id, path);
    const seconds = (performance.now() - started) / 1000;
    console.log(`100,000-row CSV import (${(bytes / 1024 / 1024).toFixed(1)} MiB) through the API under jest: ${seconds.toFixed(2)} s`);

    expect(record).toMatchObject({ rows_total: 100_000, created: 100_000, duplicates: 0, failed: 0 });
    expect((await stored(account.id)).transactions).toBe(100_000);
    expect((await accountOf(user, account.id)).balance).toBe(sum);
  }, 120_000);
});
