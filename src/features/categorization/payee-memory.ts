export type PayeeMemoryOptions = {
  /** Each new label at a merchant multiplies the older ones' weight by this: recent choices count more. */
  decay: number;
  /** The weight of a label that corrected a model guess (an ordinary label weighs 1). */
  correctionWeight: number;
  /**
   * After this many corrections in a row at one merchant to the same category, that category leads
   * its next suggestions (until the user files the merchant elsewhere without being asked).
   */
  followAfterCorrections: number;
  /** The least recently labelled merchants are forgotten past this many. */
  maxMerchants: number;
};

export const defaultPayeeMemoryOptions: PayeeMemoryOptions = {
  decay: 0.85,
  correctionWeight: 2,
  followAfterCorrections: 3,
  maxMerchants: 1500,
};

/** What the user did at one merchant before. */
export type PayeeRecall = {
  merchantKey: string;
  /** How many labels in all. */
  seen: number;
  /** Per category: how many labels and its share of the recency-weighted total (shares sum to 1). */
  categories: ReadonlyMap<string, { count: number; share: number }>;
  /** The latest label. */
  last: string;
  /** Corrections in a row to the same category (`streak`). */
  corrections: number;
  /** The category to follow regardless of other evidence: set after enough corrections. */
  follow: string | undefined;
};

type MerchantMemory = {
  filed: Map<string, { count: number; weight: number }>;
  last: string;
  /** The category of the current run of corrections, and how long it is. */
  streak: string;
  corrections: number;
  /** The user's label counter when this merchant was last labelled: for evicting the stalest. */
  lastSeen: number;
};

/**
 * Serialized memory: a label table and, per merchant key,
 * `[lastSeen, corrections, streak, lastLabel, label, count, weight × 1000, label, count, weight × 1000, …]`
 * with labels as indexes into `labels`.
 */
export type PayeeMemoryState = { labels: string[]; clock: number; merchants: Record<string, number[]> };

/** The user's past choices per cleaned merchant ("payee memory"). */
export class PayeeMemory {
  readonly options: PayeeMemoryOptions;
  readonly #merchants = new Map<string, MerchantMemory>();
  #clock = 0;

  constructor(options: PayeeMemoryOptions = defaultPayeeMemoryOptions) {
    this.options = options;
  }

  get size(): number {
    return this.#merchants.size;
  }

  recall(merchantKey: string): PayeeRecall | undefined {
    const memory = this.#merchants.get(merchantKey);
    if (memory === undefined) return undefined;
    let total = 0;
    let seen = 0;
    for (const { count, weight } of memory.filed.values()) {
      total += weight;
      seen += count;
    }
    const categories = new Map<string, { count: number; share: number }>();
    for (const [label, { count, weight }] of memory.filed) categories.set(label, { count, share: weight / total });
    const follow = memory.corrections >= this.options.followAfterCorrections ? memory.streak : undefined;
    return { merchantKey, seen, categories, last: memory.last, corrections: memory.corrections, follow };
  }

  learn(merchantKey: string, label: string, correction: boolean): void {
    this.#clock++;
    let memory = this.#merchants.get(merchantKey);
    if (memory === undefined) {
      memory = { filed: new Map(), last: label, streak: label, corrections: 0, lastSeen: this.#clock };
      this.#merchants.set(merchantKey, memory);
    }
    for (const entry of memory.filed.values()) entry.weight *= this.options.decay;
    const entry = memory.filed.get(label) ?? { count: 0, weight: 0 };
    entry.count++;
    entry.weight += correction ? this.options.correctionWeight : 1;
    memory.filed.set(label, entry);
    memory.last = label;
    memory.lastSeen = this.#clock;
    this.#extendStreak(memory, label, correction);
    if (this.#merchants.size > this.options.maxMerchants) this.#evictStalest();
  }

  /** Forgets a category everywhere (deleted or archived); merchants left with nothing go. */
  forget(label: string): void {
    for (const [key, memory] of this.#merchants) {
      memory.filed.delete(label);
      const remaining = [...memory.filed.keys()];
      if (remaining.length === 0) this.#merchants.delete(key);
      else if (memory.last === label) memory.last = remaining[remaining.length - 1] ?? memory.last;
      if (memory.streak === label) [memory.streak, memory.corrections] = [memory.last, 0];
    }
  }

  toState(): PayeeMemoryState {
    const labels: string[] = [];
    const labelIndex = new Map<string, number>();
    const indexOf = (label: string) => {
      if (!labelIndex.has(label)) labelIndex.set(label, labels.push(label) - 1);
      return labelIndex.get(label) ?? 0;
    };
    const merchants: Record<string, number[]> = {};
    for (const [key, memory] of this.#merchants) {
      const row = [memory.lastSeen, memory.corrections, indexOf(memory.streak), indexOf(memory.last)];
      for (const [label, { count, weight }] of memory.filed) row.push(indexOf(label), count, Math.round(weight * 1000));
      merchants[key] = row;
    }
    return { labels, clock: this.#clock, merchants };
  }

  static fromState(state: PayeeMemoryState, options: PayeeMemoryOptions = defaultPayeeMemoryOptions): PayeeMemory {
    const memory = new PayeeMemory(options);
    memory.#clock = state.clock;
    const labelAt = (index: number | undefined) => {
      const label = state.labels[index ?? -1];
      if (label === undefined) throw new RangeError(`payee memory refers to label ${index}`);
      return label;
    };
    for (const [key, row] of Object.entries(state.merchants)) {
      const filed = new Map<string, { count: number; weight: number }>();
      for (let i = 4; i + 2 < row.length; i += 3) {
        filed.set(labelAt(row[i]), { count: row[i + 1] ?? 0, weight: (row[i + 2] ?? 0) / 1000 });
      }
      memory.#merchants.set(key, { filed, last: labelAt(row[3]), streak: labelAt(row[2]), corrections: row[1] ?? 0, lastSeen: row[0] ?? 0 });
    }
    return memory;
  }

  /**
   * A correction to the streak's category lengthens it, one to another category starts a new one;
   * an unprompted label elsewhere ends it (agreeing with the streak leaves it be). One stray
   * correction, like a mistyped label, then never outvotes a long consistent history.
   */
  #extendStreak(memory: MerchantMemory, label: string, correction: boolean): void {
    if (correction) {
      memory.corrections = memory.streak === label ? memory.corrections + 1 : 1;
      memory.streak = label;
    } else if (memory.streak !== label) {
      memory.streak = label;
      memory.corrections = 0;
    }
  }

  #evictStalest(): void {
    let stalest: string | undefined;
    let oldest = Infinity;
    for (const [key, memory] of this.#merchants) {
      if (memory.lastSeen < oldest) {
        oldest = memory.lastSeen;
        stalest = key;
      }
    }
    if (stalest !== undefined) this.#merchants.delete(stalest);
  }
}
