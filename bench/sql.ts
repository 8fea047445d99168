// SQL shared by the floor and the query plans: the API's list, get and create (as in
// src/features/transactions/queries.ts) and the naive spending report.

export const transactionColumns = `id, account_id, date, amount, currency, description, merchant, category_id,
  categorized_by, notes, tags, external_id, status, transfer_id, created_at, updated_at`;

export const listFirstPageSql = `select ${transactionColumns} from transactions
  where user_id = $1 order by date desc, id desc limit 51`;

export const listAfterCursorSql = `select ${transactionColumns} from transactions
  where user_id = $1 and (date, id) < ($2::date, $3::uuid) order by date desc, id desc limit 51`;

export const getByIdSql = `select ${transactionColumns} from transactions where user_id = $1 and id = $2`;

export const createSql = `insert into transactions (user_id, account_id, currency, date, amount, description, merchant,
    category_id, categorized_by) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning ${transactionColumns}`;

/** Spending by category straight over the transactions table: what a report costs without aggregates. */
export const naiveSpendingSql = `select c.id as category_id, c.name, t.currency, -sum(t.amount) as spent, count(*) as transactions
  from transactions t join categories c on c.id = t.category_id and c.user_id = t.user_id
  where t.user_id = $1 and t.date between $2 and $3 and c.kind = 'expense' and t.transfer_id is null
  group by c.id, c.name, t.currency order by spent desc`;

/** The spending report's read of whole months (src/features/reports/queries.ts, categoryTotals + totalsPerCategory). */
export const reportWholeMonthsSql = `select category_id, sum(total) as total, sum(count) as count from monthly_category_totals
  where user_id = $1 and currency = 'USD' and month >= $2::date and month < $3::date group by category_id`;

/** The spending report's read of one partial month at an edge of the range, from the transactions. */
export const reportEdgeSql = `select category_id, account_id, sum(amount), count(*)::int from transactions
  where user_id = $1 and date between $2::date and $3::date and currency = 'USD' and transfer_id is null
  group by 1, 2`;

/** The merchant report's read of whole months (src/features/reports/queries.ts, merchantTotals), summed before the join. */
export const reportMerchantMonthsSql = `select category_id, merchant, sum(total) as total, sum(count) as count from monthly_merchant_totals
  where user_id = $1 and currency = 'USD' and month >= $2::date and month < $3::date group by category_id, merchant`;
