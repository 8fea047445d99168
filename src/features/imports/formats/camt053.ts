// ISO 20022 camt.053 (bank-to-customer statement): fast-xml-parser plus our own mapping of Ntry.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseAmount } from './amounts.ts';
import { parseDate } from './dates.ts';
import { FieldError, StatementError, type ParseOptions, type StatementInfo, type StatementItem } from './types.ts';

type XmlNode = Record<string, unknown>;

const repeated = new Set(['Stmt', 'Ntry', 'NtryDtls', 'TxDtls', 'Ustrd', 'Strd']);
const parser = new XMLParser({
  removeNSPrefix: true,
  parseTagValue: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // numeric character references (&#233;) as well as the five XML entities
  htmlEntities: true,
  isArray: (name) => repeated.has(name),
});

const asArray = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const asNode = (value: unknown): XmlNode => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as XmlNode) : {});
/** An element's text, whether it came back as a string or as { '#text', '@attr' }. */
const text = (value: unknown): string => {
  if (typeof value === 'string') return value.trim();
  const inner = asNode(value)['#text'];
  return typeof inner === 'string' ? inner.trim() : '';
};
const path = (node: unknown, ...names: string[]): unknown => names.reduce<unknown>((current, name) => asNode(current)[name], node);

function accountOf(statement: XmlNode): string {
  return text(path(statement, 'Acct', 'Id', 'IBAN')) || text(path(statement, 'Acct', 'Id', 'Othr', 'Id'));
}

/** A party's name: camt.053.001.02 writes Cdtr/Nm, later versions Cdtr/Pty/Nm. */
function partyName(parties: unknown, role: 'Cdtr' | 'Dbtr'): string {
  return text(path(parties, role, 'Nm')) || text(path(parties, role, 'Pty', 'Nm')) || text(path(parties, `Ultmt${role}`, 'Nm'));
}

const unique = (values: string[]) => [...new Set(values.filter((value) => value !== ''))];

/** Parses a whole camt.053 file; items are numbered by Ntry, 1-based, across all statements. */
export function parseCamt053(content: string, options: ParseOptions): { info: StatementInfo; items: StatementItem[] } {
  if (!content.trimStart().startsWith('<')) throw new StatementError('the file is not XML, so not a camt.053 statement');
  const valid = XMLValidator.validate(content);
  if (valid !== true) {
    throw new StatementError(`the camt.053 XML is malformed or truncated at line ${valid.err.line}: ${valid.err.msg}`);
  }
  const document = asNode(asNode(parser.parse(content)).Document);
  const statementList = asArray(asNode(document.BkToCstmrStmt).Stmt).map(asNode);
  if (statementList.length === 0) throw new StatementError('the XML is not a camt.053 statement (no Document/BkToCstmrStmt/Stmt)');
  const accounts = new Set(statementList.map(accountOf));
  if (accounts.size > 1) throw new StatementError(`the camt.053 file holds statements of ${accounts.size} accounts; export one account at a time`);

  const entries = statementList.flatMap((statement) => asArray(statement.Ntry).map(asNode));
  const currency = (text(path(statementList[0], 'Acct', 'Ccy')) || String(asNode(entries[0]?.Amt)['@Ccy'] ?? '')).toUpperCase() || null;
  const items = entries.map((entry, index) => entryItem(entry, index + 1, currency, options));
  return { info: { format: 'camt053', currency }, items };
}

function entryItem(entry: XmlNode, row: number, currency: string | null, options: ParseOptions): StatementItem {
  const problems: string[] = [];
  let date = '';
  try {
    const booked = text(path(entry, 'BookgDt', 'Dt')) || text(path(entry, 'BookgDt', 'DtTm')) || text(path(entry, 'ValDt', 'Dt')) || text(path(entry, 'ValDt', 'DtTm'));
    if (booked === '') throw new FieldError('the entry has no booking date (BookgDt)');
    date = parseDate(booked.slice(0, 10), 'YYYY-MM-DD');
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    problems.push(error.message);
  }
  let amount = 0;
  try {
    const entryCurrency = String(asNode(entry.Amt)['@Ccy'] ?? '').toUpperCase();
    if (currency && entryCurrency && entryCurrency !== currency) throw new FieldError(`the amount is in ${entryCurrency}, the statement in ${currency}`);
    const written = text(entry.Amt);
    if (written === '') throw new FieldError('the entry has no amount (Amt)');
    const magnitude = parseAmount(written, { exponent: options.exponent, decimalSeparator: '.', currency: options.accountCurrency });
    const indicator = text(entry.CdtDbtInd);
    if (indicator !== 'DBIT' && indicator !== 'CRDT') throw new FieldError(`CdtDbtInd "${indicator}" is neither DBIT nor CRDT`);
    amount = indicator === 'DBIT' ? -Math.abs(magnitude) : Math.abs(magnitude);
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    problems.push(error.message);
  }
  if (problems.length > 0) return { kind: 'error', value: { row, message: problems.join('; ') } };

  const details = asArray(entry.NtryDtls).flatMap((block) => asArray(asNode(block).TxDtls)).map(asNode);
  const debit = amount < 0;
  const payees = unique(details.map((detail) => partyName(detail.RltdPties, debit ? 'Cdtr' : 'Dbtr')));
  const remittance = unique(details.flatMap((detail) => asArray(asNode(detail.RmtInf).Ustrd).map(text)));
  const structured = unique(
    details.flatMap((detail) => asArray(asNode(detail.RmtInf).Strd).map((block) => text(path(block, 'CdtrRefInf', 'Ref')))),
  );
  const memo = text(entry.AddtlNtryInf) || null;
  const payee = payees.length === 1 ? payees[0]! : null;
  const description =
    remittance.join(' ') || structured.join(' ') || unique(details.map((detail) => text(detail.AddtlTxInf))).join(' ') || payee || memo || '(no description)';
  // The bank's own reference first. Many banks number NtryRef 1, 2, 3 … per statement, which would
  // collide with next month's entries, so a short NtryRef is not an id; an EndToEndId is the
  // payer's and only identifies an entry holding one transaction.
  const entryRef = text(entry.NtryRef);
  const endToEnd = details.length === 1 ? text(path(details[0], 'Refs', 'EndToEndId')) : '';
  const externalId =
    text(entry.AcctSvcrRef) ||
    (entryRef.length >= 8 ? entryRef : '') ||
    text(path(details[0], 'Refs', 'AcctSvcrRef')) ||
    (endToEnd !== '' && endToEnd !== 'NOTPROVIDED' ? endToEnd : '') ||
    null;
  return { kind: 'row', value: { row, date, amount, description, payee, memo, externalId } };
}
