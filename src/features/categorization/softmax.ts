import type { FeatureVector } from './features.ts';

export type SoftmaxOptions = {
  /** Step size of stochastic gradient descent on the log-loss. */
  learningRate: number;
  /**
   * Classes the model gives less than this probability (other than the label) are left alone on
   * an update: their gradient is tiny, and skipping them is what keeps the weights sparse.
   */
  updateFloor: number;
  /** Weights past this count are pruned, smallest magnitudes first, down to 75 % of it. */
  maxWeights: number;
};

export const defaultSoftmaxOptions: SoftmaxOptions = { learningRate: 0.4, updateFloor: 0.02, maxWeights: 4_000 };

export type LabelProbability = { label: string; probability: number };

/**
 * The serialized model. `weights` is base64 of 6-byte records sorted by feature: a uint32 of
 * feature index × 2^14 + label index, then weight × 1024 as an int16, big-endian. Six bytes a
 * weight instead of ~18 as JSON numbers: the per-user state is stored on every categorization.
 */
export type SoftmaxState = { labels: string[]; weights: string };

/** The label slot of a forgotten label (its index stays taken so other indexes keep meaning). */
const forgotten = '';
const weightScale = 1024;
const weightLimit = 32_767 / weightScale;
const recordBytes = 6;
const labelBits = 14;
/** Label indexes must fit their 14 bits; no taxonomy comes near. */
const maxLabels = 2 ** labelBits;
/** Feature indexes get the other 18 bits: the hash space of features.ts. */
const maxFeatures = 2 ** (32 - labelBits);

/**
 * Multinomial logistic regression trained online, with weights keyed sparsely by (feature,
 * label). Labels are arbitrary strings and the label set grows as new ones are learned.
 */
export class SparseSoftmax {
  readonly options: SoftmaxOptions;
  readonly #labels: string[] = [];
  readonly #labelIndex = new Map<string, number>();
  /** feature index → label index → weight */
  readonly #weights = new Map<number, Map<number, number>>();
  #weightCount = 0;

  constructor(options: SoftmaxOptions = defaultSoftmaxOptions) {
    this.options = options;
  }

  /** The labels learned and not forgotten. */
  get labels(): readonly string[] {
    return this.#labels.filter((label) => label !== forgotten);
  }

  get weightCount(): number {
    return this.#weightCount;
  }

  /** Probability of every known label, highest first; empty before anything was learned. */
  predict(features: FeatureVector): LabelProbability[] {
    const probabilities = this.#probabilities(features);
    return this.#labels
      .map((label, index) => ({ label, probability: probabilities[index] ?? 0 }))
      .filter(({ label }) => label !== forgotten)
      .sort((a, b) => b.probability - a.probability || (a.label < b.label ? -1 : 1));
  }

