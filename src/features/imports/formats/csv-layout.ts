// How a CSV export is laid out, read from its first lines: delimiter, preamble, header, which
// column holds what, the decimal separator and the date format.
import { guessDecimalSeparator, parseAmount, type DecimalSeparator } from './amounts.ts';
import { detectDateFormat, looksLikeDate } from './dates.ts';
import { StatementError, type CsvMapping, type DateFormat, type ParseOptions } from './types.ts';

export type CsvRecord = { line: number; cells: string[] };

export type CsvField = keyof CsvMapping | 'direction' | 'currency';

export type CsvLayout = {
  delimiter: string;
  /** The 1-based line where data rows start (after any preamble and the header). */
  dataLine: number;
  header: string[] | null;
  columnCount: number;
  columns: Partial<Record<CsvField, number>>;
  mapping: CsvMapping;
  dateFormat: DateFormat;
  decimalSeparator: DecimalSeparator;
  currency: string | null;
};

const delimiters = [',', ';', '\t', '|'] as const;

/**
 * Splits CSV text into records the way csv-parse does (RFC 4180 quotes, "" inside quotes, quotes
 * elsewhere taken literally), keeping each record's first line number. A record left open by an
 * unterminated quote at the end of the text (a cut-off head) is dropped.
 */
export function splitRecords(text: string, delimiter: string, limit = Number.POSITIVE_INFINITY): CsvRecord[] {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endRecord = () => {
    cells.push(cell);
    records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
  };
  for (; i < text.length && records.length < limit; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else cell += c;
  }
  if (i >= text.length && !quoted && (cell !== '' || cells.length > 0) && records.length < limit) endRecord();
  return records;
}

const isBlank = (record: CsvRecord) => record.cells.every((cell) => cell.trim() === '');

/** Fits the expected width: exactly, or with extra cells that are all empty (a trailing delimiter). */
export function fitsWidth(cells: readonly string[], width: number): boolean {
  if (cells.length === width) return true;
  return cells.length > width && cells.slice(width).every((cell) => cell.trim() === '');
}

/**
 * The delimiter that splits the first lines into the same number (≥ 2) of columns, respecting
 * quotes. Lines before the first line of that width are a preamble (account details some banks
 * write above the header). Among delimiters that split consistently, the widest wins: a German
 * file with one decimal comma per row splits evenly on ',' too, but into fewer columns than ';'.
 */
export function sniffDelimiter(text: string): { delimiter: string; columnCount: number } | null {
  let best: { delimiter: string; columnCount: number; consistency: number } | null = null;
  for (const delimiter of delimiters) {
    const records = splitRecords(text, delimiter, 60).filter((record) => !isBlank(record));
    const counts = new Map<number, number>();
    for (const record of records) counts.set(record.cells.length, (counts.get(record.cells.length) ?? 0) + 1);
    let width = 0;
    let frequency = 0;
    for (const [count, times] of counts) {
      if (times > frequency || (times === frequency && count > width)) [width, frequency] = [count, times];
    }
    if (width < 2) continue;
    const first = records.findIndex((record) => record.cells.length === width);
    if (first > 10) continue;
    const body = records.slice(first);
    const consistency = body.filter((record) => fitsWidth(record.cells, width)).length / body.length;
    if (consistency < 0.8) continue;
    if (!best || width > best.columnCount || (width === best.columnCount && consistency > best.consistency)) {
      best = { delimiter, columnCount: width, consistency };
    }
  }
  return best && { delimiter: best.delimiter, columnCount: best.columnCount };
}

/** Our own export escapes text that a spreadsheet would run as a formula with a leading apostrophe. */
export function cellValue(raw: string | undefined, keepLineBreaks = false): string {
  if (raw === undefined) return '';
  const text = raw.charCodeAt(0) === 39 && /^'[=+\-@\t\r]/.test(raw) ? raw.slice(1) : raw;
  if (keepLineBreaks) return text.trim();
  // A quoted cell may run over several lines (French banks' libellés); keep it on one.
  return (text.includes('\n') || text.includes('\r') ? text.replace(/\s*[\r\n]+\s*/g, ' ') : text).trim();
}

