import { currencyExponents } from '../../money/currencies.ts';

/** Feature indexes live in a fixed hash space, so a model never needs a vocabulary. */
export const hashBits = 18;
const hashMask = (1 << hashBits) - 1;

/** What the categorizer sees of one transaction. */
export type CategorizationText = {
  /** The raw bank description. */
  description: string;
  /** The cleaned merchant key (upper case, noise stripped), when cleaning found one. */
  merchantKey?: string | undefined;
  /** Minor units: negative for money out. */
  amount: number;
  /** ISO 4217 code; decides the minor-unit exponent of `amount` (2 when absent or unknown). */
  currency?: string | undefined;
};

/**
 * A sparse feature vector. `sources[i]` says in words where feature i came from ("word: GROCERY",
 * "merchant: WHOLEFDS", "amount 20–50, money out"), so a suggestion can explain itself.
 */
export type FeatureVector = {
  readonly indexes: readonly number[];
  readonly values: readonly number[];
  readonly sources: readonly string[];
};

/** The source of a feature that is never given as a reason. */
export const unexplained = '';

/** 32-bit FNV-1a: fast, stable across runs and platforms, good enough spread for hashing tricks. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const featureIndex = (name: string) => fnv1a(name) & hashMask;

/** Upper-cased words of letters (digits and punctuation are store numbers and dates, not meaning). */
export function wordsOf(text: string): string[] {
  return text
    .toUpperCase()
    .replace(/['’]/g, '')
    .split(/[^\p{L}&]+/u)
    .filter((word) => word.length >= 2 && word !== '&');
}

/** Character 3–5-grams of one word, with `^`/`$` marking its edges so prefixes and suffixes differ. */
function characterGrams(word: string): string[] {
  const padded = `^${word}$`;
  const grams: string[] = [];
  for (let size = 3; size <= 5; size++) {
    for (let start = 0; start + size <= padded.length; start++) grams.push(padded.slice(start, start + size));
  }
  return grams;
}

const amountEdges = [5, 20, 50, 100, 250, 1000, 5000];

/** Sign and a coarse magnitude bucket in major units: "debit 20–50", "credit ≥ 5000". */
export function amountBucket(amount: number, currency: string | undefined): string {
  const exponent = currency === undefined ? 2 : (currencyExponents as Record<string, number>)[currency] ?? 2;
  const major = Math.abs(amount) / 10 ** exponent;
  const sign = amount < 0 ? 'debit' : amount > 0 ? 'credit' : 'zero';
  const upper = amountEdges.findIndex((edge) => major < edge);
  if (upper === 0) return `${sign} < ${amountEdges[0]}`;
  if (upper === -1) return `${sign} ≥ ${amountEdges[amountEdges.length - 1]}`;
  return `${sign} ${amountEdges[upper - 1]}–${amountEdges[upper]}`;
}

/** Accumulates named features, merging repeats (and hash collisions) by summing their values. */
class FeatureBuilder {
  readonly #slots = new Map<number, number>();
  readonly indexes: number[] = [];
  readonly values: number[] = [];
  readonly sources: string[] = [];

  add(name: string, value: number, source: string): void {
    const index = featureIndex(name);
    const slot = this.#slots.get(index);
    if (slot !== undefined) {
      this.values[slot] = (this.values[slot] ?? 0) + value;
      return;
    }
    this.#slots.set(index, this.indexes.length);
    this.indexes.push(index);
    this.values.push(value);
    this.sources.push(source);
  }
}

/**
 * Hashed features of one transaction: a bias, the whole merchant key, its words and their
 * character 3–5-grams (which carry "WHOLEFDS" close to "WHOLE FOODS"), the other words of the raw
 * description at half weight, and the amount's sign and magnitude.
 */
export function extractFeatures(text: CategorizationText): FeatureVector {
  const features = new FeatureBuilder();
  features.add('bias', 1, unexplained);
  const hasMerchant = text.merchantKey !== undefined && text.merchantKey !== '';
  // Without a cleaned merchant the description's words are the best guess at one.
  const merchantWords = wordsOf(hasMerchant ? (text.merchantKey ?? '') : text.description);
  if (hasMerchant) features.add(`m:${text.merchantKey}`, 1, `merchant: ${text.merchantKey}`);
  for (const word of merchantWords) {
    features.add(`w:${word}`, 1, `word: ${word}`);
    const grams = characterGrams(word);
    // Long words would otherwise outvote short ones purely by their number of grams.
    const gramValue = 1 / Math.sqrt(grams.length);
    for (const gram of grams) features.add(`g:${gram}`, gramValue, `word: ${word}`);
  }
  const merchantSet = new Set(merchantWords);
  for (const word of hasMerchant ? wordsOf(text.description) : []) {
    if (!merchantSet.has(word)) features.add(`d:${word}`, 0.5, `word: ${word}`);
  }
  const bucket = amountBucket(text.amount, text.currency);
  const sign = bucket.slice(0, bucket.indexOf(' '));
  const direction = sign === 'credit' ? 'money in' : 'money out';
  features.add(`a:${bucket}`, 1, `amount ${bucket.slice(sign.length + 1)}, ${direction}`);
  // The sign alone is too plain to give as a reason.
  features.add(`s:${sign}`, 1, unexplained);
  return features;
}

/** The vector with one more named feature (a hint from another model, say). */
export function withFeature(vector: FeatureVector, name: string, value: number, source: string): FeatureVector {
  return {
    indexes: [...vector.indexes, featureIndex(name)],
    values: [...vector.values, value],
    sources: [...vector.sources, source],
  };
}
