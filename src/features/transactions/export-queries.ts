import type { CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { sql } from '../../db/sql.ts';
import { transactionRow } from './queries.ts';

/** A transaction as exported: the API's fields plus its category's name. */
const exportRow = transactionRow.extend({ category: z.string().nullable() });
export type ExportRow = z.infer<typeof exportRow>;

export type ExportFilters = { from?: string; to?: string; accountId?: string };

/** The export's query, bound to one request's connection and caller. */
export function transactionExportQueries(db: CommonQueryMethods, userId: string) {
  return {
    /** One page of the export, oldest first, keyed on (date, id) so memory stays flat at any size. */
    page(filters: ExportFilters, after: [string, string] | undefined, limit: number) {
      return db.any(sql.type(exportRow)`
        select t.id, t.date, t.account_id, t.amount, t.currency, t.description, t.merchant, t.category_id,
          c.name as category, t.categorized_by, t.rule_id, t.notes, t.tags, t.external_id, t.status, t.transfer_id,
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
    },
  };
}

export type TransactionExportQueries = ReturnType<typeof transactionExportQueries>;