/** Header text compared loosely: case, accents, punctuation and a unit in brackets ('Betrag (EUR)') do not matter. */
export function normalizeHeader(name: string): string {
  return name
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Header names of real exports (English, German, French, Dutch, Spanish), normalized, most
 * specific first: for each field the first name found in the header wins.
 */
const writtenHeaderNames: Record<CsvField, readonly string[]> = {
  date: [
    'booking date', 'transaction date', 'posting date', 'posted date', 'post date', 'trans date', 'date',
    'Buchungstag', 'Buchungsdatum', 'Datum', 'date opération', "date de l'opération", "date d'opération",
    'date comptable', 'fecha operación', 'fecha contable', 'fecha', 'boekdatum', 'transactiedatum',
    'value date', 'valutadatum', 'Wertstellung', 'date valeur', 'fecha valor',
  ],
  amount: [
    'amount', 'transaction amount', 'betrag', 'umsatz', 'montant', 'bedrag', 'importe', 'amount eur', 'betrag eur', 'value',
  ],
  debit: [
    'debit', 'debits', 'debit amount', 'withdrawal', 'withdrawals', 'withdrawal amount', 'money out', 'paid out',
    'out', 'soll', 'ausgabe', 'débit euros', 'débit', 'montant débit', 'cargo', 'cargos', 'af',
  ],
  credit: [
    'credit', 'credits', 'credit amount', 'deposit', 'deposits', 'deposit amount', 'money in', 'paid in', 'in',
    'haben', 'einnahme', 'crédit euros', 'crédit', 'montant crédit', 'abono', 'abonos', 'bij',
  ],
  direction: ['Af Bij', 'debit/credit', 'credit/debit', 'dr/cr', 'cr/dr', 'Soll/Haben', 'S/H', 'D/C', 'credit debit indicator'],
  currency: ['currency', 'ccy', 'Währung', 'Waehrung', 'devise', 'moneda', 'munt'],
  external_id: [
    'external id', 'fitid', 'transaction id', 'transaction reference', 'reference number', 'ref number',
    'transaktions id', 'transaktionsnummer', 'id',
  ],
  description: [
    'description', 'transaction description', 'details', 'transaction details', 'Verwendungszweck', 'Buchungstext',
    'libellé', 'libellé opération', "libellé de l'opération", 'omschrijving', 'concepto', 'descripción', 'narrative',
  ],
  payee: [
    'payee', 'payee name', 'name', 'merchant', 'counterparty', 'Begünstigter / Zahlungspflichtiger',
    'Auftraggeber / Empfänger', 'Auftraggeber / Begünstigter', 'Empfänger', 'Zahlungsempfänger', 'Auftraggeber',
    'Begünstigter', 'Name Zahlungsbeteiligter', 'bénéficiaire', 'tiers', 'Naam / Omschrijving', 'naam',
    'tegenpartij', 'beneficiario', 'ordenante',
  ],
  memo: ['memo', 'reference', 'notes', 'note', 'referenz', 'mededelingen', 'remarque', 'commentaire', 'notas', 'referencia', 'observaciones'],
};

const headerNames: Record<CsvField, readonly string[]> = { ...writtenHeaderNames };
for (const field of Object.keys(headerNames) as CsvField[]) headerNames[field] = writtenHeaderNames[field].map(normalizeHeader);

/** Looser matches, only when no exact name was found. */
const headerWords: Partial<Record<CsvField, readonly string[]>> = {
  date: ['date', 'datum', 'fecha', 'buchungstag'],
  amount: ['amount', 'betrag', 'montant', 'bedrag', 'importe'],
  description: ['description', 'verwendungszweck', 'libelle', 'omschrijving', 'concepto', 'details'],
};

const fieldOrder: readonly CsvField[] = ['date', 'amount', 'debit', 'credit', 'direction', 'currency', 'external_id', 'description', 'payee', 'memo'];
const mappingFields: readonly (keyof CsvMapping)[] = ['date', 'amount', 'debit', 'credit', 'description', 'payee', 'memo', 'external_id'];

const knownHeaderNames = new Set(Object.values(headerNames).flat());
const notAmounts = new Set(['balance', 'running balance', 'saldo', 'kontostand', 'solde', 'saldo na mutatie', 'available balance']);

function isNumber(text: string): boolean {
  for (const decimalSeparator of ['.', ','] as const) {
    try {
      parseAmount(text, { exponent: 9, decimalSeparator });
      return true;
    } catch {
      // try the other separator
    }
  }
  return false;
}

const isDataCell = (cell: string) => cell !== '' && (looksLikeDate(cell) || isNumber(cell));

/** A header row: text only, no dates or amounts. */
function isHeaderRow(cells: readonly string[]): boolean {
  const values = cells.map((cell) => cellValue(cell));
  return values.some((value) => value !== '') && !values.some(isDataCell);
}

function knownNames(cells: readonly string[]): number {
  return cells.filter((cell) => knownHeaderNames.has(normalizeHeader(cell))).length;
}

function columnsFromHeader(header: readonly string[], taken: Set<number>, into: Partial<Record<CsvField, number>>): void {
  const normalized = header.map(normalizeHeader);
  const claim = (field: CsvField, index: number) => {
    into[field] = index;
    taken.add(index);
  };
  for (const field of fieldOrder) {
    if (into[field] !== undefined) continue;
    for (const name of headerNames[field]) {
      const index = normalized.findIndex((cell, i) => cell === name && !taken.has(i));
      if (index >= 0) {
        claim(field, index);
        break;
      }
    }
  }
  for (const [field, words] of Object.entries(headerWords) as [CsvField, readonly string[]][]) {
    if (into[field] !== undefined) continue;
    if (field === 'amount' && (into.debit !== undefined || into.credit !== undefined)) continue;
    const index = normalized.findIndex((cell, i) => !taken.has(i) && words.some((word) => cell.split(' ').includes(word)));
    if (index >= 0) claim(field, index);
  }
}

type ColumnProfile = { index: number; filled: number; dates: number; numbers: number; signedOrFractional: number; length: number };

function profileColumns(sample: readonly CsvRecord[], width: number): ColumnProfile[] {
  return Array.from({ length: width }, (_, index) => {
    const values = sample.map((record) => cellValue(record.cells[index])).filter((value) => value !== '');
    return {
      index,
      filled: values.length,
      dates: values.filter(looksLikeDate).length,
      numbers: values.filter(isNumber).length,
      signedOrFractional: values.filter((value) => /[-(]|\d[.,]\d{1,2}\b/.test(value)).length,
      length: values.reduce((sum, value) => sum + value.length, 0) / Math.max(1, values.length),
    };
  });
}

/** Fills date, amount (or debit/credit) and, if asked, description from what the values look like. */
function columnsFromValues(
  sample: readonly CsvRecord[],
  width: number,
  taken: Set<number>,
  into: Partial<Record<CsvField, number>>,
  guessDescription: boolean,
): void {
  const profiles = profileColumns(sample, width).filter((profile) => profile.filled > 0);
  const free = () => profiles.filter((profile) => !taken.has(profile.index));
  if (into.date === undefined) {
    const date = free()
      .filter((profile) => profile.dates >= 0.8 * profile.filled)
      .sort((a, b) => b.dates / b.filled - a.dates / a.filled)[0];
    if (date) {
      into.date = date.index;
      taken.add(date.index);
    }
  }
  if (into.amount === undefined && into.debit === undefined && into.credit === undefined) {
    const numeric = free().filter((profile) => profile.numbers >= 0.9 * profile.filled && profile.dates < profile.filled);
    // Two number columns never filled on the same row: money out, then money in.
    const [first, second] = numeric;
    const complementary =
      first !== undefined &&
      second !== undefined &&
      sample.every((record) => (cellValue(record.cells[first.index]) === '') !== (cellValue(record.cells[second.index]) === ''));
    if (complementary) {
      into.debit = first.index;
      into.credit = second.index;
      taken.add(first.index).add(second.index);
    } else {
      const amount = numeric.find((profile) => profile.signedOrFractional > 0) ?? numeric[0];
      if (amount) {
        into.amount = amount.index;
        taken.add(amount.index);
      }
    }
  }
  if (into.description === undefined && guessDescription) {
    const description = free()
      .filter((profile) => profile.numbers < profile.filled && profile.dates < profile.filled)
      .sort((a, b) => b.length - a.length)[0];
    if (description) {
      into.description = description.index;
      taken.add(description.index);
    }
  }
}

function columnFromMapping(name: string, header: readonly string[] | null, width: number): number {
  if (header) {
    const exact = header.findIndex((cell) => cell.trim() === name.trim());
    if (exact >= 0) return exact;
    const loose = header.findIndex((cell) => normalizeHeader(cell) === normalizeHeader(name) && normalizeHeader(name) !== '');
    if (loose >= 0) return loose;
  }
  if (/^\d+$/.test(name.trim())) {
    const index = Number(name.trim()) - 1;
    if (index >= 0 && index < width) return index;
    throw new StatementError(`the mapping names column ${name}, but rows have ${width} columns`);
  }
  throw new StatementError(header ? `the mapping names column "${name}", which is not in the header` : `the mapping names column "${name}", but the file has no header: use column numbers ('1', '2', …)`);
}

function findHeader(records: readonly CsvRecord[], width: number, mapping: CsvMapping | undefined): number {
  const candidates = records.slice(0, 15);
  // A row naming two or more known columns is the header even below a preamble of the same width.
  const named = candidates.findIndex((record) => fitsWidth(record.cells, width) && knownNames(record.cells) >= Math.min(2, width) && isHeaderRow(record.cells));
  if (named >= 0) return named;
  const first = records.findIndex((record) => fitsWidth(record.cells, width));
  if (first < 0) return -1;
  if (mapping) {
    const names = Object.values(mapping).filter((name): name is string => typeof name === 'string' && !/^\d+$/.test(name.trim()));
    const withNames = candidates.findIndex((record) => names.length > 0 && names.every((name) => record.cells.some((cell) => cell.trim() === name.trim() || normalizeHeader(cell) === normalizeHeader(name))));
    if (withNames >= 0) return withNames;
  }
  return isHeaderRow(records[first]!.cells) ? first : -1;
}

function newlines(cells: readonly string[]): number {
  let count = 0;
  for (const cell of cells) for (let i = cell.indexOf('\n'); i >= 0; i = cell.indexOf('\n', i + 1)) count++;
  return count;
}

/** The part of the head that detection reads: the delimiter, header, first data line and a sample of rows. */
type CsvTable = { delimiter: string; width: number; header: string[] | null; dataLine: number; sample: CsvRecord[] };

type Columns = Partial<Record<CsvField, number>>;

function readTable(text: string, options: ParseOptions, truncated: boolean): CsvTable {
  const complete = truncated ? text.slice(0, Math.max(0, text.lastIndexOf('\n') + 1)) : text;
  const sniffed = sniffDelimiter(complete);
  if (!sniffed) throw new StatementError('the file is not a delimited (CSV) statement: no delimiter splits its lines evenly');
  const { delimiter } = sniffed;
  const records = splitRecords(complete, delimiter, 400).filter((record) => !isBlank(record));
  const headerIndex = findHeader(records, sniffed.columnCount, options.mapping);
  const headerRecord = headerIndex >= 0 ? records[headerIndex]! : null;
  const header = headerRecord ? headerRecord.cells.map((cell) => cellValue(cell)) : null;
  // A header may end in an empty cell (a trailing delimiter) that data rows leave off.
  const width = sniffed.columnCount;
  const firstData = headerIndex >= 0 ? headerIndex + 1 : records.findIndex((record) => fitsWidth(record.cells, width));
  const dataLine = headerRecord ? headerRecord.line + 1 + newlines(headerRecord.cells) : (records[firstData]?.line ?? 1);
  const sample = records.slice(firstData).filter((record) => fitsWidth(record.cells, width)).slice(0, 200);
  return { delimiter, width, header, dataLine, sample };
}

function claimMappedColumns(mapping: CsvMapping, table: CsvTable, columns: Columns, taken: Set<number>): void {
  for (const field of mappingFields) {
    const name = mapping[field];
    if (name === undefined) continue;
    const index = columnFromMapping(name, table.header, table.width);
    columns[field] = index;
    taken.add(index);
  }
}

/** Header names fill what the mapping left open; a mapping that names the money columns decides them alone. */
function claimHeaderColumns(header: readonly string[], mapping: CsvMapping | undefined, columns: Columns, taken: Set<number>): void {
  const mappingHasMoney = mapping !== undefined && (mapping.amount ?? mapping.debit ?? mapping.credit) !== undefined;
  const fromHeader: Columns = {};
  columnsFromHeader(header, new Set(taken), fromHeader);
  for (const field of fieldOrder) {
    const index = fromHeader[field];
    if (index === undefined || columns[field] !== undefined || taken.has(index)) continue;
    if (mappingHasMoney && (field === 'amount' || field === 'debit' || field === 'credit')) continue;
    columns[field] = index;
    taken.add(index);
  }
  // A running balance looks like an amount; never guess it as one.
  header.forEach((name, index) => {
    if (notAmounts.has(normalizeHeader(name))) taken.add(index);
  });
}

const hasMoney = (columns: Columns) => columns.amount !== undefined || columns.debit !== undefined || columns.credit !== undefined;

/** Which column holds what: the mapping first, then header names, then what the values look like. */
function detectColumns(table: CsvTable, mapping: CsvMapping | undefined): Columns & { date: number } {
  const columns: Columns = {};
  const taken = new Set<number>();
  if (mapping) claimMappedColumns(mapping, table, columns, taken);
  if (table.header) claimHeaderColumns(table.header, mapping, columns, taken);
  // Without a description column, a row falls back to its payee or memo; only a file whose header
  // names none of them gets the longest text column.
  const guessDescription = columns.description === undefined && columns.payee === undefined && columns.memo === undefined;
  if (columns.date === undefined || !hasMoney(columns) || guessDescription) columnsFromValues(table.sample, table.width, taken, columns, guessDescription);
  if (columns.amount !== undefined) {
    delete columns.debit;
    delete columns.credit;
  } else delete columns.direction;
  const { date } = columns;
  if (date === undefined) throw new StatementError('could not tell which column holds the date; pass a mapping', table.dataLine);
  if (!hasMoney(columns)) throw new StatementError('could not tell which column holds the amount; pass a mapping', table.dataLine);
  return { ...columns, date };
}

function moneyFormat(table: CsvTable, columns: Columns): { decimalSeparator: DecimalSeparator; commaThousands: boolean } {
  const moneyColumns = [columns.amount, columns.debit, columns.credit].filter((index): index is number => index !== undefined);
  const moneyValues = table.sample.flatMap((record) => moneyColumns.map((index) => cellValue(record.cells[index])));
  const guess = guessDecimalSeparator(moneyValues);
  return { decimalSeparator: guess.decimalSeparator ?? (table.delimiter === ';' ? ',' : '.'), commaThousands: guess.commaThousands };
}

/**
 * The date column's format. Ambiguous day/month order (no day above 12 in the sample) is read
 * day-first, unless the amounts are US-style ('.' decimals with ',' thousands); a caller can
 * always pass dateFormat.
 */
function dateFormatOf(table: CsvTable, dateColumn: number, options: ParseOptions, usStyleAmounts: boolean): DateFormat {
  const dateValues = table.sample.map((record) => cellValue(record.cells[dateColumn])).filter((value) => value !== '');
  const dateFormat = options.dateFormat ?? (dateValues.length === 0 ? 'YYYY-MM-DD' : detectDateFormat(dateValues, { monthFirst: usStyleAmounts }));
  if (dateFormat) return dateFormat;
  const column = table.header?.[dateColumn] ? `"${table.header[dateColumn]}"` : `${dateColumn + 1}`;
  throw new StatementError(
    `the dates in column ${column} are in no known format (e.g. "${dateValues[0] ?? ''}"); pass a date format`,
    table.sample[0]?.line ?? table.dataLine,
  );
}

/** The first currency code the currency column states, if the file has one. */
function statedCurrency(table: CsvTable, currencyColumn: number | undefined): string | null {
  if (currencyColumn === undefined) return null;
  return table.sample.map((record) => cellValue(record.cells[currencyColumn]).toUpperCase()).find((value) => /^[A-Z]{3}$/.test(value)) ?? null;
}

/** The mapping as detected, by header name (or column number without a header), to report back. */
function mappingOf(columns: Columns & { date: number }, header: readonly string[] | null): CsvMapping {
  const mapping: CsvMapping = { date: header?.[columns.date] || String(columns.date + 1) };
  for (const field of mappingFields) {
    const index = columns[field];
    if (index !== undefined) mapping[field] = header?.[index] || String(index + 1);
  }
  return mapping;
}

/**
 * The layout of a CSV statement from the start of the file (`truncated` when the text is only
 * its head, so the last, possibly cut-off line is ignored).
 */
export function detectCsvLayout(text: string, options: ParseOptions, truncated: boolean): CsvLayout {
  const table = readTable(text, options, truncated);
  const columns = detectColumns(table, options.mapping);
  const { decimalSeparator, commaThousands } = moneyFormat(table, columns);
  const dateFormat = dateFormatOf(table, columns.date, options, decimalSeparator === '.' && commaThousands);
  return {
    delimiter: table.delimiter,
    dataLine: table.dataLine,
    header: table.header,
    columnCount: table.width,
    columns,
    mapping: mappingOf(columns, table.header),
    dateFormat,
    decimalSeparator,
    currency: statedCurrency(table, columns.currency),
  };
}
