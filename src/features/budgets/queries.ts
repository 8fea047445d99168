import type { CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { sql } from '../../db/sql.ts';
import { addDays, splitIntoMonths } from '../../calendar.ts';
import { createdAtCursor } from '../../http/pagination.ts';
import type { components } from '../../generated/api.ts';
import { currencyCode } from '../../money/currency.ts';

type BudgetUpdate = components['schemas']['BudgetUpdate'];

export const budgetPeriods = ['weekly', 'monthly', 'yearly'] as const satisfies readonly components['schemas']['BudgetPeriod'][];

/** A budget exactly as the API shows it (columns in the schema's order, so ETags are stable). */
const budgetRow = z.object({
  id: z.string(),
  name: z.string(),
  category_id: z.string().nullable(),
  amount: z.number(),
  currency: currencyCode,
  period: z.enum(budgetPeriods),
  start_date: z.string(),
  rollover: z.boolean(),
  alert_threshold: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Budget = z.infer<typeof budgetRow>;

const budgetColumns = sql.fragment`
  id, name, category_id, amount, currency, period, start_date, rollover, alert_threshold, created_at, updated_at
`;

/** The cursor of the budget lists: the (created_at, id) of the last row shown. */
export const budgetCursor = createdAtCursor;

/** What one budget's status needs summed: its matching rule and the days to sum over. */
export type SpendingWindow = {
  budgetId: string;
  categoryId: string | null;
  currency: string;
  /** The first day of earlier periods to sum (the budget's start_date), or null when nothing carries over. */
  carryFrom: string | null;
  periodStart: string;
  /** The status date: transactions after it are not spent yet. */
  until: string;
};

/** Sums are numeric in PostgreSQL (parsed to safe integers by the pool); outflows are negative, so spent = −sum. */
const budgetSpendingRow = z.object({
  budget_id: z.string(),
  spent_in_period: z.number(),
  spent_before_period: z.number(),
});

/**
 * Each window's sums over its period so far and, when something carries over, the periods before
 * it. A transaction counts when it is the user's, in the budget's currency, not a transfer leg, and
 * categorized in the budget's category or one of its children — or, for an all-spending budget (no
 * category), in any `expense` category. Uncategorized transactions never count. Whole calendar
 * months come from the report aggregates (a rollover budget years old costs a few rows per month,
 * not every transaction); the partial months at the ends from the transactions themselves.
 */
function spendingParts(userId: string, windows: readonly SpendingWindow[]) {
  return windows.flatMap((window) => [
    ...windowSums(userId, window, 'in', { from: window.periodStart, to: window.until }),
    ...(window.carryFrom && window.carryFrom < window.periodStart
      ? windowSums(userId, window, 'before', { from: window.carryFrom, to: addDays(window.periodStart, -1) })
      : []),
  ]);
}

/** The signed sums of one window's matching transactions over `range`, as (budget_id, part, total) rows. */
function windowSums(userId: string, window: SpendingWindow, part: 'in' | 'before', range: { from: string; to: string }) {
  if (range.from > range.to) return [];
  const matching = window.categoryId === null
    ? sql.fragment`c.kind = 'expense'`
    : sql.fragment`(c.id = ${window.categoryId} or c.parent_id = ${window.categoryId})`;
  const { whole, edges } = splitIntoMonths(range);
  return [
    ...(whole
      ? [sql.fragment`
          select ${window.budgetId}::uuid, ${part}, sum(m.total)
          from monthly_category_totals m join categories c on c.id = m.category_id
          where m.user_id = ${userId} and m.currency = ${window.currency} and ${matching}
            and m.month >= ${whole.start}::date and m.month < ${whole.end}::date`]
      : []),
    ...edges.map((edge) => sql.fragment`
          select ${window.budgetId}::uuid, ${part}, sum(t.amount)
          from transactions t join categories c on c.id = t.category_id
          where t.user_id = ${userId} and t.currency = ${window.currency} and t.transfer_id is null and ${matching}
            and t.date between ${edge.from}::date and ${edge.to}::date`),
  ];
}

export type NewBudget = Pick<Budget, 'name' | 'category_id' | 'amount' | 'currency' | 'period' | 'start_date' | 'rollover' | 'alert_threshold'>;

/** The `set` list of a budget update: only the fields the request names. */
function budgetAssignments(changes: BudgetUpdate) {
  return [
    changes.name === undefined ? null : sql.fragment`name = ${changes.name}`,
    changes.category_id === undefined ? null : sql.fragment`category_id = ${changes.category_id}`,
    changes.amount === undefined ? null : sql.fragment`amount = ${changes.amount}`,
    changes.currency === undefined ? null : sql.fragment`currency = ${changes.currency}`,
    changes.period === undefined ? null : sql.fragment`period = ${changes.period}`,
    changes.start_date === undefined ? null : sql.fragment`start_date = ${changes.start_date}::date`,
    changes.rollover === undefined ? null : sql.fragment`rollover = ${changes.rollover}`,
    changes.alert_threshold === undefined ? null : sql.fragment`alert_threshold = ${changes.alert_threshold}`,
  ].filter((assignment) => assignment !== null);
}

/** The caller's budgets, bound once per request to its connection. */
export function budgetQueries(db: CommonQueryMethods, userId: string) {
  return {
    list({ limit, after }: { limit: number; after: z.infer<typeof budgetCursor> | undefined }) {
      return db.any(sql.type(budgetRow)`
        select ${budgetColumns}
        from budgets
        where user_id = ${userId}
          ${after ? sql.fragment`and (created_at, id) > (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql.fragment``}
        order by created_at, id
        limit ${limit + 1}
      `);
    },

    /** One budget; `forUpdate` locks it for a conditional change in the same transaction. */
    find(id: string, options: { forUpdate?: boolean } = {}) {
      return db.maybeOne(sql.type(budgetRow)`
        select ${budgetColumns}
        from budgets
        where user_id = ${userId} and id = ${id}
        ${options.forUpdate ? sql.fragment`for update` : sql.fragment``}
      `);
    },

    insert(budget: NewBudget) {
      return db.one(sql.type(budgetRow)`
        insert into budgets (user_id, name, category_id, amount, currency, period, start_date, rollover, alert_threshold)
        values (${userId}, ${budget.name}, ${budget.category_id}, ${budget.amount}, ${budget.currency}, ${budget.period},
          ${budget.start_date}::date, ${budget.rollover}, ${budget.alert_threshold})
        returning ${budgetColumns}
      `);
    },

    update(id: string, changes: BudgetUpdate) {
      return db.one(sql.type(budgetRow)`
        update budgets set ${sql.join(budgetAssignments(changes), sql.fragment`, `)}
        where user_id = ${userId} and id = ${id}
        returning ${budgetColumns}
      `);
    },

    async delete(id: string): Promise<void> {
      await db.query(sql.typeAlias('void')`delete from budgets where user_id = ${userId} and id = ${id}`);
    },

    /** For each window, in one round trip: spent in the period so far and in the carried-over periods before it. */
    async spendingByBudget(windows: readonly SpendingWindow[]) {
      const parts = spendingParts(userId, windows);
      if (parts.length === 0) return [];
      return db.any(sql.type(budgetSpendingRow)`
        select
          budget_id,
          coalesce(-sum(total) filter (where part = 'in'), 0) as spent_in_period,
          coalesce(-sum(total) filter (where part = 'before'), 0) as spent_before_period
        from (${sql.join(parts, sql.fragment` union all `)}) as sums (budget_id, part, total)
        group by budget_id
      `);
    },
  };
}

export type BudgetQueries = ReturnType<typeof budgetQueries>;
