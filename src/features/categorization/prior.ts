import { defaultCategories } from '../categories/defaults.ts';
import type { DefaultCategoryPath } from '../merchants/types.ts';
import type { FeatureVector } from './features.ts';
import { hashBits } from './features.ts';
import { SparseSoftmax, type SoftmaxOptions, type SoftmaxState } from './softmax.ts';

/** The user's category id for each default category path they have (and have not archived). */
export type CategoryIdsByPath = ReadonlyMap<DefaultCategoryPath, string>;

/** Every default path, groups first then "Group › Child", in the taxonomy's order. */
export function defaultCategoryPaths(): DefaultCategoryPath[] {
  return defaultCategories.flatMap((group) => [
    group.name as DefaultCategoryPath,
    ...group.children.map((child) => `${group.name} › ${child}` as DefaultCategoryPath),
  ]);
}

/** The group part of a path: "Food & Drink" of "Food & Drink › Groceries". */
export function groupOfPath(path: DefaultCategoryPath): DefaultCategoryPath {
  const separator = path.indexOf(' › ');
  return (separator === -1 ? path : path.slice(0, separator)) as DefaultCategoryPath;
}

/**
 * The user's category for a default path: the path's own category, else its group's (a user who
 * archived "Coffee" still has "Food & Drink"), else none.
 */
export function resolveDefaultPath(path: DefaultCategoryPath, ids: CategoryIdsByPath): string | undefined {
  return ids.get(path) ?? ids.get(groupOfPath(path));
}

/** The committed prior: the trainer's output, see eval/train-prior.ts. */
export type PriorWeights = {
  version: 1;
  hashBits: number;
  /** How the corpus was made, so a reader can regenerate it; `lexicon` fingerprints the brand lexicon it came from. */
  corpus: { seed: number; examples: number; lexicon: string };
  model: SoftmaxState;
};

const frozen: SoftmaxOptions = { learningRate: 0, updateFloor: 1, maxWeights: Number.MAX_SAFE_INTEGER };

/** The global prior: P(default path | features), shared by every user, never updated at run time. */
export class GlobalPrior {
  readonly #model: SparseSoftmax;

  constructor(model: SparseSoftmax) {
    this.#model = model;
  }

  static fromWeights(weights: PriorWeights): GlobalPrior {
    if (weights.version !== 1 || weights.hashBits !== hashBits) {
      throw new RangeError(`prior weights v${weights.version} with ${weights.hashBits} hash bits do not fit this code`);
    }
    return new GlobalPrior(SparseSoftmax.fromState(weights.model, frozen));
  }

  predictPaths(features: FeatureVector): { path: DefaultCategoryPath; probability: number }[] {
    return this.#model.predict(features).map(({ label, probability }) => ({ path: label as DefaultCategoryPath, probability }));
  }

  contributions(features: FeatureVector, path: DefaultCategoryPath): number[] {
    return this.#model.contributions(features, path);
  }

  /** The prior over the user's categories (see priorForUser). */
  forUser(features: FeatureVector, ids: CategoryIdsByPath): Map<string, { probability: number; path: DefaultCategoryPath }> {
    return priorForUser(this.predictPaths(features), ids);
  }
}

/**
 * The prior over the user's categories: each path's probability goes to the category it resolves
 * to (several paths may share one), renormalized over the paths the user still has. Also says
 * which path gave each category most of its mass, for the reasons.
 */
export function priorForUser(
  predictions: readonly { path: DefaultCategoryPath; probability: number }[],
  ids: CategoryIdsByPath,
): Map<string, { probability: number; path: DefaultCategoryPath }> {
  const byCategory = new Map<string, { probability: number; path: DefaultCategoryPath; best: number }>();
  let mapped = 0;
  for (const { path, probability } of predictions) {
    const categoryId = resolveDefaultPath(path, ids);
    if (categoryId === undefined) continue;
    mapped += probability;
    const entry = byCategory.get(categoryId);
    if (entry === undefined) byCategory.set(categoryId, { probability, path, best: probability });
    else {
      entry.probability += probability;
      if (probability > entry.best) Object.assign(entry, { path, best: probability });
    }
  }
  const result = new Map<string, { probability: number; path: DefaultCategoryPath }>();
  for (const [categoryId, { probability, path }] of byCategory) {
    result.set(categoryId, { probability: mapped > 0 ? probability / mapped : 0, path });
  }
  return result;
}
