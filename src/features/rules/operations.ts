import type { Operations } from '../../http/operation.ts';
import { applyRule, createRule, deleteRule, getRule, listRules, updateRule } from './handlers.ts';

export const rulesOperations = {
  listRules: { run: listRules, access: 'read' },
  createRule: { run: createRule, access: 'write' },
  getRule: { run: getRule, access: 'read' },
  updateRule: { run: updateRule, access: 'write' },
  deleteRule: { run: deleteRule, access: 'write' },
  applyRule: { run: applyRule, access: 'write' },
} as const satisfies Operations<'listRules' | 'createRule' | 'getRule' | 'updateRule' | 'deleteRule' | 'applyRule'>;
