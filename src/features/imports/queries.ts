import type { CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { sql } from '../../db/sql.ts';
import { createdAtCursor } from '../../http/pagination.ts';
import { currencyCode } from '../../money/currency.ts';
import { transactionRow } from '../transactions/queries.ts';

type Db = CommonQueryMethods;

export function findImportAccount(db: Db, userId: string, id: string) {
  return db.maybeOne(sql.type(z.object({ id: z.string(), currency: currencyCode }))`
    select id, currency from accounts where user_id = ${userId} and id = ${id}
  `);
}

const csvMapping = z
  .object({
    date: z.string(),
    amount: z.string().optional(),
    debit: z.string().optional(),
    credit: z.string().optional(),
    description: z.string().optional(),
    payee: z.string().optional(),
    memo: z.string().optional(),
    external_id: z.string().optional(),
  })
  .strict();

const dateFormats = ['YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY', 'YYYYMMDD', 'DD-MM-YYYY', 'MM-DD-YYYY'] as const;

/** An import record as the API shows it. */
const importRow = z.object({
  id: z.string(),
  account_id: z.string(),
  status: z.literal('completed'),
  format: z.enum(['csv', 'ofx', 'qfx', 'qif', 'camt053']),
  file_name: z.string().nullable(),
  rows_total: z.number(),
  created: z.number(),
  duplicates: z.number(),
  failed: z.number(),
  errors: z.array(z.object({ row: z.number(), message: z.string() })),
  mapping: csvMapping.nullable(),
  date_format: z.enum(dateFormats).nullable(),
  created_at: z.string(),
});
export type ImportRecord = z.infer<typeof importRow>;

const importColumns = sql.fragment`
  id, account_id, 'completed' as status, format, file_name, rows_total, created, duplicates, failed,
  errors, mapping, date_format, created_at
`;

export function insertImport(
  db: Db,
  userId: string,
  record: { accountId: string; format: string; fileName: string | null },
) {
  return db.oneFirst(sql.type(z.object({ id: z.string() }))`
    insert into imports (user_id, account_id, format, file_name)
    values (${userId}, ${record.accountId}, ${record.format}, ${record.fileName})
    returning id
  `);
}

export function completeImport(
  db: Db,
  userId: string,
  id: string,
  outcome: {
    rowsTotal: number;
    created: number;
    duplicates: number;
    failed: number;
    errors: { row: number; message: string }[];
    mapping: unknown;
    dateFormat: string | null;
  },
) {
  return db.one(sql.type(importRow)`
    update imports set
      rows_total = ${outcome.rowsTotal}, created = ${outcome.created}, duplicates = ${outcome.duplicates},
      failed = ${outcome.failed}, errors = ${sql.jsonb(outcome.errors)},
      mapping = ${outcome.mapping === undefined ? null : sql.jsonb(outcome.mapping as never)},
      date_format = ${outcome.dateFormat}
    where user_id = ${userId} and id = ${id}
    returning ${importColumns}
  `);
}

export function findImport(db: Db, userId: string, id: string) {
  return db.maybeOne(sql.type(importRow)`select ${importColumns} from imports where user_id = ${userId} and id = ${id}`);
}

export const importCursor = createdAtCursor;

export function listImports(
  db: Db,
  userId: string,
  options: { limit: number; after: z.infer<typeof importCursor> | undefined; accountId: string | undefined },
) {
  const { limit, after, accountId } = options;
  return db.any(sql.type(importRow)`
    select ${importColumns}
    from imports
    where user_id = ${userId}
      ${accountId === undefined ? sql.fragment`` : sql.fragment`and account_id = ${accountId}`}
      ${after ? sql.fragment`and (created_at, id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql.fragment``}
    order by created_at desc, id desc
    limit ${limit + 1}
  `);
}

/** Which of these bank ids and fingerprints the account has recorded already (for dry runs). */
export async function recordedKeys(db: Db, accountId: string, externalIds: string[], fingerprints: string[]) {
  const rows = await db.any(sql.type(z.object({ external_id: z.string().nullable(), import_fingerprint: z.string().nullable() }))`
    select external_id, import_fingerprint from transactions
    where account_id = ${accountId}
      and (external_id = any(${sql.array(externalIds, 'text')}) or import_fingerprint = any(${sql.array(fingerprints, 'text')}))
  `);
  return {
    externalIds: new Set(rows.flatMap((row) => (row.external_id ? [row.external_id] : []))),
    fingerprints: new Set(rows.flatMap((row) => (row.import_fingerprint ? [row.import_fingerprint] : []))),
  };
}

/** A transaction as exported: the API's fields plus its category's name. */
const exportRow = transactionRow.extend({ category: z.string().nullable() });
export type ExportRow = z.infer<typeof exportRow>;

/** One page of the export, oldest first, keyed on (date, id) so memory stays flat at any size. */
export function exportPage(
  db: Db,
  userId: string,
  filters: { from?: string; to?: string; accountId?: string },
  after: [string, string] | undefined,
  limit: number,
) {
  return db.any(sql.type(exportRow)`
    select t.id, t.date, t.account_id, t.amount, t.currency, t.description, t.merchant, t.category_id,
      c.name as category, t.categorized_by, t.notes, t.tags, t.external_id, t.status, t.transfer_id,
      t.created_at, t.updated_at
    from transactions t
    left join categories c on c.id = t.category_id
    where t.user_id = ${userId}
      ${filters.from === undefined ? sql.fragment`` : sql.fragment`and t.date >= ${filters.from}::date`}
      ${filters.to === undefined ? sql.fragment`` : sql.fragment`and t.date <= ${filters.to}::date`}
      ${filters.accountId === undefined ? sql.fragment`` : sql.fragment`and t.account_id = ${filters.accountId}`}
      ${after ? sql.fragment`and (t.date, t.id) > (${after[0]}::date, ${after[1]}::uuid)` : sql.fragment``}
    order by t.date, t.id
    limit ${limit}
  `);
}
