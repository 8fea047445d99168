import type { Operations } from '../../http/operation.ts';
import { dismissAnomaly, getSpendingForecast, listAnomalies, listRecurring } from './handlers.ts';

export const insightsOperations = {
  getSpendingForecast: { run: getSpendingForecast, access: 'read' },
  listAnomalies: { run: listAnomalies, access: 'read' },
  dismissAnomaly: { run: dismissAnomaly, access: 'write' },
  listRecurring: { run: listRecurring, access: 'read' },
} as const satisfies Operations<'getSpendingForecast' | 'listAnomalies' | 'dismissAnomaly' | 'listRecurring'>;
