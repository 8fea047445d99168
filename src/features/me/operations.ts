import type { Operations } from '../../http/operation.ts';
import { getMe, updateMe, deleteMe, signOut } from './handlers.ts';

export const meOperations = {
  getMe: { run: getMe, access: 'read' },
  updateMe: { run: updateMe, access: 'write' },
  deleteMe: { run: deleteMe, access: 'write' },
  signOut: { run: signOut, access: 'write' },
} as const satisfies Operations<'getMe' | 'updateMe' | 'deleteMe' | 'signOut'>;
