import type { Operations } from '../../http/operation.ts';
import { listBudgets, createBudget, getBudget, updateBudget, deleteBudget, getBudgetStatus, listBudgetStatuses } from './handlers.ts';

export const budgetsOperations = {
  listBudgets: { run: listBudgets, access: 'read' },
  createBudget: { run: createBudget, access: 'write' },
  getBudget: { run: getBudget, access: 'read' },
  updateBudget: { run: updateBudget, access: 'write' },
  deleteBudget: { run: deleteBudget, access: 'write' },
  getBudgetStatus: { run: getBudgetStatus, access: 'read' },
  listBudgetStatuses: { run: listBudgetStatuses, access: 'read' },
} as const satisfies Operations<'listBudgets' | 'createBudget' | 'getBudget' | 'updateBudget' | 'deleteBudget' | 'getBudgetStatus' | 'listBudgetStatuses'>;
