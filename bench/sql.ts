// The statements the floor runs and the plans explain. The API's own are built by its query
// modules, so the bench measures exactly what the API sends; only the naive spending report, which
// the API does not run, is written here.
import type { DayRange } from '../src/calendar.ts';
import { spendingStatement, type SpendingGrouping } from '../src/features/reports/queries.ts';
import {
  findTransactionStatement,
  insertTransactionsStatement,
  listTransactionsStatement,
  type NewTransaction,
} from '../src/features/transactions/queries.ts';
import { defaultPageLimit } from '../src/limits.ts';

/** A statement as node-postgres takes it. */
export type PgStatement = { text: string; values: unknown[] };

/** Slonik numbers its placeholders `$slonik_N`; it rewrites them to `$N` before sending, and so does this. */
export function forPg(statement: { sql: string; values: readonly unknown[] }): PgStatement {
  return { text: statement.sql.replaceAll('$slonik_', '$'), values: [...statement.values] };
}

/** The API's transaction list as a client first asks for it: no filters, the default page size. */
export function listFirstPage(userId: string): PgStatement {
  return forPg(listTransactionsStatement(userId, {}, { limit: defaultPageLimit, after: undefined }));
}

/** The same list from a cursor's keyset (date, id) on. */
export function listAfterCursor(userId: string, keyset: [string, string]): PgStatement {
  return forPg(listTransactionsStatement(userId, {}, { limit: defaultPageLimit, after: keyset }));
}

export function getById(userId: string, id: string): PgStatement {
  return forPg(findTransactionStatement(userId, id));
}

/** The API's create: one row through the batch insert, which takes the currency from the account. */
export function createOne(userId: string, row: NewTransaction): PgStatement {
  return forPg(insertTransactionsStatement(userId, [row], 'fail'));
}

/** The API's spending report in the user's default currency, over all accounts. */
export function spendingReport(userId: string, groupBy: SpendingGrouping, range: DayRange): PgStatement {
  return forPg(spendingStatement(groupBy, { userId, currency: null, accountId: undefined }, range));
}

/** Spending by category straight over the transactions table: what a report costs without aggregates. */
export function naiveSpending(userId: string, range: DayRange): PgStatement {
  return {
    text: `select c.id as category_id, c.name, t.currency, -sum(t.amount) as spent, count(*) as transactions
  from transactions t join categories c on c.id = t.category_id and c.user_id = t.user_id
  where t.user_id = $1 and t.date between $2 and $3 and c.kind = 'expense' and t.transfer_id is null
  group by c.id, c.name, t.currency order by spent desc`,
    values: [userId, range.from, range.to],
  };
}
