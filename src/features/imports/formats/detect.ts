// Which statement format a file is, from its content (the name only tells QFX from OFX).
import { sniffDelimiter } from './csv-layout.ts';
import { assertPlausibleText, decodeText, sniffEncoding } from './encoding.ts';
import { StatementError, type StatementFormat } from './types.ts';

/** How much of a file detection looks at. */
export const headBytes = 64 * 1024;

const supported = 'CSV, OFX, QFX, QIF or ISO 20022 camt.053';

/**
 * The format of a statement from the first ~64 KiB of the file. Throws StatementError for an
 * empty file, binary junk and text that is none of the supported formats.
 */
export function detectFormat(head: Buffer, fileName?: string): StatementFormat {
  if (head.length === 0) throw new StatementError('the file is empty');
  const bytes = head.subarray(0, headBytes);
  const encoding = sniffEncoding(bytes);
  const text = decodeText(bytes, encoding);
  assertPlausibleText(text, bytes, encoding);
  return detectTextFormat(text, fileName);
}

export function detectTextFormat(text: string, fileName?: string): StatementFormat {
  const start = text.trimStart();
  if (/^OFXHEADER\s*:/i.test(start) || /<\?OFX\b/i.test(text.slice(0, 4096)) || /<OFX>/i.test(text)) {
    return /<INTU\.BID>/i.test(text) || /\.qfx$/i.test(fileName ?? '') ? 'qfx' : 'ofx';
  }
  if (start.startsWith('<')) {
    const document = /<(?:\w+:)?Document\b[^>]*>/.exec(text)?.[0] ?? '';
    if (/camt\.053\./.test(document) || (/<(?:\w+:)?BkToCstmrStmt\b/.test(text) && !/camt\.05[24]/.test(document))) return 'camt053';
    const other = /camt\.05\d/.exec(document)?.[0];
    if (other) throw new StatementError(`ISO 20022 ${other} is not supported; export a camt.053 statement instead`);
    throw new StatementError(`the file is XML but not an OFX or camt.053 statement; supported formats: ${supported}`);
  }
  const firstLine = /^[^\r\n]*/.exec(start)?.[0] ?? '';
  if (/^!(?:Type:|Account|Option:)/i.test(firstLine)) return 'qif';
  if (start.startsWith('%PDF')) throw new StatementError(`PDF statements are not supported; export ${supported}`);
  if (/^[{[]/.test(start)) throw new StatementError(`the file is JSON, not a bank statement; supported formats: ${supported}`);
  if (sniffDelimiter(text)) return 'csv';
  throw new StatementError(`the file is not a bank statement in a supported format (${supported})`);
}
