// Writing CSV for spreadsheets: RFC 4180 quoting, and text that cannot run as a formula.

/** A text cell starting with = + - @ (or a tab/CR) would be a formula in Excel and friends. */
export function neutralizeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180: quote a field holding a comma, quote, CR or LF, doubling inner quotes. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvLine(fields: string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** The export's columns, in their stable order. */
export const exportColumns = [
  'id', 'date', 'account_id', 'amount', 'amount_minor', 'currency', 'description', 'merchant',
  'category_id', 'category', 'notes', 'tags', 'external_id', 'status', 'transfer_id',
] as const;

/** Reading our own export back: the columns that carry a transaction. */
export const exportMapping = {
  date: 'date',
  amount: 'amount',
  description: 'description',
  payee: 'merchant',
  memo: 'notes',
  external_id: 'external_id',
} as const;
