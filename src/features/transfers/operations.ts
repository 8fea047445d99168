import type { Operations } from '../../http/operation.ts';
import { createTransfer, getTransfer, deleteTransfer } from './handlers.ts';

export const transfersOperations = {
  createTransfer: { run: createTransfer, access: 'write' },
  getTransfer: { run: getTransfer, access: 'read' },
  deleteTransfer: { run: deleteTransfer, access: 'write' },
} as const satisfies Operations<'createTransfer' | 'getTransfer' | 'deleteTransfer'>;
