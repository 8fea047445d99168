// Imports that span chunks and mix keys: what the enrich stage reads once per file still applies to
// every chunk, rows with and without a bank id are each recognised on re-import, and the compact
// occurrence counter behind fingerprints counts exactly like a Map.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import request from 'supertest';
import { OccurrenceCounter } from '../src/features/imports/occurrences.ts';
import { fingerprinter, normalizeDescription } from '../src/features/imports/fingerprint.ts';
import { assertContract, startTestApp, type Schema, type TestApp } from './helpers/app.ts';
import { asOwner } from './helpers/database.ts';
import { categoryNamed, factoriesFor, type TestUser } from './helpers/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ logLevel: 'error' });
});
afterAll(async () => t.close());
const { newUser, createAccount, categoriesOf, balanceOf } = factoriesFor(() => t);

type ImportRecord = Schema<'Import'>;

async function upload(user: TestUser, accountId: string, lines: string[], fields: Record<string, string> = {}) {
  const path = `/v1/accounts/${accountId}/imports`;
  let pending = request(t.app).post(path).set('Authorization', `Bearer ${user.token}`);
  for (const [name, value] of Object.entries(fields)) pending = pending.field(name, value);
  const response = await pending.attach('file', Buffer.from(`${lines.join('\n')}\n`), 'statement.csv');
  assertContract('POST', path, response);
  return response;
}

async function imported(user: TestUser, accountId: string, lines: string[], fields: Record<string, string> = {}): Promise<ImportRecord> {
  const response = await upload(user, accountId, lines, fields);
  if (response.status !== 201) throw new Error(`import failed: ${response.status} ${response.text}`);
  return response.body as ImportRecord;
}

describe('an import of several chunks', () => {
  it('applies the rules, the user’s merchant names and the model to every chunk, the last short one included', async () => {
    const user = await newUser();
    expect((await t.api.patch('/v1/me', { auto_categorize_threshold: 0.5 }, { token: user.token })).status).toBe(200);
    const account = await createAccount(user);
    const coffee = categoryNamed(await categoriesOf(user), 'Coffee', 'Food & Drink');
    const rule = await t.api.post('/v1/rules', {
      name: 'Blue Bottle', conditions: [{ field: 'description', operator: 'contains', value: 'blue bottle' }], actions: { set_category: coffee.id, add_tags: ['coffee-run'] },
    }, { token: user.token });
    expect(rule.status).toBe(201);
    // Renaming a transaction's merchant is how a user names a cleaned merchant key.
    const deli = await t.api.post('/v1/transactions', { account_id: account.id, date: '2025-12-01', amount: -900, description: 'CORNER DELI 17 AUSTIN TX' }, { token: user.token });
    expect(deli.status).toBe(201);
    expect((await t.api.patch(`/v1/transactions/${deli.body.id}`, { merchant: 'Our Deli' }, { token: user.token })).status).toBe(200);

    // 12,001 rows: chunks of 5,000, 5,000 and 2,001. January fills the first two, February the
    // last; the deli first appears in the last chunk, after the user's names were read.
    const lines = ['Date,Description,Amount'];
    for (let i = 0; i < 12_001; i += 1) {
      const date = i < 10_000 ? `2026-01-${String((i % 28) + 1).padStart(2, '0')}` : `2026-02-${String((i % 28) + 1).padStart(2, '0')}`;
      const kind = i % 3;
      if (kind === 0) lines.push(`${date},BLUE BOTTLE COFFEE #${i},-4.50`);
      else if (kind === 1) lines.push(`${date},STARBUCKS STORE ${i},-5.25`);
      else lines.push(i < 10_000 ? `${date},PLAIN SHOP ${i},-1.00` : `${date},CORNER DELI ${i} AUSTIN TX,-9.00`);
    }
    expect(await imported(user, account.id, lines)).toMatchObject({ rows_total: 12_001, created: 12_001, duplicates: 0, failed: 0 });

    const byMonth = await asOwner<{ month: string; kind: string; rows: number; merchants: string[]; categories: (string | null)[]; sources: (string | null)[]; tags: string[] }>(
      t.database.url,
      `select to_char(date, 'YYYY-MM') as month, split_part(description, ' ', 1) as kind, count(*)::int as rows,
              array_agg(distinct merchant) as merchants, array_agg(distinct category_id::text) as categories,
              array_agg(distinct categorized_by) as sources, array_agg(distinct array_to_string(tags, ',')) as tags
       from transactions where account_id = $1 and date >= '2026-01-01' group by 1, 2 order by 1, 2`,
      [account.id],
    );
    const summary = Object.fromEntries(byMonth.rows.map((row) => [`${row.month} ${row.kind}`, row]));
    for (const month of ['2026-01', '2026-02']) {
      expect(summary[`${month} BLUE`]).toMatchObject({ merchants: ['Blue Bottle Coffee'], categories: [coffee.id], sources: ['rule'], tags: ['coffee-run'] });
      // One verdict per merchant and amount bucket, the same in every chunk.
      expect(summary[`${month} STARBUCKS`]).toMatchObject({ merchants: ['Starbucks'], sources: ['model'], tags: [''] });
      expect(summary[`${month} STARBUCKS`]!.categories).toHaveLength(1);
    }
    expect(summary['2026-01 STARBUCKS']!.categories).toEqual(summary['2026-02 STARBUCKS']!.categories);
    expect(summary['2026-02 CORNER']).toMatchObject({ rows: 667, merchants: ['Our Deli'] });
    expect(summary['2026-01 PLAIN']!.rows + summary['2026-02 CORNER']!.rows).toBe(4000);
  }, 60_000);
});

