import type { Operations } from '../../http/operation.ts';
import { createImport, listImports, getImport } from './handlers.ts';

export const importsOperations = {
  createImport: { run: createImport, access: 'write' },
  listImports: { run: listImports, access: 'read' },
  getImport: { run: getImport, access: 'read' },
} as const satisfies Operations<'createImport' | 'listImports' | 'getImport'>;
