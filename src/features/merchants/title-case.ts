/** Joining words kept lower case inside a name ("House of Pies", "Café de Flore", "Bakkerij van Dam"). */
const smallWords = new Set([
  'A', 'AN', 'AND', 'OF', 'THE', 'AT', 'ON', 'IN', 'FOR', 'BY', 'TO', 'DE', 'LA', 'LE', 'LES', 'DU', 'DES', 'ET', 'VAN', 'DER',
  'DEN', 'HET', 'UND', 'AM', 'IM', 'ZUM', 'ZUR', 'DA', 'DI', 'DEL', 'Y', 'EN', 'AUX',
]);
/** Short vowel-less words that are abbreviations of ordinary words, not brands ("St", "Mr", "Dr"). */
const shortTitles = new Set(['MR', 'MRS', 'MS', 'DR', 'ST', 'MT', 'JR', 'SR', 'FT', 'BLVD', 'HWY', 'PL']);
const romanNumeral = /^(?=[IVX]{2,})X{0,3}(?:IX|IV|V?I{0,3})$/;
const vowels = /[AEIOUYÄÖÜÉÈÀÁÍÓÚÂÊÎÔÛ]/;
const lettersOnly = /^\p{Lu}+$/u;
const hasLetter = /\p{L}/u;
const ordinal = /^\d+(?:ST|ND|RD|TH)$/;

/** Whether an upper-case word reads as an acronym to keep as it is ("BBQ", "KFC", "BP", "NYC", "III"). */
function isAcronym(word: string): boolean {
  if (romanNumeral.test(word)) return true;
  return word.length >= 2 && word.length <= 4 && lettersOnly.test(word) && !vowels.test(word) && !shortTitles.has(word);
}

const plainCapitals = /^[A-Z]+$/;
const plainVowels = /[AEIOUY]/;

/** The common case, a word of plain capitals, without the general path's Unicode regexes. */
function plainTitleWord(word: string): string {
  if (word.length >= 2 && word.length <= 4 && !plainVowels.test(word) && !shortTitles.has(word)) return word;
  if (word.length >= 2 && romanNumeral.test(word)) return word;
  if (word.length > 3 && word.startsWith('MC')) return `Mc${word.charAt(2)}${word.slice(3).toLowerCase()}`;
  return word.charAt(0) + word.slice(1).toLowerCase();
}

/** Upper-cases the letter at `index` of an already lower-cased word. */
function capitalAt(word: string, index: number): string {
  return word.slice(0, index) + word.charAt(index).toUpperCase() + word.slice(index + 1);
}

/**
 * One word in title case: "JOE'S" → "Joe's", "O'BRIEN" → "O'Brien", "MCGRATH" → "McGrath",
 * "COCA-COLA" → "Coca-Cola", "2ND" → "2nd", "NETFLIX.COM" → "Netflix.com".
 */
function titleWord(word: string): string {
  if (plainCapitals.test(word)) return plainTitleWord(word);
  if (!hasLetter.test(word) || isAcronym(word)) return word;
  if (ordinal.test(word)) return word.toLowerCase();
  let result = word.toLowerCase();
  const firstLetter = result.search(/\p{L}/u);
  if (firstLetter > 0 && /\d/.test(result.charAt(firstLetter - 1))) return result;
  result = capitalAt(result, firstLetter);
  for (let index = firstLetter + 1; index < result.length; index++) {
    const previous = result.charAt(index - 1);
    const afterHyphen = previous === '-';
    // An elided article: O'Brien, D'Angelo, L'Occitane — a single letter before the apostrophe.
    const afterElision = (previous === "'" || previous === '’') && index === firstLetter + 2;
    if (afterHyphen || afterElision) result = capitalAt(result, index);
  }
  if (/^Mc\p{Ll}{2,}/u.test(result)) result = capitalAt(result, 2);
  return result;
}

/** A display name from upper-case words; joining words after the first stay lower case. */
export function titleCase(words: readonly string[]): string {
  return words.map((word, index) => (index > 0 && smallWords.has(word) ? word.toLowerCase() : titleWord(word))).join(' ');
}
