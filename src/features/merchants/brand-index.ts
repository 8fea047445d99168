import { keyOf } from './key.ts';
import { brands } from './lexicon.ts';
import type { Brand } from './types.ts';

/** One alias in key space, as words. */
type AliasEntry = { words: readonly string[]; brand: Brand };

/** Aliases by their first word, longest first, so a description is matched with a Map lookup and a few compares. */
const aliasesByFirstWord = new Map<string, AliasEntry[]>();
/** The same for brands whose keywords may appear anywhere (payroll, fee lines). */
const anywhereByFirstWord = new Map<string, AliasEntry[]>();
/** Whole keys (every alias and every brand's own name) → brand: for names typed by users and for re-cleaning keys. */
const exactKeys = new Map<string, Brand>();
/** A brand's key: its name in key space ("Trader Joe's" → "TRADER JOES"). */
const keysOfBrands = new Map<Brand, string>();

function addAlias(index: Map<string, AliasEntry[]>, words: readonly string[], brand: Brand): void {
  const first = words[0];
  if (first === undefined) return;
  const entries = index.get(first) ?? [];
  if (entries.some((entry) => entry.words.join(' ') === words.join(' '))) return;
  entries.push({ words, brand });
  entries.sort((a, b) => b.words.length - a.words.length);
  index.set(first, entries);
}

/**
 * Indexes one brand. A brand's own name is matched only as a whole key, never as a prefix, so
 * names that are ordinary words ("Three", "NOW", "Free") do not swallow local shops; the
 * aliases, which are how banks print the brand, match as prefixes. Multi-word aliases are also
 * indexed glued ("WHOLEFOODS"), as descriptors often drop the space.
 */
function indexBrand(brand: Brand): void {
  const ownKey = keyOf(brand.name);
  keysOfBrands.set(brand, ownKey);
  if (!exactKeys.has(ownKey)) exactKeys.set(ownKey, brand);
  for (const alias of brand.aliases) {
    const words = keyOf(alias).split(' ').filter((word) => word !== '');
    if (words.length === 0) continue;
    const variants = words.length > 1 ? [words, [words.join('')]] : [words];
    for (const variant of variants) {
      addAlias(aliasesByFirstWord, variant, brand);
      if (brand.matchAnywhere) addAlias(anywhereByFirstWord, variant, brand);
      const whole = variant.join(' ');
      if (!exactKeys.has(whole)) exactKeys.set(whole, brand);
    }
  }
}

for (const brand of brands) indexBrand(brand);

function wordsMatch(words: readonly string[], start: number, entry: AliasEntry, lastMayBeCut: boolean): boolean {
  const last = entry.words.length - 1;
  if (start + last >= words.length) return false;
  for (let offset = 1; offset < last; offset++) if (words[start + offset] !== entry.words[offset]) return false;
  const word = words[start + last] ?? '';
  const aliasWord = entry.words[last] ?? '';
  if (word === aliasWord) return true;
  // Fixed-width card records cut the merchant field mid-word ("DICKS SPORTING GOO").
  return lastMayBeCut && last > 0 && word.length >= 3 && word.length < aliasWord.length && aliasWord.startsWith(word);
}

function aliasAt(index: Map<string, AliasEntry[]>, words: readonly string[], start: number): Brand | undefined {
  const first = words[start];
  const entries = first === undefined ? undefined : index.get(first);
  if (entries === undefined) return undefined;
  for (const entry of entries) if (wordsMatch(words, start, entry, false)) return entry.brand;
  for (const entry of entries) if (wordsMatch(words, start, entry, true)) return entry.brand;
  return undefined;
}

/**
 * The brand a cleaned description names: its whole key, else the longest alias at its start
 * (a multi-word alias also when its last word is cut short), else (for payroll and fee lines)
 * an alias of a matchAnywhere brand at any later word.
 */
export function brandNamedBy(key: string, words: readonly string[]): Brand | undefined {
  const exact = exactKeys.get(key);
  if (exact !== undefined) return exact;
  const atStart = aliasAt(aliasesByFirstWord, words, 0);
  if (atStart !== undefined) return atStart;
  if (anywhereByFirstWord.size === 0) return undefined;
  for (let start = 1; start < words.length; start++) {
    const keyword = aliasAt(anywhereByFirstWord, words, start);
    if (keyword !== undefined) return keyword;
  }
  return undefined;
}

/** The brand whose alias or name is exactly this key. */
export function brandWithKey(key: string): Brand | undefined {
  return exactKeys.get(key);
}

/** A lexicon brand's key: its name in key space. */
export function brandKey(brand: Brand): string {
  return keysOfBrands.get(brand) ?? keyOf(brand.name);
}
