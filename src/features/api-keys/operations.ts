import type { Operations } from '../../http/operation.ts';
import { listApiKeys, createApiKey, deleteApiKey } from './handlers.ts';

export const apiKeysOperations = {
  listApiKeys: { run: listApiKeys, access: 'read' },
  createApiKey: { run: createApiKey, access: 'write' },
  deleteApiKey: { run: deleteApiKey, access: 'write' },
} as const satisfies Operations<'listApiKeys' | 'createApiKey' | 'deleteApiKey'>;
