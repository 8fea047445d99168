import { HybridCategorizer, type CategorizerContext, type CategorizerState } from '../categorization/categorizer.ts';
import { shippedPrior } from '../categorization/shipped-prior.ts';
import type { DefaultCategoryPath } from '../merchants/types.ts';

/** A category as the categorizer needs to know it: where it sits in the taxonomy. */
export type CategoryPlace = { id: string; name: string; parent: string | null; archived: boolean };

/** The user's taxonomy as the categorizer sees it: each default path they have, and what may be suggested. */
export function categorizerContext(categories: readonly CategoryPlace[]): CategorizerContext {
  const categoryIdsByPath = new Map<DefaultCategoryPath, string>();
  const activeCategoryIds = new Set<string>();
  for (const category of categories) {
    if (category.archived) continue;
    activeCategoryIds.add(category.id);
    categoryIdsByPath.set((category.parent ? `${category.parent} › ${category.name}` : category.name) as DefaultCategoryPath, category.id);
  }
  return { categoryIdsByPath, activeCategoryIds };
}

/**
 * Parsed states by user, with the version they were read at: a write that did not change the
 * model reads only its version (the database sends the state only when it moved on).
 */
const parsedStates = new Map<string, { version: number; state: CategorizerState }>();
const maxParsedStates = 2000;

/** The version this process holds for a user (0: none): what the enrichment read compares against. */
export function knownVersion(userId: string): number {
  return parsedStates.get(userId)?.version ?? 0;
}

/** Keeps what the database answered: a new state, or the cached one still current. */
export function currentState(userId: string, read: { version: number; state: CategorizerState | null } | null): CategorizerState | undefined {
  if (!read) return undefined;
  if (read.state) {
    parsedStates.delete(userId);
    if (parsedStates.size >= maxParsedStates) parsedStates.delete(parsedStates.keys().next().value!);
    parsedStates.set(userId, { version: read.version, state: read.state });
    return read.state;
  }
  return parsedStates.get(userId)?.state;
}

/** Forgets a user's cached state (after this process wrote a new version, or the user left). */
export function forgetState(userId: string): void {
  parsedStates.delete(userId);
}

/** The user's categorizer: their learned state (if any) over the shipped prior, in their taxonomy. */
export function categorizerFor(context: CategorizerContext, state: CategorizerState | undefined): HybridCategorizer {
  return new HybridCategorizer(shippedPrior(), context, state);
}

