const nonAscii = /[^\x00-\x7f]/;
const combiningMarks = /\p{M}+/gu;
const apostrophes = /['’`´]/g;
const trailingPlus = /\+(?=\s|$)/g;
const ampersands = /&/g;
const nonKeyCharacters = /[^\p{L}\p{N}&]+/gu;

/**
 * The key space merchants are compared in: upper case, accents folded ("MÜLLER" → "MULLER"),
 * apostrophes dropped ("MCDONALD'S" → "MCDONALDS"), a trailing "+" read as PLUS ("DISNEY+"),
 * "&" a word of its own ("AT&T" → "AT & T"), any other punctuation a single space.
 */
export function keyOf(text: string): string {
  let upper = text.toUpperCase();
  // Folding only when needed: NFD on every ASCII description would cost time for nothing.
  if (nonAscii.test(upper)) upper = upper.normalize('NFD').replace(combiningMarks, '');
  return upper
    .replace(apostrophes, '')
    .replace(trailingPlus, ' PLUS')
    .replace(ampersands, ' & ')
    .replace(nonKeyCharacters, ' ')
    .trim();
}

const letterOrDigit = /[\p{L}\p{N}]/u;

/** Whether a text has anything a name can be made of. */
export function hasLetterOrDigit(text: string): boolean {
  return letterOrDigit.test(text);
}
