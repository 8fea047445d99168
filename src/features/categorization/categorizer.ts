import { categorizerMetrics, secondsSince } from '../../observability/metrics.ts';
import type { CleanedMerchant, DefaultCategoryPath } from '../merchants/types.ts';
import { combinerWeights } from './combiner-weights.ts';
import { candidateCategories, combine, combinerLayout, type Evidence } from './combiner.ts';
import { extractFeatures, withFeature, type FeatureVector } from './features.ts';
import { defaultPayeeMemoryOptions, PayeeMemory, type PayeeMemoryOptions, type PayeeMemoryState } from './payee-memory.ts';
import { priorForUser, resolveDefaultPath, type CategoryIdsByPath, type GlobalPrior } from './prior.ts';
import { explainSuggestion, type SuggestionTrace } from './reasons.ts';
import { defaultSoftmaxOptions, SparseSoftmax, type SoftmaxOptions, type SoftmaxState } from './softmax.ts';

/** One transaction to categorize, as the caller knows it. */
export type CategorizationInput = {
  description: string;
  /** Minor units, negative for money out. */
  amount: number;
  currency?: string | undefined;
  /** `cleanMerchant(description)`, or the user's renamed merchant; undefined when cleaning found none. */
  merchant: CleanedMerchant | undefined;
};

export type Suggestion = {
  categoryId: string;
  /** The calibrated probability that this is the category the user would choose. */
  confidence: number;
  /** Why, in words, most telling first; never empty. */
  reasons: string[];
};

/** What any categorizer offers, so another model (an embedding one, say) can stand in. */
export interface Categorizer {
  /** The best `limit` categories, most confident first. */
  suggest(input: CategorizationInput, limit?: number): Suggestion[];
  /** The user filed `input` under `categoryId`; `correction` when that overrode a model guess. */
  learn(input: CategorizationInput, categoryId: string, options?: { correction?: boolean }): void;
}

/** What the categorizer needs to know of the user's taxonomy, fresh on every request. */
export type CategorizerContext = {
  /** The user's category for each default path they still have: how the prior and the lexicon reach them. */
  categoryIdsByPath: CategoryIdsByPath;
  /** When given, only these categories are suggested (leave out archived ones). */
  activeCategoryIds?: ReadonlySet<string> | undefined;
};

export type HybridOptions = {
  softmax: SoftmaxOptions;
  memory: PayeeMemoryOptions;
  /** How much more a correction of a model guess teaches the user's model than a plain label. */
  correctionWeight: number;
  combiner: readonly number[];
};

export const defaultHybridOptions: HybridOptions = {
  softmax: defaultSoftmaxOptions,
  memory: defaultPayeeMemoryOptions,
  correctionWeight: 1.5,
  combiner: combinerWeights,
};

/** Where another source would file a transaction: the key the user's translation of it is kept under. */
type Hint = { key: string; path: DefaultCategoryPath };

/** Below this the prior's first choice is no hint worth learning a translation of. */
const priorHintFloor = 0.6;

/** The translation memory keeps no "follow" rule and forgets slowly: paths are few and stable. */
const translationOptions: PayeeMemoryOptions = { ...defaultPayeeMemoryOptions, decay: 0.95, followAfterCorrections: Infinity, maxMerchants: 200 };

/** A user's learned state: what the caller stores (as jsonb) and hands back next time. */
export type CategorizerState = {
  version: 1;
  labelCount: number;
  labelCounts: Record<string, number>;
  model: SoftmaxState;
  memory: PayeeMemoryState;
  /** Per hint path (the lexicon's or prior's category), where the user filed it: their translation of the taxonomy. */
  translations: PayeeMemoryState;
};

/**
 * The hybrid: the user's own online softmax over hashed text features, their payee memory, the
 * shipped global prior and the lexicon's brand category, combined into one calibrated distribution.
 */
export class HybridCategorizer implements Categorizer {
  readonly #prior: GlobalPrior;
  readonly #context: CategorizerContext;
  readonly #options: HybridOptions;
  readonly #model: SparseSoftmax;
  readonly #memory: PayeeMemory;
  readonly #translations: PayeeMemory;
  readonly #labelCounts: Map<string, number>;
  #labelCount: number;

  constructor(prior: GlobalPrior, context: CategorizerContext, state?: CategorizerState, options = defaultHybridOptions) {
    const startedAt = performance.now();
    if (state !== undefined && state.version !== 1) throw new RangeError(`categorizer state v${String(state.version)}`);
    if (options.combiner.length !== combinerLayout.size) {
      throw new RangeError(`${options.combiner.length} combiner weights for a layout of ${combinerLayout.size}: refit them`);
    }
    this.#prior = prior;
    this.#context = context;
    this.#options = options;
    this.#model = state ? SparseSoftmax.fromState(state.model, options.softmax) : new SparseSoftmax(options.softmax);
    this.#memory = state ? PayeeMemory.fromState(state.memory, options.memory) : new PayeeMemory(options.memory);
    this.#translations = state ? PayeeMemory.fromState(state.translations, translationOptions) : new PayeeMemory(translationOptions);
    this.#labelCounts = new Map(Object.entries(state?.labelCounts ?? {}));
    this.#labelCount = state?.labelCount ?? 0;
    categorizerMetrics.load.observe(secondsSince(startedAt));
  }

  get labelCount(): number {
    return this.#labelCount;
  }

