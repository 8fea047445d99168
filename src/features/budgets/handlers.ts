import { defaultPageLimit } from '../../limits.ts';
import { assertIfMatch, etagOf } from '../../http/etag.ts';
import type { Handler } from '../../http/operation.ts';
import { decodeCursor, page } from '../../http/pagination.ts';
import { problems } from '../../http/problems.ts';
import type { Queries } from '../../queries.ts';
import { addDays } from '../../calendar.ts';
import { expectedSpending } from '../insights/expected-spending.ts';
import { periodContaining } from './periods.ts';
import { budgetCursor, type Budget } from './queries.ts';
import { budgetStatus, carriesOver, type BudgetStatus } from './status.ts';

const notFound = () => problems.notFound('No budget with this id.');

/** A category id must name one of the caller's categories; another user's is as unknown as a made-up one. */
async function assertOwnCategory(q: Queries, categoryId: string | null | undefined) {
  if (categoryId === null || categoryId === undefined) return;
  if (!(await q.categories.find(categoryId))) throw problems.unknownReference('category', '#/category_id');
}

/**
 * The status date: today (UTC) when absent. The contract's `date` format already holds a given
 * one to the ledger's range, so period ends stay four-digit dates and rollover sums stay in range.
 */
function statusDate(date: string | undefined): string {
  return date ?? new Date().toISOString().slice(0, 10);
}

/**
 * The statuses of several budgets at one date: the periods are computed here, every budget's
 * sums come from one query together, and the pure budgetStatus does the rest.
 */
async function statusesAt(q: Queries, budgets: readonly Budget[], date: string): Promise<BudgetStatus[]> {
  const periods = budgets.map((budget) => periodContaining(budget, date));
  const sums = await q.budgets.spendingByBudget(
    budgets.map((budget, index) => ({
      budgetId: budget.id,
      categoryId: budget.category_id,
      currency: budget.currency,
      carryFrom: carriesOver(budget, periods[index]!) ? budget.start_date : null,
      periodStart: periods[index]!.start,
      until: date,
    })),
  );
  const byBudget = new Map(sums.map((row) => [row.budget_id, row]));
  const expected = await expectedSpending(
    q.insights,
    budgets.map((budget, index) => ({ currency: budget.currency, categoryId: budget.category_id, from: addDays(date, 1), to: periods[index]!.end })),
  );
  return budgets.map((budget, index) =>
    budgetStatus({
      budget,
      date,
      period: periods[index]!,
      spentInPeriod: byBudget.get(budget.id)?.spent_in_period ?? 0,
      spentBeforePeriod: byBudget.get(budget.id)?.spent_before_period ?? 0,
      expectedRest: expected[index] ?? null,
    }),
  );
}

export const listBudgets: Handler<'listBudgets'> = async ({ q, query }) => {
  const limit = query.limit ?? defaultPageLimit;
  const rows = await q.budgets.list({ limit, after: decodeCursor(query.cursor, budgetCursor) });
  return { status: 200, body: page(rows, limit, (row) => [row.created_at, row.id], (row) => row) };
};

export const createBudget: Handler<'createBudget'> = async ({ q, body }) => {
  await assertOwnCategory(q, body.category_id);
  const budget = await q.budgets.insert({
    name: body.name.trim(),
    category_id: body.category_id ?? null,
    amount: body.amount,
    currency: body.currency ?? (await q.me.find()).default_currency,
    period: body.period,
    start_date: body.start_date,
    rollover: body.rollover ?? false,
    alert_threshold: body.alert_threshold ?? 0.8,
  });
  return {
    status: 201,
    body: budget,
    headers: { Location: `/v1/budgets/${budget.id}`, ETag: etagOf(budget) },
  };
};

export const getBudget: Handler<'getBudget'> = async ({ q, path }) => {
  const budget = await q.budgets.find(path.id);
  if (!budget) throw notFound();
  return { status: 200, body: budget, headers: { ETag: etagOf(budget) } };
};

export const updateBudget: Handler<'updateBudget'> = async ({ q, path, headers, body }) => {
  const current = await q.budgets.find(path.id, { forUpdate: true });
  if (!current) throw notFound();
  assertIfMatch(headers['if-match'], current);
  await assertOwnCategory(q, body.category_id);
  const budget = await q.budgets.update(path.id, {
    ...body,
    ...(body.name === undefined ? {} : { name: body.name.trim() }),
  });
  return { status: 200, body: budget, headers: { ETag: etagOf(budget) } };
};

export const deleteBudget: Handler<'deleteBudget'> = async ({ q, path, headers }) => {
  const current = await q.budgets.find(path.id, { forUpdate: true });
  if (!current) throw notFound();
  assertIfMatch(headers['if-match'], current);
  await q.budgets.delete(path.id);
  return { status: 204, body: undefined };
};

export const getBudgetStatus: Handler<'getBudgetStatus'> = async ({ q, path, query }) => {
  const date = statusDate(query.date);
  const budget = await q.budgets.find(path.id);
  if (!budget) throw notFound();
  const [status] = await statusesAt(q, [budget], date);
  return { status: 200, body: status! };
};

export const listBudgetStatuses: Handler<'listBudgetStatuses'> = async ({ q, query }) => {
  const date = statusDate(query.date);
  const limit = query.limit ?? defaultPageLimit;
  const budgets = await q.budgets.list({ limit, after: decodeCursor(query.cursor, budgetCursor) });
  const visible = budgets.slice(0, limit);
  const statuses = new Map((await statusesAt(q, visible, date)).map((status) => [status.budget_id, status]));
  return { status: 200, body: page(budgets, limit, (row) => [row.created_at, row.id], (row) => statuses.get(row.id)!) };
};
