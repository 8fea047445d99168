// Ledger entries for the insight models' unit tests, written as short lines.
import type { LedgerEntry } from '../../src/features/insights/types.ts';

/** One charge or payment: `key` is the merchant key (null: no merchant); category defaults to one per merchant. */
export type Line = { date: string; amount: number; key: string | null; currency?: string; category?: string | null };

/** Ledger entries as the models are handed them: sorted by date, then id. */
export function ledger(lines: readonly Line[]): LedgerEntry[] {
  return [...lines]
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
    .map((line, index) => ({
      id: `t${String(index).padStart(5, '0')}`,
      date: line.date,
      amount: line.amount,
      currency: line.currency ?? 'USD',
      merchant: line.key === null ? null : line.key.toUpperCase(),
      merchantKey: line.key,
      categoryId: line.category === undefined ? `cat-${line.key}` : line.category,
      categoryKind: line.amount < 0 ? 'expense' : 'income',
    }));
}