  /** Probability of one label (0 for a label never learned). */
  probabilityOf(features: FeatureVector, label: string): number {
    const index = this.#labelIndex.get(label);
    return index === undefined ? 0 : (this.#probabilities(features)[index] ?? 0);
  }

  /** One gradient step of weight `weight` towards `label` on this example. */
  learn(features: FeatureVector, label: string, weight = 1): void {
    const target = this.#indexOf(label);
    const probabilities = this.#probabilities(features);
    const step = this.options.learningRate * weight;
    for (let k = 0; k < probabilities.length; k++) {
      const gradient = (probabilities[k] ?? 0) - (k === target ? 1 : 0);
      if (k !== target && (probabilities[k] ?? 0) < this.options.updateFloor) continue;
      for (let f = 0; f < features.indexes.length; f++) {
        this.#addWeight(features.indexes[f] ?? 0, k, -step * gradient * (features.values[f] ?? 0));
      }
    }
    // Pruning well below the cap keeps it rare: its sort is the one slow step.
    if (this.#weightCount > this.options.maxWeights) this.#prune(Math.floor(this.options.maxWeights * 0.75));
  }

  /**
   * How much of this example the model has seen before: the value-weighted share of its features
   * (the first, the bias, left out) that carry any weight. Near 0 for a merchant unlike any learned.
   */
  familiarity(features: FeatureVector): number {
    let known = 0;
    let total = 0;
    for (let f = 1; f < features.indexes.length; f++) {
      const value = Math.abs(features.values[f] ?? 0);
      total += value;
      if (this.#weights.has(features.indexes[f] ?? 0)) known += value;
    }
    return total === 0 ? 0 : known / total;
  }

  /** What each feature adds to `label`'s score (0 for features it has no weight on). */
  contributions(features: FeatureVector, label: string): number[] {
    const index = this.#labelIndex.get(label);
    return features.indexes.map((feature, f) => {
      const weight = index === undefined ? undefined : this.#weights.get(feature)?.get(index);
      return weight === undefined ? 0 : weight * (features.values[f] ?? 0);
    });
  }

  /** Keeps only the `keep` largest-magnitude weights. */
  compact(keep: number): void {
    if (this.#weightCount > keep) this.#prune(keep);
  }

  /** Forgets a label (a deleted or archived category): its weights go, other labels keep theirs. */
  forget(label: string): void {
    const index = this.#labelIndex.get(label);
    if (index === undefined) return;
    for (const byLabel of this.#weights.values()) {
      if (byLabel.delete(index)) this.#weightCount--;
    }
    // Label indexes stay stable (the weights refer to them); the slot keeps a tombstone.
    this.#labelIndex.delete(label);
    this.#labels[index] = forgotten;
  }

  toState(): SoftmaxState {
    const features = [...this.#weights.keys()].sort((a, b) => a - b);
    const bytes = Buffer.alloc(this.#weightCount * recordBytes);
    let offset = 0;
    for (const feature of features) {
      const byLabel = [...(this.#weights.get(feature) ?? new Map<number, number>())].sort((a, b) => a[0] - b[0]);
      for (const [label, weight] of byLabel) {
        if (feature >= maxFeatures) throw new RangeError(`feature index ${feature} does not fit the state format`);
        bytes.writeUInt32BE(feature * maxLabels + label, offset);
        bytes.writeInt16BE(Math.round(weight * weightScale), offset + 4);
        offset += recordBytes;
      }
    }
    return { labels: [...this.#labels], weights: bytes.subarray(0, offset).toString('base64') };
  }

  static fromState(state: SoftmaxState, options: SoftmaxOptions = defaultSoftmaxOptions): SparseSoftmax {
    const model = new SparseSoftmax(options);
    for (const label of state.labels) {
      if (label !== forgotten) model.#labelIndex.set(label, model.#labels.length);
      model.#labels.push(label);
    }
    const bytes = Buffer.from(state.weights, 'base64');
    for (let offset = 0; offset + recordBytes <= bytes.length; offset += recordBytes) {
      const key = bytes.readUInt32BE(offset);
      const label = key % maxLabels;
      if (label >= state.labels.length) throw new RangeError(`weight for label ${label} of ${state.labels.length}`);
      model.#addWeight(Math.floor(key / maxLabels), label, bytes.readInt16BE(offset + 4) / weightScale);
    }
    return model;
  }

  #indexOf(label: string): number {
    let index = this.#labelIndex.get(label);
    if (label === forgotten) throw new RangeError('a label must not be empty');
    if (index === undefined && this.#labels.length >= maxLabels) throw new RangeError(`more than ${maxLabels} labels`);
    if (index === undefined) {
      index = this.#labels.length;
      this.#labels.push(label);
      this.#labelIndex.set(label, index);
    }
    return index;
  }

  /** Softmax over label scores; a forgotten label's slot gets probability 0. */
  #probabilities(features: FeatureVector): Float64Array {
    const scores = new Float64Array(this.#labels.length);
    for (let f = 0; f < features.indexes.length; f++) {
      const byLabel = this.#weights.get(features.indexes[f] ?? 0);
      if (byLabel === undefined) continue;
      const value = features.values[f] ?? 0;
      for (const [label, weight] of byLabel) scores[label] = (scores[label] ?? 0) + weight * value;
    }
    let max = -Infinity;
    for (let k = 0; k < scores.length; k++) if (this.#isLive(k)) max = Math.max(max, scores[k] ?? 0);
    let total = 0;
    for (let k = 0; k < scores.length; k++) {
      const exp = this.#isLive(k) ? Math.exp((scores[k] ?? 0) - max) : 0;
      scores[k] = exp;
      total += exp;
    }
    for (let k = 0; k < scores.length; k++) scores[k] = (scores[k] ?? 0) / total;
    return scores;
  }

  #isLive(index: number): boolean {
    return this.#labels[index] !== forgotten;
  }

  #addWeight(feature: number, label: number, delta: number): void {
    let byLabel = this.#weights.get(feature);
    if (byLabel === undefined) {
      byLabel = new Map();
      this.#weights.set(feature, byLabel);
    }
    const before = byLabel.get(label);
    if (before === undefined) this.#weightCount++;
    byLabel.set(label, Math.max(-weightLimit, Math.min(weightLimit, (before ?? 0) + delta)));
  }

  /** Drops the smallest-magnitude weights until `keep` remain: they move predictions least. */
  #prune(keep: number): void {
    const magnitudes = new Float64Array(this.#weightCount);
    let i = 0;
    for (const byLabel of this.#weights.values()) for (const weight of byLabel.values()) magnitudes[i++] = -Math.abs(weight);
    magnitudes.sort();
    const threshold = -(magnitudes[keep] ?? 0);
    for (const [feature, byLabel] of this.#weights) {
      for (const [label, weight] of byLabel) {
        if (Math.abs(weight) <= threshold && this.#weightCount > keep) {
          byLabel.delete(label);
          this.#weightCount--;
        }
      }
      if (byLabel.size === 0) this.#weights.delete(feature);
    }
  }
}
