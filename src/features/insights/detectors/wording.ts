// How the detectors' sentences name amounts, dates and ratios, so every reason reads alike.
import { displayMoney } from '../../../money/format.ts';

const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 'YYYY-MM-DD' → 'Mar 3'. */
export function shortDate(date: string): string {
  return `${monthNames[Number(date.slice(5, 7)) - 1] ?? date.slice(5, 7)} ${Number(date.slice(8, 10))}`;
}

/** Minor-unit magnitudes as text in one currency. */
export type MoneyText = (minor: number) => string;

export function moneyText(currency: string, exponent: number): MoneyText {
  return (minor) => displayMoney(Math.round(minor), currency, exponent);
}

/** "usually $38.00–$61.00", or "usually $15.49" when the range is one amount. */
export function usualRange(money: MoneyText, low: number, high: number): string {
  const from = money(low);
  const to = money(high);
  return from === to ? `usually ${from}` : `usually ${from}–${to}`;
}

/** 4.06 → "4.1×"; 12.4 → "12×". */
export function times(ratio: number): string {
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}×`;
}

/**
 * A magnitude rounded to two significant digits, for figures read off a histogram (already
 * approximate): 781.37 major units → 780.
 */
export function roughly(minor: number, exponent: number): number {
  const unit = 10 ** exponent;
  const major = minor / unit;
  if (major < 1) return Math.round(minor);
  const step = 10 ** Math.max(0, Math.floor(Math.log10(major)) - 1);
  return Math.round(major / step) * step * unit;
}
