import type { Operations } from '../../http/operation.ts';
import { dismissAnomaly, getSpendingForecast, listAnomalies, listRecurring } from './handlers.ts';

// The reads may come from the read replica (db/read-replica.ts): what they cache is keyed by the
// ledger revision read on the same connection, before the history, so a lagging replica's answer
// is stored under its own older revision, never under the primary's newer one.
export const insightsOperations = {
  getSpendingForecast: { run: getSpendingForecast, access: 'read', replica: true },
  listAnomalies: { run: listAnomalies, access: 'read', replica: true },
  dismissAnomaly: { run: dismissAnomaly, access: 'write' },
  listRecurring: { run: listRecurring, access: 'read', replica: true },
} as const satisfies Operations<'getSpendingForecast' | 'listAnomalies' | 'dismissAnomaly' | 'listRecurring'>;
