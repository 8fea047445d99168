import type { Operations } from '../../http/operation.ts';
import { registerUser, createToken } from './handlers.ts';

export const authOperations = {
  registerUser: { run: registerUser, access: 'public' },
  createToken: { run: createToken, access: 'public' },
} as const satisfies Operations<'registerUser' | 'createToken'>;
