import type { Operations } from '../../http/operation.ts';
import { listAccounts, createAccount, getAccount, updateAccount, deleteAccount } from './handlers.ts';

export const accountsOperations = {
  listAccounts: { run: listAccounts, access: 'read' },
  createAccount: { run: createAccount, access: 'write' },
  getAccount: { run: getAccount, access: 'read' },
  updateAccount: { run: updateAccount, access: 'write' },
  deleteAccount: { run: deleteAccount, access: 'write' },
} as const satisfies Operations<'listAccounts' | 'createAccount' | 'getAccount' | 'updateAccount' | 'deleteAccount'>;
