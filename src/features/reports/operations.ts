import type { Operations } from '../../http/operation.ts';
import { getSpendingReport, getCashFlowReport, getTrendsReport } from './handlers.ts';

export const reportsOperations = {
  getSpendingReport: { run: getSpendingReport, access: 'read' },
  getCashFlowReport: { run: getCashFlowReport, access: 'read' },
  getTrendsReport: { run: getTrendsReport, access: 'read' },
} as const satisfies Operations<'getSpendingReport' | 'getCashFlowReport' | 'getTrendsReport'>;
