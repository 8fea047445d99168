// EXPLAIN (ANALYZE, BUFFERS) of the hot queries for the heavy user, run as the owner (so without
// the row-level-security filter the API's role adds) after the load, on a warm cache. The API's
// statements come from its query modules (bench/sql.ts), so a plan is the plan of what it sends.
// Add a query here and the next `npm run bench` pastes its plan into BENCHMARKS.md.
import type pg from 'pg';
import { getById, listAfterCursor, listFirstPage, naiveSpending, spendingReport, type PgStatement } from './sql.ts';

export type PlanContext = {
  heavyUserId: string;
  transactionId: string;
  /** The keyset (date, id) the deep page starts after. */
  deepCursor: [string, string];
  from: string;
  to: string;
};

export type PlanQuery = { title: string; statement: PgStatement };

export function hotQueries(c: PlanContext): PlanQuery[] {
  const range = { from: c.from, to: c.to };
  return [
    { title: 'List, first page (heavy user)', statement: listFirstPage(c.heavyUserId) },
    { title: 'List, deep cursor page (heavy user)', statement: listAfterCursor(c.heavyUserId, c.deepCursor) },
    { title: 'Get by id (heavy user)', statement: getById(c.heavyUserId, c.transactionId) },
    { title: 'Naive spending by category over the transactions table (heavy user, whole range)', statement: naiveSpending(c.heavyUserId, range) },
    { title: 'Spending report by category, arbitrary days (heavy user): whole months from the aggregate, partial months from the transactions',
      statement: spendingReport(c.heavyUserId, 'category', range) },
    { title: 'Spending report by merchant, arbitrary days (heavy user): whole months from the merchant aggregate, partial months from the transactions',
      statement: spendingReport(c.heavyUserId, 'merchant', range) },
  ];
}

/** A statement as a reader wants it in BENCHMARKS.md: without the blank lines and indentation its fragments left. */
export function readable(text: string): string {
  return text.split('\n').map((line) => line.trim()).filter((line) => line !== '').join('\n');
}

export async function explainAll(owner: pg.Client, queries: PlanQuery[]): Promise<{ title: string; sql: string; plan: string }[]> {
  const plans = [];
  for (const { title, statement } of queries) {
    const { rows } = await owner.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${statement.text}`, statement.values);
    plans.push({ title, sql: readable(statement.text), plan: rows.map((row) => row['QUERY PLAN']).join('\n') });
  }
  return plans;
}
