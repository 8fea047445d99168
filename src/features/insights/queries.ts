import type { CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { sql } from '../../db/sql.ts';
import { currencyCode } from '../../money/currency.ts';
import type { AnomalyKind } from './types.ts';

/** One transaction as the ledger read sends it: id, date, amount, currency, merchant, merchant key, category. */
export type LedgerTuple = [string, string, number, string, string | null, string | null, string | null];

/**
 * The user's whole non-transfer history as one JSON text, oldest first. A heavy user's 100,000
 * transactions are one value to parse (~40 ms), not 100,000 rows or seven arrays to validate
 * (measured 2–3× slower); the tuples come from this statement's own typed columns. Read in the
 * (user, date, id) index's order, backwards in JS: no sort of 100,000 rows in the database.
 */
const ledgerText = z.object({ ledger: z.string() });


const ledgerStateRow = z.object({ revision: z.number(), default_currency: currencyCode });
export type LedgerState = z.infer<typeof ledgerStateRow>;

const categoryRow = z.object({
  id: z.string(),
  name: z.string(),
  parent_id: z.string().nullable(),
  kind: z.enum(['expense', 'income', 'transfer']),
});
export type InsightCategory = z.infer<typeof categoryRow>;

const monthlySpendingRow = z.object({ category_id: z.string(), month: z.string(), total: z.number() });
export type MonthlySpending = z.infer<typeof monthlySpendingRow>;

const scopedSpendingRow = z.object({ scope: z.string(), month: z.string(), total: z.number() });
export type ScopedSpending = z.infer<typeof scopedSpendingRow>;

const dismissalRow = z.object({
  transaction_id: z.string(),
  kind: z.enum(['spike', 'duplicate', 'new_merchant', 'price_increase', 'card_testing']).nullable(),
  merchant: z.string().nullable(),
  merchant_key: z.string().nullable(),
  amount: z.number(),
  currency: currencyCode,
  dismissed_at: z.string(),
});
export type Dismissal = z.infer<typeof dismissalRow>;

const dismissalColumns = sql.fragment`
  transaction_id, kind, merchant, merchant_key, amount, currency,
  to_char(dismissed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as dismissed_at
`;

/** What the insights read, bound to one request's connection and caller. */
export function insightQueries(db: CommonQueryMethods, userId: string) {
  return {
    /** Where the user's ledger stands (migration 0015), what cached insights are keyed by, and their default currency. */
    ledgerState(): Promise<LedgerState> {
      return db.one(sql.type(ledgerStateRow)`
        select
          coalesce((select revision from ledger_revisions where user_id = ${userId}), 0)::bigint as revision,
          (select default_currency from users where id = ${userId})::text as default_currency
      `);
    },

    async ledger(): Promise<LedgerTuple[]> {
      const text = await db.oneFirst(sql.type(ledgerText)`
        select coalesce(json_agg(json_build_array(id, date, amount, currency, merchant, merchant_key, category_id))::text, '[]') as ledger
        from (
          select id, date, amount, currency, merchant, merchant_key, category_id
          from transactions
          where user_id = ${userId} and transfer_id is null
          order by user_id desc, date desc, id desc
        ) as newest_first
      `);
      return (JSON.parse(text) as LedgerTuple[]).reverse();
    },

    categories(): Promise<readonly InsightCategory[]> {
      return db.any(sql.type(categoryRow)`
        select id, name, parent_id, kind from categories where user_id = ${userId}
      `);
    },

    /** Spending per expense category and month before `beforeMonth` (YYYY-MM-01), from the monthly aggregates. */
    monthlySpending(currency: string, beforeMonth: string): Promise<readonly MonthlySpending[]> {
      return db.any(sql.type(monthlySpendingRow)`
        select p.category_id, to_char(p.month, 'YYYY-MM') as month, (-sum(p.total))::bigint as total
        from monthly_category_totals p
        where p.user_id = ${userId} and p.currency = ${currency} and p.month < ${beforeMonth}::date
          and p.category_id = any(array(select id from categories where user_id = ${userId} and kind = 'expense'))
        group by p.category_id, p.month
        having sum(p.count) > 0
      `);
    },

    /**
     * Spending per month before `beforeMonth` on each scope: a category id (with its children when
     * it is a group), or '' for all expense categories. Summed in the database: a few dozen rows
     * per scope, not one per category and month.
     */
    monthlySpendingOn(currency: string, beforeMonth: string, scopes: readonly string[]): Promise<readonly ScopedSpending[]> {
      return db.any(sql.type(scopedSpendingRow)`
        with members as (
          select scope, c.id
          from (select distinct unnest(${sql.array(scopes, 'text')}) as scope) s
          join categories c on c.user_id = ${userId} and c.kind = 'expense'
            and (s.scope = '' or c.id::text = s.scope or c.parent_id::text = s.scope)
        )
        select m.scope, to_char(p.month, 'YYYY-MM') as month, (-sum(p.total))::bigint as total
        from members m
        join monthly_category_totals p on p.user_id = ${userId} and p.currency = ${currency} and p.category_id = m.id
        where p.month < ${beforeMonth}::date
        group by m.scope, p.month
        having sum(p.count) > 0
      `);
    },

    dismissals(): Promise<readonly Dismissal[]> {
      return db.any(sql.type(dismissalRow)`select ${dismissalColumns} from anomaly_dismissals where user_id = ${userId}`);
    },

    /**
     * Marks one of the caller's transactions as expected (as it is now: merchant, amount, what it
     * was flagged as); a second dismissal keeps the first. Null when no such transaction is theirs.
     */
    async dismiss(transactionId: string, kind: AnomalyKind | null): Promise<Dismissal | null> {
      return db.maybeOne(sql.type(dismissalRow)`
        with dismissed as (
          insert into anomaly_dismissals (user_id, transaction_id, kind, merchant, merchant_key, amount, currency)
          select user_id, id, ${kind}, merchant, merchant_key, amount, currency
          from transactions where user_id = ${userId} and id = ${transactionId}
          on conflict (user_id, transaction_id) do nothing
          returning *
        )
        select ${dismissalColumns} from dismissed
        union all
        select ${dismissalColumns} from anomaly_dismissals where user_id = ${userId} and transaction_id = ${transactionId}
        limit 1
      `);
    },
  };
}

export type InsightQueries = ReturnType<typeof insightQueries>;
