import type { Operations } from '../../http/operation.ts';
import { getSpendingReport, getCashFlowReport, getTrendsReport } from './handlers.ts';

// Aggregates of the past that may be a moment old: the read replica may answer them (db/read-replica.ts).
export const reportsOperations = {
  getSpendingReport: { run: getSpendingReport, access: 'read', replica: true },
  getCashFlowReport: { run: getCashFlowReport, access: 'read', replica: true },
  getTrendsReport: { run: getTrendsReport, access: 'read', replica: true },
} as const satisfies Operations<'getSpendingReport' | 'getCashFlowReport' | 'getTrendsReport'>;
