import type { Transaction } from '../transactions/queries.ts';
import type { CompiledRule } from './engine.ts';
import type { RetroChange } from './queries.ts';

const maxTags = 20;

/**
 * What re-running a rule does to one existing transaction, or undefined when it does not match or
 * changes nothing (so a second run is a no-op). A category the user set is kept; the merchant is
 * replaced (the rule names it); notes are only filled in when empty; tags are added.
 */
export function retroChange(rule: CompiledRule, row: Transaction): RetroChange | 'unchanged' | undefined {
  if (!rule.test({ description: row.description, merchant: row.merchant, amount: row.amount, accountId: row.account_id })) return undefined;
  const { set_category: category, set_merchant: merchant, set_notes: notes, add_tags: addTags = [] } = rule.actions;
  const change: RetroChange = {
    id: row.id,
    categoryId: category && row.categorized_by !== 'user' && (row.category_id !== category || row.categorized_by !== 'rule') ? category : null,
    merchant: merchant && row.merchant !== merchant ? merchant : null,
    notes: notes && !row.notes ? notes : null,
    tags: [...new Set([...row.tags, ...addTags])].slice(0, Math.max(maxTags, row.tags.length)),
  };
  const changesTags = change.tags.length !== row.tags.length;
  return change.categoryId || change.merchant || change.notes || changesTags ? change : 'unchanged';
}

/** The transaction as the change would leave it: what a dry run shows. */
export function afterChange(row: Transaction, change: RetroChange, ruleId: string): Transaction {
  return {
    ...row,
    ...(change.categoryId ? { category_id: change.categoryId, categorized_by: 'rule' as const, rule_id: ruleId } : {}),
    ...(change.merchant ? { merchant: change.merchant } : {}),
    ...(change.notes ? { notes: change.notes } : {}),
    tags: change.tags,
  };
}
