import type { CommonQueryMethods } from 'slonik';
import { importQueries } from './features/imports/queries.ts';
import { transactionExportQueries } from './features/transactions/export-queries.ts';

/**
 * Every feature's queries, bound once per request to the request's connection and caller, so no
 * handler threads `(db, userId)` by hand. The SQL still filters on `user_id` under row-level
 * security. Each feature's factory lives in its own `queries.ts`.
 */
export function queriesFor(db: CommonQueryMethods, userId: string) {
  return {
    imports: importQueries(db, userId),
    transactionExport: transactionExportQueries(db, userId),
  };
}

export type Queries = ReturnType<typeof queriesFor>;
