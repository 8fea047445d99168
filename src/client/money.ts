// Amounts travel as integers in the currency's minor unit (125000 EUR is €1,250.00). These turn
// them into decimal strings and back, exactly: string and bigint arithmetic, never floats, with
// the exponent from the committed ISO 4217 table so a client needs no table of its own.
import { currencyExponents } from '../money/currencies.ts';
import { displayMoney, formatMinorUnits } from '../money/format.ts';

/** The number of decimal places of a currency's minor unit (ISO 4217): USD 2, JPY 0, KWD 3. */
export function currencyExponent(currency: string): number {
  const exponent = (currencyExponents as Record<string, number>)[currency];
  if (exponent === undefined) throw new RangeError(`${JSON.stringify(currency)} is not an ISO 4217 currency code`);
  return exponent;
}

/** Minor units as a plain decimal string: (125000, 'EUR') → "1250.00", (1200, 'JPY') → "1200", (1500, 'KWD') → "1.500". */
export function toDecimalString(minor: number, currency: string): string {
  return formatMinorUnits(minor, { exponent: currencyExponent(currency) });
}

const decimalPattern = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * A decimal string as minor units: ("12.34", 'USD') → 1234, ("12.3", 'USD') → 1230, ("1200", 'JPY')
 * → 1200. Refuses more decimals than the currency has ("12.345" USD) rather than rounding, and any
 * result beyond Number.MAX_SAFE_INTEGER, which the API cannot hold either.
 */
export function fromDecimalString(decimal: string, currency: string): number {
  const exponent = currencyExponent(currency);
  const match = decimalPattern.exec(decimal);
  if (!match) throw new RangeError(`${JSON.stringify(decimal)} is not a decimal number like "12.34"`);
  const [, sign = '', integer = '', fraction = ''] = match;
  if (fraction.length > exponent) {
    throw new RangeError(`${JSON.stringify(decimal)} has more than ${exponent} decimal place(s), the most ${currency} has`);
  }
  const minor = BigInt(`${sign}${integer}${fraction.padEnd(exponent, '0')}`);
  if (minor > BigInt(Number.MAX_SAFE_INTEGER) || minor < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`${JSON.stringify(decimal)} ${currency} is beyond the largest amount the API holds`);
  }
  // "-0" and "-0.00" are zero, not negative zero.
  return minor === 0n ? 0 : Number(minor);
}

/** Minor units as a person reads them: (125000, 'EUR') → "€1,250.00", (-450, 'USD') → "-$4.50". */
export function formatMoney(minor: number, currency: string): string {
  return displayMoney(minor, currency, currencyExponent(currency));
}
