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

const symbols = new Map<string, string>();

/**
 * Minor units as a person reads them in a sentence: (1549, 'USD') → "$15.49", (-3800, 'EUR') →
 * "-€38.00", (1200, 'JPY') → "¥1,200". The digits come from the ISO 4217 exponent (exact, no
 * floats); only the symbol comes from Intl, and where Intl has none the code goes in front
 * ("CHF 1,234.56").
 */
export function displayMoney(value: number, currency: string, exponent: number): string {
  let symbol = symbols.get(currency);
  if (symbol === undefined) {
    try {
      const part = new Intl.NumberFormat('en', { style: 'currency', currency, currencyDisplay: 'narrowSymbol' })
        .formatToParts(0)
        .find((p) => p.type === 'currency');
      symbol = part && part.value !== currency ? part.value : `${currency} `;
    } catch {
      symbol = `${currency} `;
    }
    symbols.set(currency, symbol);
  }
  const digits = formatMinorUnits(Math.abs(value), { exponent, thousandsSeparator: ',' });
  return `${value < 0 ? '-' : ''}${symbol}${digits}`;
}
