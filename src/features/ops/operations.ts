import type { Operations } from '../../http/operation.ts';
import { getHealth, getReadiness } from './handlers.ts';

export const opsOperations = {
  getHealth: { run: getHealth, access: 'public' },
  getReadiness: { run: getReadiness, access: 'public' },
} as const satisfies Operations<'getHealth' | 'getReadiness'>;
