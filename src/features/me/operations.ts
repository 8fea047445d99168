import type { Operations } from '../../http/operation.ts';
import { getMe, updateMe, deleteMe } from './handlers.ts';

export const meOperations = {
  getMe: { run: getMe, access: 'read' },
  updateMe: { run: updateMe, access: 'write' },
  deleteMe: { run: deleteMe, access: 'write' },
} as const satisfies Operations<'getMe' | 'updateMe' | 'deleteMe'>;
