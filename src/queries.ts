import type { CommonQueryMethods } from 'slonik';
import { accountQueries } from './features/accounts/queries.ts';
import { apiKeyQueries } from './features/api-keys/queries.ts';
import { budgetQueries } from './features/budgets/queries.ts';
import { categoryQueries } from './features/categories/queries.ts';
import { enrichmentQueries } from './features/enrichment/queries.ts';
import { insightQueries } from './features/insights/queries.ts';
import { importQueries } from './features/imports/queries.ts';
import { meQueries } from './features/me/queries.ts';
import { reportQueries } from './features/reports/queries.ts';
import { ruleHistoryQueries, ruleQueries } from './features/rules/queries.ts';
import { transactionExportQueries } from './features/transactions/export-queries.ts';
import { transactionQueries } from './features/transactions/queries.ts';
import { transferQueries } from './features/transfers/queries.ts';

/**
 * Every feature's queries, bound once per request to the request's connection and caller, so no
 * handler threads `(db, userId)` by hand. The SQL still filters on `user_id` under row-level
 * security. Each feature's factory lives in its own `queries.ts`.
 */
export function queriesFor(db: CommonQueryMethods, userId: string) {
  return {
    accounts: accountQueries(db, userId),
    apiKeys: apiKeyQueries(db, userId),
    budgets: budgetQueries(db, userId),
    categories: categoryQueries(db, userId),
    enrichment: enrichmentQueries(db, userId),
    imports: importQueries(db, userId),
    insights: insightQueries(db, userId),
    me: meQueries(db, userId),
    reports: reportQueries(db, userId),
    rules: ruleQueries(db, userId),
    ruleHistory: ruleHistoryQueries(db, userId),
    transactionExport: transactionExportQueries(db, userId),
    transactions: transactionQueries(db, userId),
    transfers: transferQueries(db, userId),
  };
}

export type Queries = ReturnType<typeof queriesFor>;
