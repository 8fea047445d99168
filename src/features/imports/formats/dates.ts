// Statement dates in the handful of layouts banks use, validated as real days in the ledger's range.
import { ledgerDates } from '../../../limits.ts';
import { FieldError, type DateFormat } from './types.ts';

/** Every date layout the contract names, in the order detection tries them. */
export const dateFormats = [
  'YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY', 'YYYYMMDD', 'DD-MM-YYYY', 'MM-DD-YYYY',
] as const satisfies readonly DateFormat[];

// Fails to compile when the contract names a layout this list leaves out.
const everyDateFormatListed: Exclude<DateFormat, (typeof dateFormats)[number]> extends never ? true : never = true;
void everyDateFormatListed;

const { earliest, latest } = ledgerDates;

type Layout = { pattern: RegExp; order: 'ymd' | 'dmy' | 'mdy' };
const layouts: Record<DateFormat, Layout> = {
  'YYYY-MM-DD': { pattern: /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/, order: 'ymd' },
  YYYYMMDD: { pattern: /^(\d{4})(\d{2})(\d{2})$/, order: 'ymd' },
  'DD/MM/YYYY': { pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2}|'\d{2})$/, order: 'dmy' },
  'MM/DD/YYYY': { pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2}|'\d{2})$/, order: 'mdy' },
  'DD.MM.YYYY': { pattern: /^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2}|'\d{2})$/, order: 'dmy' },
  'DD-MM-YYYY': { pattern: /^(\d{1,2})-(\d{1,2})-(\d{4}|\d{2}|'\d{2})$/, order: 'dmy' },
  'MM-DD-YYYY': { pattern: /^(\d{1,2})-(\d{1,2})-(\d{4}|\d{2}|'\d{2})$/, order: 'mdy' },
};

/** A time of day after the date ('2026-03-14 10:22', '2026-03-14T10:22:01Z') is ignored. */
const timeOfDay = /[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[AP]M|[+-]\d{2}:?\d{2})?$/i;

function year(text: string): number {
  // Quicken's 3/14'26 means 2026; other two-digit years pivot: 00–69 → 20xx, 70–99 → 19xx.
  if (text.startsWith("'")) return 2000 + Number(text.slice(1));
  const value = Number(text);
  if (text.length === 2) return value < 70 ? 2000 + value : 1900 + value;
  return value;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** The date as YYYY-MM-DD, or a FieldError saying why it is not one. */
export function parseDate(text: string, format: DateFormat): string {
  const original = text.trim();
  if (original === '') throw new FieldError('date is empty');
  const { pattern, order } = layouts[format];
  // Quicken pads with spaces (' 3/ 4'26') and writes the apostrophe year in place of the separator.
  const match =
    pattern.exec(original) ??
    pattern.exec(
      original
        .replace(timeOfDay, '')
        .replace(/\s+/g, '')
        .replace(/^(\d{1,2}([/.-])\d{1,2})'(\d{2})$/, "$1$2'$3"),
    );
  if (!match) throw new FieldError(`date "${original}" is not in the format ${format}`);
  const [a, b, c] = [match[1]!, match[2]!, match[3]!];
  const [y, m, d] = order === 'ymd' ? [year(a), Number(b), Number(c)] : order === 'dmy' ? [year(c), Number(b), Number(a)] : [year(c), Number(a), Number(b)];
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) throw new FieldError(`date "${original}" is not a real day`);
  const iso = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  if (iso < earliest || iso > latest) throw new FieldError(`date "${original}" is out of range (${earliest} to ${latest})`);
  return iso;
}

export function isDate(text: string, format: DateFormat): boolean {
  try {
    parseDate(text, format);
    return true;
  } catch {
    return false;
  }
}

/** Could this be a date in any of the formats? */
export function looksLikeDate(text: string): boolean {
  return dateFormats.some((format) => isDate(text, format));
}

/**
 * The format that reads the most of these values. A tie between day-first and month-first (no
 * day above 12 anywhere) goes to day-first, unless `monthFirst` says the file is US-style.
 */
export function detectDateFormat(values: readonly string[], options: { monthFirst: boolean }): DateFormat | null {
  let best: DateFormat[] = [];
  let bestCount = 0;
  for (const format of dateFormats) {
    const count = values.filter((value) => isDate(value, format)).length;
    if (count > bestCount) {
      best = [format];
      bestCount = count;
    } else if (count === bestCount && count > 0) best.push(format);
  }
  if (best.length === 0) return null;
  const monthFirst = best.find((format) => format.startsWith('MM'));
  const dayFirst = best.find((format) => format.startsWith('DD'));
  if (monthFirst && dayFirst) return options.monthFirst ? monthFirst : dayFirst;
  return best[0]!;
}
