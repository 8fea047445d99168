export type FormatOptions = { exponent: number; decimalSeparator?: '.' | ','; thousandsSeparator?: string };

/**
 * Minor units as text in major units, exactly (no floats): (-450, {exponent: 2}) → "-4.50",
 * (1200, {exponent: 0}) → "1200", with optional separators ('-1,234.56', '-1.234,56').
 */
export function formatMinorUnits(value: number, options: FormatOptions): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not an integer amount`);
  const { exponent, decimalSeparator = '.', thousandsSeparator = '' } = options;
  const digits = String(Math.abs(value)).padStart(exponent + 1, '0');
  const integer = digits.slice(0, digits.length - exponent);
  const grouped = thousandsSeparator ? integer.replace(/\B(?=(\d{3})+$)/g, thousandsSeparator) : integer;
  const text = exponent > 0 ? `${grouped}${decimalSeparator}${digits.slice(digits.length - exponent)}` : grouped;
  return value < 0 ? `-${text}` : text;
}
