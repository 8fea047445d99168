import { brandKey, brandNamedBy, brandWithKey } from './brand-index.ts';
import { hasLetterOrDigit, keyOf } from './key.ts';
import {
  cities,
  cityLastWords,
  countries,
  countryLastWords,
  cutWords,
  datesAndTimes,
  labelledName,
  labelledRemittance,
  leadingNoise,
  leadingSymbols,
  legalForms,
  longestCityWords,
  numberAfterType,
  numberLabels,
  phoneNumbers,
  sepaReferenceFields,
  sepaTextFields,
  slashFieldName,
  slashFieldRemittance,
  trailingNoiseWords,
  usStates,
  webAddress,
  wordSeparators,
} from './noise.ts';
import { titleCase } from './title-case.ts';
import type { Brand, CleanedMerchant } from './types.ts';

/**
 * Structured bank formats name the counterparty in a field: Dutch "/NAME/…/REMI/…" and
 * "Naam: … Omschrijving: …", German SEPA "EREF+… SVWZ+…". Keeps the name, then the remittance
 * text behind a word the tail cut stops at (so payroll keywords in it still match).
 */
function structuredFields(text: string): string {
  const slashName = text.includes('/NAME/') ? slashFieldName.exec(text) : null;
  if (slashName) return `${slashName[1]} REMI ${slashFieldRemittance.exec(text)?.[1] ?? ''}`;
  if (text.includes(':')) {
    const named = labelledName.exec(text);
    if (named) return `${named[1]} OMSCHRIJVING ${labelledRemittance.exec(text)?.[1] ?? ''}`;
  }
  if (!text.includes('+')) return text;
  return text.replace(sepaReferenceFields, ' ').replace(sepaTextFields, ' $1 ');
}

const digit = /\d/;

/**
 * Phone numbers, dates and times wherever they are ("866-579-7172", "ON 12 MAR", "12.03.24/14.25").
 * Each becomes a plain number, so the name is still cut where it stood ("PAYPAL *JOHNSMITH
 * 402-935-7733 CA" → "JOHNSMITH", not "JOHNSMITH CA"); at the start, the leading step drops it.
 */
function stripNumbersAndDates(text: string): string {
  if (!digit.test(text)) return text;
  return text.replace(phoneNumbers, ' 0000 ').replace(datesAndTimes, ' 0000 ');
}

/** Transaction types, processor prefixes, card markers and dates before the merchant, repeatedly ("POS DEBIT SQ *…"). */
function stripLeadingNoise(text: string): string {
  let rest = text.trimStart();
  for (let round = 0; round < 8; round++) {
    let next = rest.replace(leadingNoise, '').replace(leadingSymbols, '');
    if (next === rest) break;
    // Something was stripped, so a bare number now first is a terminal or card number.
    next = next.replace(numberAfterType, '');
    rest = next;
  }
  return rest;
}

/** The words of a text; "&" stays a word of its own ("STOP & SHOP"), bare punctuation goes. */
function wordsOf(text: string): string[] {
  return text.split(wordSeparators).filter((word) => word === '&' || hasLetterOrDigit(word));
}

const plainWord = /^[A-Z0-9]+$/;

/** A word in key space; most words are plain capitals already, which saves keyOf's regexes. */
function wordKey(word: string): string {
  return plainWord.test(word) ? word : keyOf(word);
}

/** The words of a description and their keys, side by side; `start`/`end` bound the name. */
type Words = { words: readonly string[]; keys: readonly string[] };

const maskOrReference = /^(?:[X*]{3,}\d*|\d{4,}|(?=.*\d)[\p{L}\d]{6,})$/u;
const ordinal = /^\d+(?:ST|ND|RD|TH)$/;

/** Whether a word carries numbers: store, terminal and reference numbers, masked cards ("10234", "XXXX1234", "2K4LL1Q02"). */
function isNumbered(word: string): boolean {
  return digit.test(word) ? !ordinal.test(word) : maskOrReference.test(word);
}

/**
 * The span up to the first store number (with its label: "STORE 123"), reference code,
 * reference label, legal form or web address after the name ("WHOLEFDS MKT 10234 AUSTIN TX" →
 * "WHOLEFDS MKT", "REWE MARKT GMBH BERLIN" → "REWE MARKT"); a short number first in the text is
 * part of the name ("5 GUYS"), a masked card or long number there is skipped.
 */
function cutAtReference({ words, keys }: Words): [start: number, end: number] {
  let start = 0;
  while (start < words.length - 1 && (maskOrReference.test(words[start] ?? '') || keys[start] === '&')) start++;
  for (let index = start + 1; index < words.length; index++) {
    const word = words[index] ?? '';
    const key = keys[index] ?? '';
    if (isNumbered(word)) return [start, numberLabels.has(keys[index - 1] ?? '') && index - 1 > start ? index - 1 : index];
    if (cutWords.has(key) || legalForms.has(key) || webAddress.test(word)) return [start, index];
    // "CO" before more words is the company ("TIRE & LUBE CO 40150 …"); last, it is Colorado.
    if (key === 'CO' && index < words.length - 1) return [start, index];
  }
  return [start, words.length];
}

/** The key of the `count` words before `end`. */
function keyBefore(keys: readonly string[], end: number, count: number): string {
  return count === 1 ? (keys[end - 1] ?? '') : keys.slice(end - count, end).join(' ');
}

/** How many words before `end` form a known city (0 when none), keeping at least `keep` words after `start`. */
function cityBefore(keys: readonly string[], start: number, end: number, keep: number): number {
  if (!cityLastWords.has(keys[end - 1] ?? '')) return 0;
  for (let count = Math.min(longestCityWords, end - start - keep); count >= 1; count--) {
    if (cities.has(keyBefore(keys, end, count))) return count;
  }
  return 0;
}

