import * as accounts from '../features/accounts/handlers.ts';
import * as auth from '../features/auth/handlers.ts';
import * as ops from '../features/ops/handlers.ts';
import type { HandlerMap } from './operation.ts';

/** Operations with `security: []` in the spec; checked against it at start-up. */
export const publicOperations = ['getHealth', 'getReadiness', 'registerUser', 'createToken'] as const;

/** operationId → handler. `satisfies` makes a spec operation without a handler a compile error. */
export const handlers = {
  getHealth: ops.getHealth,
  getReadiness: ops.getReadiness,
  registerUser: auth.registerUser,
  createToken: auth.createToken,
  listAccounts: accounts.listAccountsHandler,
  createAccount: accounts.createAccountHandler,
  getAccount: accounts.getAccountHandler,
  updateAccount: accounts.updateAccountHandler,
  deleteAccount: accounts.deleteAccountHandler,
} satisfies HandlerMap;
