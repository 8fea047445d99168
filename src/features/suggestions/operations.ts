import type { Operations } from '../../http/operation.ts';
import { listCategorySuggestions } from './handlers.ts';

export const suggestionsOperations = {
  listCategorySuggestions: { run: listCategorySuggestions, access: 'read' },
} as const satisfies Operations<'listCategorySuggestions'>;
