import type { CommonQueryMethods } from 'slonik';
import { reportQueries } from './features/reports/queries.ts';
import { transactionQueries } from './features/transactions/queries.ts';
import { transferQueries } from './features/transfers/queries.ts';

/**
 * Every feature's queries, bound once per request to the request's connection and caller, so no
 * handler threads `(db, userId)` by hand. The SQL still filters on `user_id` under row-level
 * security. Each feature's factory lives in its own `queries.ts`.
 */
export function queriesFor(db: CommonQueryMethods, userId: string) {
  return {
    reports: reportQueries(db, userId),
    transactions: transactionQueries(db, userId),
    transfers: transferQueries(db, userId),
  };
}

export type Queries = ReturnType<typeof queriesFor>;
