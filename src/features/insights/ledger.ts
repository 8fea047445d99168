import { merchantKey } from '../merchants/clean.ts';
import type { InsightCategory, LedgerTuple } from './queries.ts';
import type { LedgerEntry } from './types.ts';

/**
 * The ledger's tuples as entries the models read, each with its category's kind. A row written
 * with a merchant but no key (by an owner's bulk load, say) is keyed from its merchant, as a
 * write through the API would have been.
 */
export function ledgerEntries(tuples: readonly LedgerTuple[], categories: readonly InsightCategory[]): LedgerEntry[] {
  const kindOf = new Map(categories.map((category) => [category.id, category.kind]));
  const keys = new Map<string, string>();
  return tuples.map(([id, date, amount, currency, merchant, storedKey, categoryId]) => {
    let key = storedKey;
    if (key === null && merchant !== null) {
      key = keys.get(merchant) ?? merchantKey(merchant);
      keys.set(merchant, key);
    }
    const categoryKind = categoryId === null ? null : (kindOf.get(categoryId) ?? null);
    return { id, date, amount, currency, merchant, merchantKey: key, categoryId, categoryKind };
  });
}