/** How many trailing words to drop as noise (dangling words, legal forms) or as a region (state, country). */
function droppableEnd(keys: readonly string[], length: number, end: number): { count: number; region: boolean } | undefined {
  const last = keys[end - 1] ?? '';
  if (trailingNoiseWords.has(last) || legalForms.has(last)) return { count: 1, region: false };
  if (length < 3) return undefined;
  if (usStates.has(last) || countries.has(last)) return { count: 1, region: true };
  if (countryLastWords.has(last) && countries.has(keyBefore(keys, end, 2))) return { count: 2, region: true };
  return undefined;
}

/**
 * The end of the name once trailing places and legal forms are dropped: "JOES PIZZA AUSTIN TX"
 * → "JOES PIZZA", "REWE MARKT GMBH BERLIN DE" → "REWE MARKT". After a state or country the
 * word(s) before are the city: a known one is dropped whole, an unknown one as a single word
 * when two words stay; without a region marker only known cities go, and only when two words stay.
 */
function endBeforePlaces({ keys }: Words, start: number, initialEnd: number): number {
  let end = initialEnd;
  let afterRegion = false;
  // Every round drops at least one word or stops, so the loop ends; no cap, or a cut-short strip would not be a fixed point.
  while (end - start > 1) {
    const droppable = droppableEnd(keys, end - start, end);
    if (droppable !== undefined) {
      end -= droppable.count;
      afterRegion ||= droppable.region;
      continue;
    }
    const city = cityBefore(keys, start, end, afterRegion ? 1 : 2);
    if (city > 0) end -= city;
    else if (afterRegion && end - start >= 3) end -= 1;
    else break;
    afterRegion = false;
  }
  return end;
}

/**
 * One pass's result: the key, and the brand or the name's words (title-cased only once the key is
 * final). `settled` says a second pass over the key would provably give the same key (see settles).
 */
type Analysis =
  | { key: string; brand: Brand; nameWords?: undefined; settled: true }
  | { key: string; brand?: undefined; nameWords: readonly string[]; settled: boolean };

const plainKey = /^[A-Z ]+$/;

/**
 * Whether cleaning `key` again must give `key`: the name starts the stripped text verbatim, in
 * plain capitals without digits (so no date, phone, marker or normalization step can act on it
 * differently), and it is no brand's whole key. Then the second pass is skipped; it is the
 * common case, and the pass would double the time per row.
 */
function settles(text: string, key: string, start: number): boolean {
  if (start !== 0 || !plainKey.test(key) || !text.startsWith(key)) return false;
  const next = text.charAt(key.length);
  return (next === '' || !hasLetterOrDigit(next)) && brandWithKey(key) === undefined;
}

/** One pass of the cleaning steps over a text; see cleanMerchant. */
function analyse(description: string): Analysis | undefined {
  const text = stripLeadingNoise(stripNumbersAndDates(structuredFields(description.toUpperCase())));
  const words = wordsOf(text);
  if (words.length === 0) return undefined;
  const keys = words.map(wordKey);
  const fullKey = keys.join(' ');
  // A word's key has a space only when it held punctuation ("NETFLIX.COM"); split just then.
  const brand = brandNamedBy(fullKey, keys.some((key) => key.includes(' ')) ? fullKey.split(' ') : keys);
  if (brand !== undefined) return { key: brandKey(brand), brand, settled: true };
  const [start, cut] = cutAtReference({ words, keys });
  const end = endBeforePlaces({ words, keys }, start, cut);
  const key = keys.slice(start, end).join(' ');
  if (!hasLetterOrDigit(key)) return undefined;
  return { key, nameWords: words.slice(start, end), settled: settles(text, key, start) };
}

/**
 * The merchant a raw bank description names. Strips, in order: structured-field wrappers
 * (SEPA, iDEAL), phone numbers, dates and times, transaction types and processor prefixes at
 * the start, then everything from the first store number or reference on, and trailing
 * cities, states, countries and legal forms. The lexicon maps the rest to a brand; otherwise
 * the name is the remaining words in title case. Undefined when nothing but noise is left.
 *
 * The result's key is a fixed point: cleaning the key again gives the same key.
 */
export function cleanMerchant(description: string): CleanedMerchant | undefined {
  let current = analyse(description);
  // Brand keys are fixed points by construction (a test checks every brand); other keys are
  // re-cleaned until stable unless they provably are (settles), since normalizing a name can
  // make noise of it ("D'D" → "DD", a direct debit marker).
  for (let round = 0; round < 4 && current !== undefined && !current.settled; round++) {
    const again = analyse(current.key);
    if (again !== undefined && again.key === current.key) break;
    current = again;
  }
  if (current === undefined) return undefined;
  if (current.brand !== undefined) return { key: current.key, name: current.brand.name, brand: current.brand };
  return { key: current.key, name: titleCase(current.nameWords) };
}

/**
 * A merchant name typed by a user in the same key space as cleanMerchant's keys, for per-user
 * aliases and renames. A name is not a bank description: nothing is stripped but legal forms,
 * and brands match only the whole name ("Whole Foods" → "WHOLE FOODS", "Shell Beach Cafe" stays).
 */
export function merchantKey(name: string): string {
  const keys = wordsOf(name.toUpperCase()).map(wordKey);
  while (keys.length > 1 && legalForms.has(keys[keys.length - 1] ?? '')) keys.pop();
  const key = keys.join(' ');
  const brand = brandWithKey(key);
  return brand === undefined ? key : brandKey(brand);
}
