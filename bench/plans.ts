// EXPLAIN (ANALYZE, BUFFERS) of the hot queries for the heavy user, run as the owner (so without
// the row-level-security filter the API's role adds) after the load, on a warm cache.
// Add a query here and the next `npm run bench` pastes its plan into BENCHMARKS.md.
import type pg from 'pg';
import { addMonths, firstOfMonth } from '../src/calendar.ts';
import { getByIdSql, listAfterCursorSql, listFirstPageSql, naiveSpendingSql, reportEdgeSql, reportMerchantMonthsSql, reportWholeMonthsSql } from './sql.ts';

export type PlanContext = {
  heavyUserId: string;
  transactionId: string;
  /** The keyset (date, id) the deep page starts after. */
  deepCursor: [string, string];
  from: string;
  to: string;
};

export type PlanQuery = { title: string; sql: string; params: unknown[] };

export function hotQueries(c: PlanContext): PlanQuery[] {
  const firstWholeMonth = firstOfMonth(c.from) === c.from ? c.from : `${addMonths(c.from.slice(0, 7), 1)}-01`;
  const thisMonth = firstOfMonth(c.to);
  return [
    { title: 'List, first page (heavy user)', sql: listFirstPageSql, params: [c.heavyUserId] },
    { title: 'List, deep cursor page (heavy user)', sql: listAfterCursorSql, params: [c.heavyUserId, ...c.deepCursor] },
    { title: 'Get by id (heavy user)', sql: getByIdSql, params: [c.heavyUserId, c.transactionId] },
    { title: 'Naive spending by category over the transactions table (heavy user, whole range)', sql: naiveSpendingSql,
      params: [c.heavyUserId, c.from, c.to] },
    { title: 'Spending report: whole months from the aggregate (heavy user, index-only)', sql: reportWholeMonthsSql,
      params: [c.heavyUserId, firstWholeMonth, thisMonth] },
    { title: 'Spending report: the partial month at the end of the range (heavy user, index-only)', sql: reportEdgeSql,
      params: [c.heavyUserId, thisMonth, c.to] },
    { title: 'Spending by merchant: whole months from the merchant aggregate (heavy user, index-only)', sql: reportMerchantMonthsSql,
      params: [c.heavyUserId, firstWholeMonth, thisMonth] },
  ];
}

export async function explainAll(owner: pg.Client, queries: PlanQuery[]): Promise<{ title: string; sql: string; plan: string }[]> {
  const plans = [];
  for (const query of queries) {
    const { rows } = await owner.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${query.sql}`, query.params);
    plans.push({ title: query.title, sql: query.sql, plan: rows.map((row) => row['QUERY PLAN']).join('\n') });
  }
  return plans;
}
