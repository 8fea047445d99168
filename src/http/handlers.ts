import * as accounts from '../features/accounts/handlers.ts';
import * as apiKeys from '../features/api-keys/handlers.ts';
import * as auth from '../features/auth/handlers.ts';
import * as budgets from '../features/budgets/handlers.ts';
import * as categories from '../features/categories/handlers.ts';
import * as imports from '../features/imports/handlers.ts';
import * as me from '../features/me/handlers.ts';
import * as ops from '../features/ops/handlers.ts';
import * as reports from '../features/reports/handlers.ts';
import * as transactions from '../features/transactions/handlers.ts';
import * as transfers from '../features/transfers/handlers.ts';
import type { IncomingHttpHeaders } from 'node:http';
import type { HandlerMap, OperationId } from './operation.ts';

/** Operations with `security: []` in the spec; checked against it at start-up. */
export const publicOperations = ['getHealth', 'getReadiness', 'registerUser', 'createToken'] as const;

/**
 * Changes that are one SQL statement which makes all of its change or none, when the predicate
 * holds: they skip BEGIN and COMMIT (db/user-scope.ts, writeOnceAsUser). Creating one transaction
 * is one INSERT that inserts its row or nothing. Not the batch: its INSERT leaves out the rows
 * that name someone else's account, and the 422 must then roll back the rest. Nor a create with
 * an Idempotency-Key, which also stores the key: a second change, so a transaction.
 */
const withoutIdempotencyKey = (headers: IncomingHttpHeaders) => headers['idempotency-key'] === undefined;
export const singleStatementChanges: { readonly [Op in OperationId]?: (headers: IncomingHttpHeaders) => boolean } = {
  createTransaction: withoutIdempotencyKey,
};

/** operationId → handler. `satisfies` makes a spec operation without a handler a compile error. */
export const handlers = {
  getHealth: ops.getHealth,
  getReadiness: ops.getReadiness,
  registerUser: auth.registerUser,
  createToken: auth.createToken,
  getMe: me.getMe,
  updateMe: me.updateMe,
  deleteMe: me.deleteMe,
  listApiKeys: apiKeys.listApiKeys,
  createApiKey: apiKeys.createApiKey,
  deleteApiKey: apiKeys.deleteApiKey,
  listAccounts: accounts.listAccountsHandler,
  createAccount: accounts.createAccountHandler,
  getAccount: accounts.getAccountHandler,
  updateAccount: accounts.updateAccountHandler,
  deleteAccount: accounts.deleteAccountHandler,
  listCategories: categories.listCategories,
  createCategory: categories.createCategory,
  getCategory: categories.getCategory,
  updateCategory: categories.updateCategory,
  deleteCategory: categories.deleteCategory,
  listTransactions: transactions.listTransactions,
  createTransaction: transactions.createTransaction,
  createTransactionBatch: transactions.createTransactionBatch,
  getTransaction: transactions.getTransaction,
  updateTransaction: transactions.updateTransaction,
  deleteTransaction: transactions.deleteTransaction,
  createTransfer: transfers.createTransfer,
  getTransfer: transfers.getTransfer,
  deleteTransfer: transfers.deleteTransfer,
  listBudgets: budgets.listBudgets,
  createBudget: budgets.createBudget,
  getBudget: budgets.getBudget,
  updateBudget: budgets.updateBudget,
  deleteBudget: budgets.deleteBudget,
  getBudgetStatus: budgets.getBudgetStatus,
  listBudgetStatuses: budgets.listBudgetStatuses,
  getSpendingReport: reports.getSpendingReport,
  getCashFlowReport: reports.getCashFlowReport,
  getTrendsReport: reports.getTrendsReport,
  createImport: imports.createImport,
  listImports: imports.listImports,
  getImport: imports.getImport,
  exportTransactions: imports.exportTransactions,
} satisfies HandlerMap;