  suggest(input: CategorizationInput, limit = 3): Suggestion[] {
    const startedAt = performance.now();
    const trace = this.trace(input);
    const available = this.#context.activeCategoryIds;
    const candidates = candidateCategories(trace.evidence, (id) => available === undefined || available.has(id));
    const ranked = combine(trace.evidence, candidates, this.#options.combiner).sort(
      (a, b) => b.probability - a.probability || (a.categoryId < b.categoryId ? -1 : 1),
    );
    followCorrections(ranked, trace.evidence.recall?.follow);
    const suggestions = ranked.slice(0, Math.max(0, limit)).map(({ categoryId, probability }) => ({
      categoryId,
      confidence: Math.min(1, Math.max(0, probability)),
      reasons: explainSuggestion(categoryId, trace),
    }));
    categorizerMetrics.suggest.observe(secondsSince(startedAt));
    return suggestions;
  }

  learn(input: CategorizationInput, categoryId: string, options: { correction?: boolean } = {}): void {
    const startedAt = performance.now();
    const correction = options.correction === true;
    const text = this.#textFeatures(input);
    // A brand's hint is the lexicon's; only a merchant without one needs the prior's guess.
    const hint = hintOf(input, input.merchant?.brand === undefined ? this.#prior.predictPaths(text) : []);
    this.#model.learn(this.#userFeatures(text, hint), categoryId, correction ? this.#options.correctionWeight : 1);
    if (input.merchant !== undefined) this.#memory.learn(input.merchant.key, categoryId, correction);
    if (hint !== undefined) this.#translations.learn(hint.key, categoryId, false);
    this.#labelCounts.set(categoryId, (this.#labelCounts.get(categoryId) ?? 0) + 1);
    this.#labelCount++;
    categorizerMetrics.learn.observe(secondsSince(startedAt));
  }

  /** Drops a deleted category from everything learned. */
  forgetCategory(categoryId: string): void {
    this.#model.forget(categoryId);
    this.#memory.forget(categoryId);
    this.#translations.forget(categoryId);
    this.#labelCount -= this.#labelCounts.get(categoryId) ?? 0;
    this.#labelCounts.delete(categoryId);
  }

  toState(): CategorizerState {
    return {
      version: 1,
      labelCount: this.#labelCount,
      labelCounts: Object.fromEntries(this.#labelCounts),
      model: this.#model.toState(),
      memory: this.#memory.toState(),
      translations: this.#translations.toState(),
    };
  }

  /** The evidence behind a suggestion; the evaluation also fits the combiner from it. */
  trace(input: CategorizationInput): SuggestionTrace {
    const text = this.#textFeatures(input);
    const predictions = this.#prior.predictPaths(text);
    const hint = hintOf(input, predictions);
    const features = this.#userFeatures(text, hint);
    const brand = input.merchant?.brand;
    const priorPaths = priorForUser(predictions, this.#context.categoryIdsByPath);
    const evidence: Evidence = {
      labelCount: this.#labelCount,
      user: new Map(this.#model.predict(features).map(({ label, probability }) => [label, probability])),
      familiarity: this.#model.familiarity(features),
      prior: priorPaths,
      recall: input.merchant === undefined ? undefined : this.#memory.recall(input.merchant.key),
      brandCategory: brand === undefined ? undefined : resolveDefaultPath(brand.category, this.#context.categoryIdsByPath),
      labelCounts: this.#labelCounts,
      translation: hint === undefined ? undefined : this.#translations.recall(hint.key),
    };
    return { features, priorFeatures: text, moneyIn: input.amount > 0, evidence, merchant: input.merchant, priorPaths, userModel: this.#model, prior: this.#prior };
  }

  /**
   * The user's model also sees where the lexicon or the prior would file this ("hint: Food &
   * Drink › Coffee"), so it learns the user's own translation of the default taxonomy (all coffee
   * under "Eating out") and applies it to merchants the user has never been to.
   */
  #userFeatures(text: FeatureVector, hint: Hint | undefined): FeatureVector {
    return hint === undefined ? text : withFeature(text, `h:${hint.key}`, 1, `filed like your other ${hint.path}`);
  }

  #textFeatures(input: CategorizationInput): FeatureVector {
    return extractFeatures({
      description: input.description,
      merchantKey: input.merchant?.key,
      amount: input.amount,
      currency: input.currency,
    });
  }
}

/**
 * Where the lexicon files this brand, else the prior's first choice when it is fairly sure. The
 * two are kept apart: the lexicon is right about brands far more often than the prior is about
 * a shop's name.
 */
function hintOf(input: CategorizationInput, predictions: readonly { path: DefaultCategoryPath; probability: number }[]): Hint | undefined {
  const brandPath = input.merchant?.brand?.category;
  if (brandPath !== undefined) return { key: `brand ${brandPath}`, path: brandPath };
  const top = predictions[0];
  return top !== undefined && top.probability >= priorHintFloor ? { key: `prior ${top.path}`, path: top.path } : undefined;
}

/**
 * After enough corrections at a merchant the user's latest choice leads, whatever the other
 * evidence says: it trades places (and probabilities) with the leader.
 */
function followCorrections(ranked: { categoryId: string; probability: number }[], follow: string | undefined): void {
  const at = follow === undefined ? -1 : ranked.findIndex(({ categoryId }) => categoryId === follow);
  const leader = ranked[0];
  const followed = ranked[at];
  if (at <= 0 || leader === undefined || followed === undefined) return;
  ranked[0] = { categoryId: followed.categoryId, probability: leader.probability };
  ranked[at] = { categoryId: leader.categoryId, probability: followed.probability };
}
