// OFX 1.x (SGML) and 2.x (XML) and QFX bank and credit-card statements, read with ofx-js.
import { parseSync } from 'ofx-js';
import { parseAmount } from './amounts.ts';
import { parseDate } from './dates.ts';
import { FieldError, StatementError, type ParseOptions, type StatementInfo, type StatementItem } from './types.ts';

type OfxNode = Record<string, unknown>;

const asArray = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const asNode = (value: unknown): OfxNode => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as OfxNode) : {});
const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

const namedEntities: Record<string, string> = { quot: '"', apos: "'", nbsp: '\u00a0' };

/**
 * ofx-js decodes only &amp; &lt; &gt; and breaks on a raw '<' or '&' in a value, which real
 * banks write ("AT&T", "<3"). Escape those and resolve the other entities first.
 */
export function escapeOfxText(content: string): string {
  return content
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
      const lower = name.toLowerCase();
      if (lower === 'amp' || lower === 'lt' || lower === 'gt') return whole;
      const char = lower.startsWith('#x') ? String.fromCodePoint(parseInt(lower.slice(2), 16)) : lower.startsWith('#') ? String.fromCodePoint(Number(lower.slice(1))) : namedEntities[lower];
      if (char === undefined) return whole;
      return char === '&' ? '&amp;' : char === '<' ? '&lt;' : char === '>' ? '&gt;' : char;
    })
    .replace(/&(?!(?:amp|lt|gt);)/gi, '&amp;')
    .replace(/<(?!\/?[A-Za-z][\w.]*>|\?|!)/g, '&lt;')
    // ofx-js strips the spaces after every '>', so one in the text must not stay a '>'
    .replace(/(?<!<\/?[A-Za-z][\w.]*|\?|--)>/g, '&gt;');
}

function statements(ofx: OfxNode): OfxNode[] {
  const bank = asArray(asNode(ofx.BANKMSGSRSV1).STMTTRNRS).map((response) => asNode(asNode(response).STMTRS));
  const card = asArray(asNode(ofx.CREDITCARDMSGSRSV1).CCSTMTTRNRS).map((response) => asNode(asNode(response).CCSTMTRS));
  return [...bank, ...card].filter((statement) => Object.keys(statement).length > 0);
}

function accountOf(statement: OfxNode): string {
  const account = asNode(statement.BANKACCTFROM ?? statement.CCACCTFROM);
  return `${text(account.BANKID)}/${text(account.ACCTID)}`;
}

/** Parses a whole OFX/QFX file; items are numbered by STMTTRN, 1-based. */
export function parseOfx(content: string, options: ParseOptions, format: 'ofx' | 'qfx' = 'ofx'): { info: StatementInfo; items: StatementItem[] } {
  if (!content.includes('<OFX>')) throw new StatementError('the OFX file has no <OFX> element');
  let ofx: OfxNode;
  try {
    ofx = asNode(parseSync(escapeOfxText(content)).OFX);
  } catch (error) {
    throw new StatementError(`the OFX file is malformed or truncated (${(error as Error).message})`);
  }
  const found = statements(ofx);
  if (found.length === 0) {
    const status = asNode(asNode(asNode(ofx.SIGNONMSGSRSV1).SONRS).STATUS);
    if (text(status.CODE) !== '' && text(status.CODE) !== '0') {
      throw new StatementError(`the OFX file reports an error from the bank: ${text(status.MESSAGE) || `code ${text(status.CODE)}`}`);
    }
    if (ofx.INVSTMTMSGSRSV1 !== undefined) throw new StatementError('OFX investment statements are not supported');
    throw new StatementError('the OFX file holds no bank or credit-card statement');
  }
  const accounts = new Set(found.map(accountOf));
  if (accounts.size > 1) throw new StatementError(`the OFX file holds statements of ${accounts.size} accounts; export one account at a time`);

  const currency = text(found[0]!.CURDEF).toUpperCase() || null;
  const items: StatementItem[] = [];
  for (const statement of found) {
    for (const transaction of asArray(asNode(statement.BANKTRANLIST).STMTTRN)) {
      items.push(transactionItem(asNode(transaction), items.length + 1, options));
    }
  }
  return { info: { format, currency }, items };
}

function transactionItem(transaction: OfxNode, row: number, options: ParseOptions): StatementItem {
  const problems: string[] = [];
  let date = '';
  try {
    const posted = text(transaction.DTPOSTED) || text(transaction.DTUSER);
    if (posted === '') throw new FieldError('DTPOSTED is missing');
    date = parseDate(posted.slice(0, 8), 'YYYYMMDD');
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    problems.push(error.message);
  }
  let amount = 0;
  try {
    const written = text(transaction.TRNAMT);
    if (written === '') throw new FieldError('TRNAMT is missing');
    // OFX says '.', but some European banks write a decimal comma.
    const decimalSeparator = written.includes(',') && !written.includes('.') ? ',' : '.';
    amount = parseAmount(written, { exponent: options.exponent, decimalSeparator, currency: options.accountCurrency });
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    problems.push(error.message);
  }
  if (problems.length > 0) return { kind: 'error', value: { row, message: problems.join('; ') } };

  const name = text(transaction.NAME) || text(asNode(transaction.PAYEE).NAME);
  const memo = text(transaction.MEMO);
  const description = !name || !memo ? name || memo || '(no description)' : memo.includes(name) ? memo : name.includes(memo) ? name : `${name} ${memo}`;
  return {
    kind: 'row',
    value: { row, date, amount, description, payee: name || null, memo: memo || null, externalId: text(transaction.FITID) || null },
  };
}
