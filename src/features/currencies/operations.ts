import type { Operations } from '../../http/operation.ts';
import { listCurrencies } from './handlers.ts';

export const currenciesOperations = {
  listCurrencies: { run: listCurrencies, access: 'public' },
} as const satisfies Operations<'listCurrencies'>;
