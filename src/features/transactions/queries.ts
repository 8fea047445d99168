import type { CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { sql } from '../../db/sql.ts';
import { dateCursor } from '../../http/pagination.ts';
import { currencyCode } from '../../money/currency.ts';
import { appendLessonsOfInserted, pendingLessonsAfter, type RowLesson } from '../enrichment/lesson-statements.ts';

type Db = CommonQueryMethods;

/** A transaction exactly as the API shows it. */
export const transactionRow = z.object({
  id: z.string(),
  account_id: z.string(),
  date: z.string(),
  amount: z.number(),
  currency: currencyCode,
  description: z.string(),
  merchant: z.string().nullable(),
  category_id: z.string().nullable(),
  categorized_by: z.enum(['user', 'rule', 'model']).nullable(),
  rule_id: z.string().nullable(),
  notes: z.string().nullable(),
  tags: z.array(z.string()),
  external_id: z.string().nullable(),
  status: z.enum(['pending', 'posted']),
  transfer_id: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Transaction = z.infer<typeof transactionRow>;

export const transactionColumns = sql.fragment`
  id, account_id, date, amount, currency, description, merchant, category_id, categorized_by,
  rule_id, notes, tags, external_id, status, transfer_id, created_at, updated_at
`;

/** A row to insert; its currency is the account's, taken by the insert itself. */
export type NewTransaction = {
  id: string;
  accountId: string;
  date: string;
  amount: number;
  description: string;
  merchant: string | null;
  categoryId: string | null;
  categorizedBy: 'user' | 'rule' | 'model' | null;
  /** The rule that set the category (categorizedBy 'rule'). */
  ruleId?: string | null;
  /** The cleaned merchant key the merchant was derived from (what the user's renames are remembered by). */
  merchantKey?: string | null;
  notes: string | null;
  tags: string[];
  externalId: string | null;
  status: 'pending' | 'posted';
  transferId: string | null;
  /** Set on imported rows: the import, and the fingerprint that recognises the row on re-import. */
  importId?: string | null;
  importFingerprint?: string | null;
};


type OnDuplicate = 'fail' | 'skip';

/**
 * Inserts any number of transactions in one statement (unnest of column arrays), so a batch of
 * 1000 is one round trip and one firing of the balance and report triggers. The statement also
 * checks ownership: a row whose account or category is not the caller's is not inserted (the
 * caller compares counts and explains). With `skip`, rows that an external_id or import
 * fingerprint already recorded are left out instead of failing the statement.
 */
function insertRows(userId: string, rows: NewTransaction[], onDuplicate: OnDuplicate) {
  return sql.fragment`
    insert into transactions (
      id, user_id, account_id, currency, date, amount, description, merchant, category_id,
      categorized_by, rule_id, merchant_key, notes, tags, external_id, status, transfer_id, import_id, import_fingerprint
    )
    select
      r.id, ${userId}, r.account_id, a.currency, r.date, r.amount, r.description, r.merchant,
      r.category_id, r.categorized_by, r.rule_id, r.merchant_key, r.notes,
      array(select jsonb_array_elements_text(r.tags)), r.external_id, r.status, r.transfer_id,
      r.import_id, r.import_fingerprint
    from ${sql.unnest(
      rows.map((row) => [
        row.id, row.accountId, row.date, row.amount, row.description, row.merchant,
        row.categoryId, row.categorizedBy, row.ruleId ?? null, row.merchantKey ?? null, row.notes, JSON.stringify(row.tags), row.externalId,
        row.status, row.transferId, row.importId ?? null, row.importFingerprint ?? null,
      ]),
      ['uuid', 'uuid', 'date', 'int8', 'text', 'text', 'uuid', 'text', 'uuid', 'text', 'text', 'jsonb', 'text', 'text', 'uuid', 'uuid', 'text'],
    )} as r(
      id, account_id, date, amount, description, merchant, category_id,
      categorized_by, rule_id, merchant_key, notes, tags, external_id, status, transfer_id, import_id, import_fingerprint
    )
    join accounts a on a.user_id = ${userId} and a.id = r.account_id
    where r.category_id is null
      or exists (select 1 from categories c where c.user_id = ${userId} and c.id = r.category_id)
    ${onDuplicate === 'skip' ? sql.fragment`on conflict do nothing` : sql.fragment``}
  `;
}

/** The insert that answers the inserted rows (the API's create; bench/ runs it too). */
export function insertTransactionsStatement(userId: string, rows: NewTransaction[], onDuplicate: OnDuplicate) {
  return sql.type(transactionRow)`${insertRows(userId, rows, onDuplicate)} returning ${transactionColumns}`;
}

const learntRow = transactionRow.extend({ pending_lessons: z.number() });

/**
 * The insert, and in the same statement the lessons its kept rows teach the caller's categorizer:
 * a create filed under a category stays one statement. Answers the rows, each with how many
 * lessons are then pending.
 */
export function insertLearningStatement(userId: string, rows: NewTransaction[], lessons: readonly RowLesson[]) {
  return sql.type(learntRow)`
    with inserted as (${insertRows(userId, rows, 'fail')} returning ${transactionColumns}),
    learnt as (${appendLessonsOfInserted(userId, lessons)})
    select inserted.*, ${pendingLessonsAfter(userId, 'learnt')} as pending_lessons from inserted
  `;
}

export const transactionCursor = dateCursor;

export type TransactionFilters = {
  accountId?: string;
  categoryId?: string;
  uncategorized?: boolean;
  from?: string;
  to?: string;
  minAmount?: number;
  maxAmount?: number;
  q?: string;
  tag?: string;
};

export type TransactionPage = { limit: number; after: z.infer<typeof transactionCursor> | undefined };

/** `%` and `_` in a search are literal text, not wildcards. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

function filterConditions(userId: string, filters: TransactionFilters) {
  return [
    filters.accountId === undefined ? null : sql.fragment`account_id = ${filters.accountId}`,
    // A group's filter takes in its categories too.
    filters.categoryId === undefined
      ? null
      : sql.fragment`category_id in (
          select id from categories
          where user_id = ${userId} and (id = ${filters.categoryId} or parent_id = ${filters.categoryId})
        )`,
    filters.uncategorized === undefined
      ? null
      : filters.uncategorized
        ? sql.fragment`category_id is null`
        : sql.fragment`category_id is not null`,
    filters.from === undefined ? null : sql.fragment`date >= ${filters.from}::date`,
    filters.to === undefined ? null : sql.fragment`date <= ${filters.to}::date`,
    filters.minAmount === undefined ? null : sql.fragment`amount >= ${filters.minAmount}`,
    filters.maxAmount === undefined ? null : sql.fragment`amount <= ${filters.maxAmount}`,
    filters.q === undefined
      ? null
      : sql.fragment`transactions_search_text(description, merchant, notes) ilike ${likePattern(filters.q)}`,
    filters.tag === undefined ? null : sql.fragment`tags @> array[${filters.tag}]::text[]`,
  ];
}

/** One page of the caller's transactions, newest first, with one row more to tell whether another page follows. */
export function listTransactionsStatement(userId: string, filters: TransactionFilters, page: TransactionPage) {
  const conditions = [
    sql.fragment`user_id = ${userId}`,
    ...filterConditions(userId, filters),
    page.after === undefined ? null : sql.fragment`(date, id) < (${page.after[0]}::date, ${page.after[1]}::uuid)`,
  ].filter((condition) => condition !== null);
  return sql.type(transactionRow)`
    select ${transactionColumns}
    from transactions
    where ${sql.join(conditions, sql.fragment` and `)}
    order by date desc, id desc
    limit ${page.limit + 1}
  `;
}

export function findTransactionStatement(userId: string, id: string, options: { forUpdate?: boolean } = {}) {
  return sql.type(transactionRow)`
    select ${transactionColumns}
    from transactions
    where user_id = ${userId} and id = ${id}
    ${options.forUpdate ? sql.fragment`for update` : sql.fragment``}
  `;
}

/** What an update may change: a new row's fields but its id and where it came from. */
export type TransactionChanges = Partial<Omit<NewTransaction, 'id' | 'transferId' | 'importId' | 'importFingerprint' | 'merchantKey'>>;

const changeableColumns = {
  accountId: sql.fragment`account_id`,
  date: sql.fragment`date`,
  amount: sql.fragment`amount`,
  description: sql.fragment`description`,
  merchant: sql.fragment`merchant`,
  categoryId: sql.fragment`category_id`,
  categorizedBy: sql.fragment`categorized_by`,
  ruleId: sql.fragment`rule_id`,
  notes: sql.fragment`notes`,
  tags: sql.fragment`tags`,
  externalId: sql.fragment`external_id`,
  status: sql.fragment`status`,
} as const satisfies Record<keyof TransactionChanges, unknown>;

function assignmentsOf(changes: TransactionChanges) {
  return (Object.keys(changes) as (keyof TransactionChanges)[])
    .filter((key) => changes[key] !== undefined)
    .map((key) => {
      const value = changes[key];
      if (key === 'tags') return sql.fragment`tags = ${sql.array(value as string[], 'text')}`;
      if (key === 'date') return sql.fragment`date = ${value as string}::date`;
      return sql.fragment`${changeableColumns[key]} = ${value as string | number | null}`;
    });
}

/** Inserted rows in the order they were asked for; rows the insert left out are missing. */
function inInputOrder(rows: readonly NewTransaction[], inserted: readonly Transaction[]): Transaction[] {
  const byId = new Map(inserted.map((row) => [row.id, row]));
  return rows.flatMap((row) => byId.get(row.id) ?? []);
}

/** The caller's transactions, bound to one request's connection. */
export function transactionQueries(db: Db, userId: string) {
  const insert = async (rows: NewTransaction[], options: { onDuplicate: OnDuplicate } = { onDuplicate: 'fail' }): Promise<Transaction[]> =>
    inInputOrder(rows, await db.any(insertTransactionsStatement(userId, rows, options.onDuplicate)));
  return {
    /** Inserts the rows the caller may own, answering them in input order (see insertRows). */
    insert,

    /**
     * Inserts the rows the caller may own (see insertRows) with the lessons the kept ones teach,
     * answering them in input order and how many lessons are then pending.
     */
    async insertLearning(rows: NewTransaction[], lessons: readonly RowLesson[]): Promise<{ inserted: Transaction[]; pendingLessons: number }> {
      if (lessons.length === 0) return { inserted: await insert(rows), pendingLessons: 0 };
      const found = await db.any(insertLearningStatement(userId, rows, lessons));
      return { inserted: inInputOrder(rows, found.map(({ pending_lessons: _, ...row }) => row)), pendingLessons: found[0]?.pending_lessons ?? 0 };
    },

    /** The caller's accounts among `ids`, with their currencies. */
    findAccountCurrencies(ids: string[]) {
      return db.any(sql.type(z.object({ id: z.string(), currency: z.string() }))`
        select id, currency from accounts where user_id = ${userId} and id = any(${sql.array(ids, 'uuid')})
      `);
    },

    /** The caller's categories among `ids`. */
    findCategoryIds(ids: string[]) {
      return db.anyFirst(sql.type(z.object({ id: z.string() }))`
        select id from categories where user_id = ${userId} and id = any(${sql.array(ids, 'uuid')})
      `);
    },

    list(filters: TransactionFilters, page: TransactionPage) {
      return db.any(listTransactionsStatement(userId, filters, page));
    },

    find(id: string, options: { forUpdate?: boolean } = {}) {
      return db.maybeOne(findTransactionStatement(userId, id, options));
    },

    update(id: string, changes: TransactionChanges) {
      return db.one(sql.type(transactionRow)`
        update transactions set ${sql.join(assignmentsOf(changes), sql.fragment`, `)}
        where user_id = ${userId} and id = ${id}
        returning ${transactionColumns}
      `);
    },

    /** Deletes a transaction, or both legs when it is part of a transfer. */
    delete(transaction: { id: string; transfer_id: string | null }) {
      return db.query(sql.typeAlias('void')`
        delete from transactions
        where user_id = ${userId}
          and ${transaction.transfer_id ? sql.fragment`transfer_id = ${transaction.transfer_id}` : sql.fragment`id = ${transaction.id}`}
      `);
    },
  };
}

export type TransactionQueries = ReturnType<typeof transactionQueries>;
