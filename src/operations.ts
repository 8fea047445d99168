import { accountsOperations } from './features/accounts/operations.ts';
import { apiKeysOperations } from './features/api-keys/operations.ts';
import { authOperations } from './features/auth/operations.ts';
import { budgetsOperations } from './features/budgets/operations.ts';
import { categoriesOperations } from './features/categories/operations.ts';
import { currenciesOperations } from './features/currencies/operations.ts';
import { insightsOperations } from './features/insights/operations.ts';
import { importsOperations } from './features/imports/operations.ts';
import { meOperations } from './features/me/operations.ts';
import { opsOperations } from './features/ops/operations.ts';
import { reportsOperations } from './features/reports/operations.ts';
import { rulesOperations } from './features/rules/operations.ts';
import { suggestionsOperations } from './features/suggestions/operations.ts';
import { transactionsOperations } from './features/transactions/operations.ts';
import { transfersOperations } from './features/transfers/operations.ts';
import type { OperationId, Operations } from './http/operation.ts';

/**
 * The composition root: every feature's operation table, merged. `satisfies` makes a spec
 * operation without an entry a compile error; the dispatcher checks each entry's access against
 * the contract at start-up.
 */
export const operations = {
  ...opsOperations,
  ...authOperations,
  ...meOperations,
  ...apiKeysOperations,
  ...currenciesOperations,
  ...accountsOperations,
  ...categoriesOperations,
  ...transactionsOperations,
  ...transfersOperations,
  ...budgetsOperations,
  ...reportsOperations,
  ...rulesOperations,
  ...suggestionsOperations,
  ...importsOperations,
  ...insightsOperations,
} satisfies Operations<OperationId>;
