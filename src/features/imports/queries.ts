import type { CommonQueryMethods, FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import { sql } from '../../db/sql.ts';
import { createdAtCursor } from '../../http/pagination.ts';
import { currencyCode } from '../../money/currency.ts';
import type { NewTransaction } from '../transactions/queries.ts';
import { dateFormats } from './formats/dates.ts';
import type { CsvMapping, DateFormat, RowError, StatementFormat } from './formats/types.ts';

/**
 * The mapping as stored and answered. Its shape is checked against the contract's CsvMapping both
 * ways: every field of the contract has a parser here (`satisfies Record<…>`), and what it parses
 * is a CsvMapping (`satisfies z.ZodType<CsvMapping>`).
 */
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
  } satisfies Record<keyof CsvMapping, z.ZodType>)
  .strict() satisfies z.ZodType<CsvMapping>;

const statementFormat = z.enum(['csv', 'ofx', 'qfx', 'qif', 'camt053']) satisfies z.ZodType<StatementFormat>;

/** An import record as stored: the API's fields, with null where the answer leaves one out. */
const importRow = z.object({
  id: z.string(),
  account_id: z.string(),
  status: z.literal('completed'),
  format: statementFormat,
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

const importAccount = z.object({ id: z.string(), currency: currencyCode });
export type ImportAccount = z.infer<typeof importAccount>;

/** What an import counted, stored on its record when it completes. */
export type ImportOutcome = {
  rowsTotal: number;
  created: number;
  duplicates: number;
  failed: number;
  errors: RowError[];
  mapping: CsvMapping | undefined;
  dateFormat: DateFormat | null;
};

const recordedKey = z.object({ external_id: z.string().nullable(), import_fingerprint: z.string().nullable() });

/** Bank ids and fingerprints an account has recorded already. */
export type RecordedKeys = { externalIds: Set<string>; fingerprints: Set<string> };

function recordedKeysOf(rows: readonly z.infer<typeof recordedKey>[]): RecordedKeys {
  return {
    externalIds: new Set(rows.flatMap((row) => (row.external_id ? [row.external_id] : []))),
    fingerprints: new Set(rows.flatMap((row) => (row.import_fingerprint ? [row.import_fingerprint] : []))),
  };
}

export const importCursor = createdAtCursor;

/** The unique index that recognises a row recorded before: its bank id's, else its fingerprint's. */
const recognisedBy = {
  bankId: sql.fragment`(user_id, account_id, external_id) where external_id is not null`,
  fingerprint: sql.fragment`(user_id, account_id, import_fingerprint) where import_fingerprint is not null`,
};

/**
 * One insert of import rows into their account (see recordRows); `conflictTarget` names the unique
 * index that recognises rows recorded before. The account and the import are bound once, not per row.
 */
function recordStatement(userId: string, target: { accountId: string; importId: string }, rows: readonly NewTransaction[], conflictTarget: FragmentSqlToken) {
  return sql.type(z.object({ inserted: z.number() }))`
    with inserted as (
      insert into transactions (
        id, user_id, account_id, currency, date, amount, description, merchant, category_id, categorized_by,
        rule_id, merchant_key, notes, tags, external_id, status, import_id, import_fingerprint
      )
      select
        r.id, ${userId}, a.id, a.currency, r.date, r.amount, r.description, r.merchant, r.category_id, r.categorized_by,
        r.rule_id, r.merchant_key, r.notes, array(select jsonb_array_elements_text(r.tags)), r.external_id, r.status,
        ${target.importId}, r.import_fingerprint
      from ${sql.unnest(
        rows.map((row) => [
          row.id, row.date, row.amount, row.description, row.merchant, row.categoryId, row.categorizedBy, row.ruleId ?? null,
          row.merchantKey ?? null, row.notes, JSON.stringify(row.tags), row.externalId, row.status, row.importFingerprint ?? null,
        ]),
        ['uuid', 'date', 'int8', 'text', 'text', 'uuid', 'text', 'uuid', 'text', 'text', 'jsonb', 'text', 'text', 'text'],
      )} as r(
        id, date, amount, description, merchant, category_id, categorized_by, rule_id, merchant_key, notes, tags,
        external_id, status, import_fingerprint
      )
      join accounts a on a.user_id = ${userId} and a.id = ${target.accountId}
      where r.category_id is null
        or exists (select 1 from categories c where c.user_id = ${userId} and c.id = r.category_id)
      on conflict ${conflictTarget} do nothing
      returning 1
    )
    select count(*)::int as inserted from inserted
  `;
}

/** The imports feature's queries, bound to one request's connection and caller. */
export function importQueries(db: CommonQueryMethods, userId: string) {
  return {
    /** The caller's account to import into, with its currency. */
    findAccount(id: string) {
      return db.maybeOne(sql.type(importAccount)`
        select id, currency from accounts where user_id = ${userId} and id = ${id}
      `);
    },

    /** Opens an import record; its counts are filled in by `complete`. */
    insert(record: { accountId: string; format: StatementFormat; fileName: string | null }) {
      return db.oneFirst(sql.type(z.object({ id: z.string() }))`
        insert into imports (user_id, account_id, format, file_name)
        values (${userId}, ${record.accountId}, ${record.format}, ${record.fileName})
        returning id
      `);
    },

    complete(id: string, outcome: ImportOutcome) {
      return db.one(sql.type(importRow)`
        update imports set
          rows_total = ${outcome.rowsTotal}, created = ${outcome.created}, duplicates = ${outcome.duplicates},
          failed = ${outcome.failed}, errors = ${sql.jsonb(outcome.errors)},
          mapping = ${outcome.mapping === undefined ? null : sql.jsonb(outcome.mapping)},
          date_format = ${outcome.dateFormat}
        where user_id = ${userId} and id = ${id}
        returning ${importColumns}
      `);
    },

    find(id: string) {
      return db.maybeOne(sql.type(importRow)`select ${importColumns} from imports where user_id = ${userId} and id = ${id}`);
    },

    list(options: { limit: number; after: z.infer<typeof importCursor> | undefined; accountId: string | undefined }) {
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
    },

    /**
     * Records one chunk of an import's rows in its account, leaving out rows whose bank id or
     * fingerprint the account has recorded already (or recorded earlier in this chunk) and any
     * whose category is not the caller's; answers how many it recorded. Rows with a bank id and
     * rows without one go in a statement each, each naming the one unique index that can refuse
     * its rows: an unnamed conflict target probes every unique index for every row (the primary key
     * too, which a fresh id never hits), 7 % of the insert. A statement's balance, report and
     * ledger triggers fire once for all its rows.
     */
    async recordRows(target: { accountId: string; importId: string }, rows: readonly NewTransaction[]): Promise<number> {
      const withBankIds = rows.filter((row) => row.externalId !== null);
      const others = withBankIds.length === 0 ? rows : rows.filter((row) => row.externalId === null);
      let inserted = 0;
      if (others.length > 0) inserted += await db.oneFirst(recordStatement(userId, target, others, recognisedBy.fingerprint));
      if (withBankIds.length > 0) inserted += await db.oneFirst(recordStatement(userId, target, withBankIds, recognisedBy.bankId));
      return inserted;
    },

    /** Which of these bank ids and fingerprints the account has recorded already (for dry runs). */
    async recordedKeys(accountId: string, externalIds: string[], fingerprints: string[]): Promise<RecordedKeys> {
      const rows = await db.any(sql.type(recordedKey)`
        select external_id, import_fingerprint from transactions
        where user_id = ${userId} and account_id = ${accountId}
          and (external_id = any(${sql.array(externalIds, 'text')}) or import_fingerprint = any(${sql.array(fingerprints, 'text')}))
      `);
      return recordedKeysOf(rows);
    },
  };
}

export type ImportQueries = ReturnType<typeof importQueries>;
