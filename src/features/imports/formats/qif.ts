// Quicken Interchange Format, read by hand: the libraries misread '1,500.00' and guess dates.
import { guessDecimalSeparator, parseAmount } from './amounts.ts';
import { detectDateFormat, parseDate } from './dates.ts';
import { FieldError, StatementError, type DateFormat, type ParseOptions, type StatementInfo, type StatementItem } from './types.ts';

type QifRecord = Partial<Record<'D' | 'T' | 'U' | 'P' | 'M' | 'N', string>>;

const transactionSections = /^!Type:(?:Bank|CCard|Cash|Oth A|Oth L)\s*$/i;
const listSections = /^!Type:(?:Cat|Class|Memorized|Prices|Security|Invoice)\s*$/i;

/** The records of the transaction sections, with the account names (`!Account` blocks) seen. */
function readRecords(content: string): { records: QifRecord[]; accounts: Set<string> } {
  const records: QifRecord[] = [];
  const accounts = new Set<string>();
  let section: 'none' | 'transactions' | 'account' | 'skip' = 'none';
  let record: QifRecord = {};
  let open = false;
  const finish = () => {
    if (section === 'transactions' && open) records.push(record);
    record = {};
    open = false;
  };
  for (const raw of content.split(/\r\n|\n|\r/)) {
    const line = raw.trimEnd();
    if (line.trim() === '') continue;
    if (line.startsWith('!')) {
      finish();
      if (transactionSections.test(line)) section = 'transactions';
      else if (/^!Account\s*$/i.test(line)) section = 'account';
      else if (listSections.test(line) || /^!(?:Option|Clear):/i.test(line)) section = section === 'account' ? 'account' : 'skip';
      else if (/^!Type:Invst/i.test(line)) throw new StatementError('QIF investment accounts are not supported');
      else throw new StatementError(`the QIF section "${line}" is not supported`);
      continue;
    }
    if (line === '^') {
      finish();
      continue;
    }
    if (section === 'none') throw new StatementError('the QIF file has no !Type header before its first record');
    const code = line[0]!;
    const value = line.slice(1).trim();
    if (section === 'account') {
      if (code === 'N') accounts.add(value);
      continue;
    }
    open = true;
    // The first D/T/P/M/N of a record counts; S/E/$ split lines, L category, C cleared, A address are ignored.
    if ((code === 'D' || code === 'T' || code === 'U' || code === 'P' || code === 'M' || code === 'N') && record[code] === undefined) {
      record[code] = value;
    }
  }
  // Some exporters omit the last '^'.
  finish();
  return { records, accounts };
}

/** Parses a whole QIF file; items are numbered by transaction record, 1-based. */
export function parseQif(content: string, options: ParseOptions): { info: StatementInfo; items: StatementItem[] } {
  const { records, accounts } = readRecords(content);
  if (accounts.size > 1) throw new StatementError(`the QIF file holds ${accounts.size} accounts; export one account at a time`);
  const amounts = records.map((record) => record.T ?? record.U ?? '');
  const decimalSeparator = guessDecimalSeparator(amounts).decimalSeparator ?? '.';
  // Quicken is American: an ambiguous file is month-first unless its amounts use a decimal comma.
  const dateFormat: DateFormat | null =
    options.dateFormat ?? detectDateFormat(records.map((record) => record.D ?? '').filter(Boolean), { monthFirst: decimalSeparator === '.' });
  if (!dateFormat && records.length > 0) throw new StatementError(`the QIF dates are in no known format (e.g. "${records[0]?.D ?? ''}"); pass a date format`, 1);

  const items = records.map((record, index): StatementItem => {
    const row = index + 1;
    const problems: string[] = [];
    let date = '';
    let amount = 0;
    try {
      if (record.D === undefined) throw new FieldError('the record has no date (D line)');
      date = parseDate(record.D, dateFormat ?? 'MM/DD/YYYY');
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      problems.push(error.message);
    }
    try {
      const written = record.T ?? record.U;
      if (written === undefined) throw new FieldError('the record has no amount (T line)');
      amount = parseAmount(written, { exponent: options.exponent, decimalSeparator, currency: options.accountCurrency });
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      problems.push(error.message);
    }
    if (problems.length > 0) return { kind: 'error', value: { row, message: problems.join('; ') } };
    const payee = record.P || null;
    const memo = record.M || null;
    // N holds check numbers but also words like ATM or EFT, which would not tell rows apart.
    const externalId = record.N && /^\d+$/.test(record.N) ? record.N : null;
    return { kind: 'row', value: { row, date, amount, description: payee ?? memo ?? '(no description)', payee, memo, externalId } };
  });
  return { info: { format: 'qif', currency: null, ...(dateFormat ? { dateFormat } : {}), decimalSeparator }, items };
}
