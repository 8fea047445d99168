const nonAscii = /[^\x00-\x7f]/;
const combiningMarks = /\p{M}+/gu;
const apostrophes = /['’`´]/g;
const trailingPlus = /\+(?=\s|$)/g;
const ampersands = /&/g;
const nonKeyCharacters = /[^\p{L}\p{N}&]+/gu;
// The same for plain ASCII text, which most descriptions are: a class without /u is several times faster.
const nonKeyAscii = /[^A-Z0-9&]+/g;

/**
 * The key space merchants are compared in: upper case, accents folded ("MÜLLER" → "MULLER"),
 * apostrophes dropped ("MCDONALD'S" → "MCDONALDS"), a trailing "+" read as PLUS ("DISNEY+"),
 * "&" a word of its own ("AT&T" → "AT & T"), any other punctuation a single space.
 */
export function keyOf(text: string): string {
  const upper = text.toUpperCase();
  if (!nonAscii.test(upper)) return spaced(upper, nonKeyAscii);
  return spaced(upper.normalize('NFD').replace(combiningMarks, ''), nonKeyCharacters);
}

function spaced(upper: string, nonKey: RegExp): string {
  let text = upper;
  if (text.includes("'") || text.includes('`') || nonAscii.test(text)) text = text.replace(apostrophes, '');
  if (text.includes('+')) text = text.replace(trailingPlus, ' PLUS');
  if (text.includes('&')) text = text.replace(ampersands, ' & ');
  return text.replace(nonKey, ' ').trim();
}

const letterOrDigit = /[\p{L}\p{N}]/u;
const asciiLetterOrDigit = /[A-Za-z0-9]/;

/** Whether a text has anything a name can be made of. */
export function hasLetterOrDigit(text: string): boolean {
  return asciiLetterOrDigit.test(text) || (nonAscii.test(text) && letterOrDigit.test(text));
}