describe('a statement mixing rows with and without a bank id', () => {
  const header = 'Date,Description,Amount,Reference';
  const mapping = JSON.stringify({ date: 'Date', description: 'Description', amount: 'Amount', external_id: 'Reference' });

  it('records each row once, tells repeats apart by their own key, and a dry run says what the import then does', async () => {
    const user = await newUser({}, { autoCategorize: false });
    const account = await createAccount(user);
    const first = [
      header,
      '2026-03-01,Shop A,-1.00,REF1',
      '2026-03-01,Shop B,-2.00,',
      '2026-03-02,Shop A,-1.00,REF2',
      '2026-03-02,Shop C,-3.00,REF1', // the bank's id again: the same transaction, whatever it says
      '2026-03-03,Shop B,-2.00,',
      '2026-03-03,Shop B,-2.00,', // no id: two identical rows are two transactions
    ];
    expect(await imported(user, account.id, first, { mapping })).toMatchObject({ rows_total: 6, created: 5, duplicates: 1 });
    expect(await balanceOf(user, account.id)).toBe(-100 - 200 - 100 - 200 - 200);
    expect(await imported(user, account.id, first, { mapping })).toMatchObject({ rows_total: 6, created: 0, duplicates: 6 });

    const overlapping = [header, '2026-03-02,Shop A,-1.00,REF2', '2026-03-03,Shop B,-2.00,', '2026-03-03,Shop B,-2.00,', '2026-03-03,Shop B,-2.00,', '2026-03-04,Shop D,-4.00,REF3'];
    const preview = await upload(user, account.id, overlapping, { mapping, dry_run: 'true' });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ rows_total: 5, created: 2, duplicates: 3 });
    expect(preview.body.preview.map((row: { duplicate: boolean }) => row.duplicate)).toEqual([true, true, true, false, false]);
    expect(await imported(user, account.id, overlapping, { mapping })).toMatchObject({ rows_total: 5, created: 2, duplicates: 3 });
    expect(await balanceOf(user, account.id)).toBe(-800 - 200 - 400);

    const stored = await asOwner<{ external_id: string | null; description: string }>(
      t.database.url, `select external_id, description from transactions where account_id = $1 and external_id is not null order by external_id`, [account.id]);
    expect(stored.rows).toEqual([{ external_id: 'REF1', description: 'Shop A' }, { external_id: 'REF2', description: 'Shop A' }, { external_id: 'REF3', description: 'Shop D' }]);
  });
});

describe('fingerprints', () => {
  it('are the digests earlier versions stored, so files imported before are still recognised', () => {
    const accountId = '5b0c2f6e-1111-4a2b-9c3d-123456789abc';
    const fingerprint = fingerprinter(accountId);
    const rows = [
      { date: '2026-04-03', amount: -350, description: 'Coffee Corner' },
      { date: '2026-04-03', amount: -350, description: 'COFFEE  corner!' },
      { date: '2026-04-03', amount: -1200, description: 'Café Zürich' },
    ];
    const occurrences = [1, 2, 1];
    rows.forEach((row, index) => {
      const key = `${row.date}|${row.amount}|${normalizeDescription(row.description)}`;
      const stored = createHash('sha256').update(`${accountId}|${key}|${occurrences[index]}`).digest('base64url');
      expect(fingerprint(row)).toBe(stored);
    });
  });
});

describe('OccurrenceCounter', () => {
  it('counts every key as a Map of the keys would, across the table’s growth', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'ä', '1', '|'), maxLength: 4 }), { maxLength: 300 }), (keys) => {
        const counter = new OccurrenceCounter();
        const expected = new Map<string, number>();
        for (const key of keys) {
          const count = (expected.get(key) ?? 0) + 1;
          expected.set(key, count);
          expect(counter.count(key)).toBe(count);
        }
      }),
    );
    const counter = new OccurrenceCounter();
    for (let i = 0; i < 50_000; i += 1) expect(counter.count(`2026-01-01|-${i}|shop ${i}`)).toBe(1);
    for (let i = 0; i < 50_000; i += 7) expect(counter.count(`2026-01-01|-${i}|shop ${i}`)).toBe(2);
  });
});
