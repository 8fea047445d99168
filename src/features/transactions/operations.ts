import type { Operations } from '../../http/operation.ts';
import { listTransactions, createTransaction, createTransactionBatch, getTransaction, updateTransaction, deleteTransaction } from './handlers.ts';
import { exportTransactions } from './export.ts';

/**
 * createTransaction is one INSERT that puts in its row or nothing (after the reads that enrich
 * it; a category it is filed under is learnt in the same statement), so without an
 * Idempotency-Key it skips BEGIN/COMMIT. Not the batch: its INSERT leaves out the rows that name
 * someone else's account, and the 422 that follows must roll back the rest.
 */
export const transactionsOperations = {
  listTransactions: { run: listTransactions, access: 'read' },
  createTransaction: { run: createTransaction, access: 'write', singleStatement: () => true },
  createTransactionBatch: { run: createTransactionBatch, access: 'write' },
  getTransaction: { run: getTransaction, access: 'read' },
  updateTransaction: { run: updateTransaction, access: 'write' },
  deleteTransaction: { run: deleteTransaction, access: 'write' },
  exportTransactions: { run: exportTransactions, access: 'read' },
} as const satisfies Operations<'listTransactions' | 'createTransaction' | 'createTransactionBatch' | 'getTransaction' | 'updateTransaction' | 'deleteTransaction' | 'exportTransactions'>;
