// CSV rows to statement items, streamed: csv-parse over the decoded file, one record at a time.
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { parseAmount } from './amounts.ts';
import { cellValue, fitsWidth, type CsvLayout } from './csv-layout.ts';
import { parseDate } from './dates.ts';
import { FieldError, StatementError, type ParseOptions, type StatementItem } from './types.ts';

const debitWords = /^(?:af|d|dr|db|dbit|debit|debet|s|soll|-)$/i;
const creditWords = /^(?:bij|c|cr|crdt|credit|h|haben|\+)$/i;

function reason(error: unknown): string {
  if (error instanceof FieldError) return error.message;
  throw error;
}

type CellReader = (index: number | undefined) => string;
type AmountOptions = Parameters<typeof parseAmount>[1];

/** One amount column, its sign set by a debit/credit column when the file has one. */
function signedAmount(get: CellReader, columns: CsvLayout['columns'], amountOptions: AmountOptions): number {
  const amount = parseAmount(get(columns.amount), amountOptions);
  const direction = get(columns.direction);
  if (direction === '') return amount;
  if (debitWords.test(direction)) return -Math.abs(amount);
  if (creditWords.test(direction)) return Math.abs(amount);
  throw new FieldError(`"${direction}" says neither debit nor credit`);
}

/** Separate money-out and money-in columns. */
function debitCreditAmount(get: CellReader, columns: CsvLayout['columns'], amountOptions: AmountOptions): number {
  const debit = get(columns.debit);
  const credit = get(columns.credit);
  if (debit === '' && credit === '') throw new FieldError('both debit and credit are empty');
  // Debits are money out whether the bank writes them positive or negative.
  const out = debit === '' ? 0 : Math.abs(parseAmount(debit, amountOptions));
  const into = credit === '' ? 0 : parseAmount(credit, amountOptions);
  return into - out;
}

function rowAmount(get: CellReader, layout: CsvLayout, options: ParseOptions): number {
  const amountOptions = { exponent: options.exponent, decimalSeparator: layout.decimalSeparator, currency: options.accountCurrency };
  return layout.columns.amount !== undefined ? signedAmount(get, layout.columns, amountOptions) : debitCreditAmount(get, layout.columns, amountOptions);
}

/** A currency column naming another currency than the account's. */
function currencyProblem(get: CellReader, layout: CsvLayout, options: ParseOptions): string | null {
  const currency = get(layout.columns.currency).toUpperCase();
  const differs = /^[A-Z]{3}$/.test(currency) && currency !== options.accountCurrency.toUpperCase();
  return differs ? `currency ${currency} differs from the account's ${options.accountCurrency}` : null;
}

/**
 * One CSV record as a row, an error, or nothing (a blank line). `row` is its first line in the
 * file. Every field is read, so a row's error names all its problems at once. (Runs once per row:
 * plain try blocks, no closures per field.)
 */
export function csvRecordToItem(cells: readonly string[], row: number, layout: CsvLayout, options: ParseOptions): StatementItem | null {
  if (cells.every((cell) => cell.trim() === '')) return null;
  if (!fitsWidth(cells, layout.columnCount)) {
    return { kind: 'error', value: { row, message: `row has ${cells.length} columns, expected ${layout.columnCount}` } };
  }
  const { columns } = layout;
  const get: CellReader = (index) => (index === undefined ? '' : cellValue(cells[index], options.keepLineBreaks));
  const problems: string[] = [];
  let date = '';
  try {
    date = parseDate(get(columns.date), layout.dateFormat);
  } catch (error) {
    problems.push(reason(error));
  }
  let amount = 0;
  try {
    amount = rowAmount(get, layout, options);
  } catch (error) {
    problems.push(reason(error));
  }
  const currency = currencyProblem(get, layout, options);
  if (currency) problems.push(currency);
  if (problems.length > 0) return { kind: 'error', value: { row, message: problems.join('; ') } };
  // A row without a description falls back to its payee, then its memo.
  const payee = get(columns.payee) || null;
  const memo = get(columns.memo) || null;
  const description = get(columns.description) || payee || memo || '(no description)';
  return { kind: 'row', value: { row, date, amount, description, payee, memo, externalId: get(columns.external_id) || null } };
}

function countNewlines(cells: readonly string[]): number {
  let count = 0;
  for (const cell of cells) for (let i = cell.indexOf('\n'); i >= 0; i = cell.indexOf('\n', i + 1)) count++;
  return count;
}

/**
 * Streams items from decoded CSV text, starting at the layout's first data line. A syntax error
 * that leaves the rest unreadable (an unclosed quote) ends the stream with a StatementError.
 */
export async function* readCsvItems(text: Readable, layout: CsvLayout, options: ParseOptions): AsyncGenerator<StatementItem> {
  const parser = parse({
    delimiter: layout.delimiter,
    from_line: layout.dataLine,
    // Given rather than discovered: mixed line endings are read alike, and discovery is slow under
    // Jest's module sandbox (it builds Buffers for every character until it finds one).
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
  });
  text.on('error', (error) => parser.destroy(error));
  text.pipe(parser);
  // csv-parse miscounts CRLF inside quoted cells, so lines are counted here: every record,
  // blank ones included, takes one line plus the line breaks inside its cells.
  let line = layout.dataLine;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      const item = csvRecordToItem(record, line, layout, options);
      line += 1 + countNewlines(record);
      if (item) yield item;
    }
  } catch (error) {
    if (error instanceof StatementError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'CSV_QUOTE_NOT_CLOSED') throw new StatementError(`row ${line}: a quote opened here is never closed`, line);
    if (typeof code === 'string' && code.startsWith('CSV_')) throw new StatementError(`row ${line}: ${(error as Error).message}`, line);
    throw error;
  } finally {
    text.unpipe(parser);
    text.destroy();
    parser.destroy();
  }
}
