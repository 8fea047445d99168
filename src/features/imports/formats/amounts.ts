// Statement amounts to integer minor units by string arithmetic: no float ever touches the value.
import { FieldError } from './types.ts';

export type DecimalSeparator = '.' | ',';
export type AmountOptions = { exponent: number; decimalSeparator: DecimalSeparator; currency?: string };

/** The API's bound on any amount (MinorUnits): 10^15 minor units. */
export const maxMinorUnits = 1_000_000_000_000_000;

const currencySymbol = '[€$£¥₩₹₽₺₪₫฿₴₦₱₡₲₵₸₼₾¢]|R\\$|US\\$|kr\\.?|zł|Fr\\.|[A-Z]{3}(?![A-Za-z])';
const leadingNoise = new RegExp(`^(?:[-+\u2212]|\\s+|${currencySymbol})`);
const trailingNoise = new RegExp(`(?:-|\\s+|(?<![A-Za-z])(?:${currencySymbol}))$`);
/** Grouping marks besides the other decimal separator: spaces (French), apostrophes (Swiss). */
const groupMarks = ' \u00a0\u202f\u2009\'’';

const groupings = new Map<string, RegExp>();
/** '1.234.567' grouped by '.': one to three digits, then groups of exactly three. */
function groupedBy(mark: string): RegExp {
  let pattern = groupings.get(mark);
  if (!pattern) {
    pattern = new RegExp(`^\\d{1,3}(?:${mark.replace(/[.]/g, '\\.')}\\d{3})+$`);
    groupings.set(mark, pattern);
  }
  return pattern;
}

/**
 * Reads '1.234,56', '1,234.56', '-12.5', '(12.50)', '12.50-', '€ 12,50', '12.50 DR' as signed
 * integer minor units. More fractional digits than the exponent allows are rejected unless they
 * are zeros; thousands separators must group by three.
 */
export function parseAmount(text: string, options: AmountOptions): number {
  const { exponent, decimalSeparator } = options;
  const original = text.trim();
  if (original === '') throw new FieldError('amount is empty');
  const invalid = () => new FieldError(`amount "${original}" is not a number`);

  // Plain '-1234.56' needs none of the sign and symbol handling below.
  const plain = /^-?[\d.,]+$/.test(original);
  const { negative, body } = plain ? { negative: original.startsWith('-'), body: original.replace(/^-/, '') } : signAndBody(original);

  const thousands = decimalSeparator === '.' ? ',' : '.';
  const parts = body.split(decimalSeparator);
  if (parts.length > 2) throw invalid();
  let integer = parts[0]!;
  const fraction = parts[1] ?? '';
  if (!/^\d*$/.test(fraction)) throw invalid();
  if (!/^\d*$/.test(integer)) {
    const marks = new Set(integer.replace(/\d/g, ''));
    const mark = [...marks][0];
    if (marks.size !== 1 || mark === undefined || !(mark === thousands || groupMarks.includes(mark))) throw invalid();
    if (!groupedBy(mark).test(integer)) {
      throw new FieldError(`amount "${original}" is not a number with "${decimalSeparator}" as decimal separator`);
    }
    integer = integer.replace(/\D/g, '');
  }
  if (integer === '' && fraction === '') throw invalid();

  if (fraction.length > exponent && !/^0*$/.test(fraction.slice(exponent))) {
    const allowed = options.currency ? `${options.currency} has ${exponent}` : `only ${exponent} are allowed`;
    throw new FieldError(`amount "${original}" has ${fraction.length} decimals but ${allowed}`);
  }
  const digits = (integer + fraction.slice(0, exponent).padEnd(exponent, '0')).replace(/^0+/, '');
  const limit = String(maxMinorUnits);
  if (digits.length > limit.length || (digits.length === limit.length && digits > limit)) {
    throw new FieldError(`amount "${original}" is too large`);
  }
  const value = digits === '' ? 0 : Number(digits);
  return negative && value !== 0 ? -value : value;
}

/** Strips currency symbols and codes and reads the sign, however the bank wrote it. */
function signAndBody(original: string): { negative: boolean; body: string } {
  let body = original;
  let signs = 0;
  let negative = false;
  const parenthesised = /^\((.*)\)$/.exec(body);
  if (parenthesised) {
    signs++;
    negative = true;
    body = parenthesised[1]!.trim();
  }
  const drCr = /\s*\b(CR|DR)$/i.exec(body);
  if (drCr) {
    signs++;
    negative = drCr[1]!.toUpperCase() === 'DR';
    body = body.slice(0, drCr.index);
  }
  for (let match = leadingNoise.exec(body); match; match = leadingNoise.exec(body)) {
    if (/^[-+\u2212]$/.test(match[0])) {
      signs++;
      negative = match[0] !== '+';
    }
    body = body.slice(match[0].length);
  }
  for (let match = trailingNoise.exec(body); match; match = trailingNoise.exec(body)) {
    if (match[0] === '-') {
      signs++;
      negative = true;
    }
    body = body.slice(0, body.length - match[0].length);
  }
  if (signs > 1) throw new FieldError(`amount "${original}" has more than one sign`);
  return { negative, body };
}

// Formatting lives with the money helpers; re-exported for the parsers' round-trip tests.
export { formatMinorUnits, type FormatOptions } from '../../../money/format.ts';

export type SeparatorGuess = { decimalSeparator: DecimalSeparator | null; commaThousands: boolean };

/**
 * Which decimal separator a column of amounts uses, by vote: '1.234,56' and '12,5' say ',',
 * '1,234.56' and '12.50' say '.', while '1,234' or '1.234' alone say nothing.
 */
export function guessDecimalSeparator(values: Iterable<string>): SeparatorGuess {
  let dot = 0;
  let comma = 0;
  let commaThousands = false;
  for (const value of values) {
    const marks = value.replace(/[^\d.,]/g, '');
    if (!/\d/.test(marks)) continue;
    const lastDot = marks.lastIndexOf('.');
    const lastComma = marks.lastIndexOf(',');
    if (lastDot >= 0 && lastComma >= 0) {
      if (lastDot > lastComma) {
        dot++;
        commaThousands = true;
      } else comma++;
      continue;
    }
    const mark = lastDot >= 0 ? '.' : lastComma >= 0 ? ',' : null;
    if (mark === null) continue;
    const count = marks.split(mark).length - 1;
    const after = marks.length - marks.lastIndexOf(mark) - 1;
    if (count > 1) {
      // repeated marks group thousands: the decimal separator is the other one
      if (mark === ',') {
        dot++;
        commaThousands = true;
      } else comma++;
    } else if (after !== 3) {
      if (mark === '.') dot++;
      else comma++;
    }
  }
  return { decimalSeparator: dot === 0 && comma === 0 ? null : dot >= comma ? '.' : ',', commaThousands };
}
