// Bank statement files to rows: format detection, decoding, and the per-format parsers.
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { maxStatementBytes, mebibytes } from '../../../limits.ts';
import { parseCamt053 } from './camt053.ts';
import { readCsvItems } from './csv.ts';
import { detectCsvLayout } from './csv-layout.ts';
import { detectFormat, headBytes } from './detect.ts';
import { assertPlausibleText, bomEncoding, decodeText, fileIsUtf8, sniffEncoding, type TextEncoding } from './encoding.ts';
import { parseOfx } from './ofx.ts';
import { parseQif } from './qif.ts';
import { StatementError, type ParseOptions, type StatementInfo, type StatementItem } from './types.ts';

export { detectFormat } from './detect.ts';
export { formatMinorUnits, guessDecimalSeparator, parseAmount, maxMinorUnits } from './amounts.ts';
export { detectDateFormat, parseDate } from './dates.ts';
export * from './types.ts';

export type OpenedStatement = { info: StatementInfo; items: AsyncIterable<StatementItem> };

async function readHead(filePath: string): Promise<Buffer> {
  const handle = await open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(headBytes);
    const { bytesRead } = await handle.read(buffer, 0, headBytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function* fromArray(items: StatementItem[]): AsyncGenerator<StatementItem> {
  yield* items;
}

const iconvName: Record<TextEncoding, string> = { 'utf-8': 'utf8', 'utf-16le': 'utf16le', 'utf-16be': 'utf16be', 'windows-1252': 'win1252' };

/**
 * Opens a statement file: checks its size, detects the encoding (BOM, else UTF-8 if the whole file
 * is valid UTF-8, else Windows-1252) and the format (unless given), and returns what the file
 * states plus its rows and row errors in file order. CSV is streamed with constant memory; OFX,
 * QIF and camt.053 are read whole (at most 20 MiB). Throws StatementError for a file that cannot
 * be read at all; iterating a CSV's items can also throw one (with the row) for an unclosed quote.
 */
export async function openStatement(filePath: string, options: ParseOptions): Promise<OpenedStatement> {
  const { size } = await stat(filePath);
  if (size === 0) throw new StatementError('the file is empty');
  if (size > maxStatementBytes) throw new StatementError(`the file is larger than ${mebibytes(maxStatementBytes)}`);
  const head = await readHead(filePath);
  const format = options.format ?? detectFormat(head, basename(filePath));

  if (format === 'csv') {
    const encoding = bomEncoding(head) ?? ((await fileIsUtf8(filePath)) ? 'utf-8' : 'windows-1252');
    const headText = decodeText(head, encoding);
    assertPlausibleText(headText, head, encoding);
    const layout = detectCsvLayout(headText, options, size > head.length);
    // Opened per iteration, so an items iterable that is never read holds no file open.
    const decoded = () =>
      pipeline(createReadStream(filePath, { highWaterMark: 256 * 1024 }), iconv.decodeStream(iconvName[encoding]), () => {
        // errors reach the reader through the decoding stream, which pipeline destroys with them
      }) as unknown as Readable;
    const { delimiter, mapping, dateFormat, decimalSeparator, currency } = layout;
    return {
      info: { format, currency, mapping, dateFormat, delimiter, decimalSeparator },
      items: { [Symbol.asyncIterator]: () => readCsvItems(decoded(), layout, options) },
    };
  }

  const bytes = await readFile(filePath);
  const encoding = sniffEncoding(bytes);
  const content = decodeText(bytes, encoding);
  assertPlausibleText(content, bytes, encoding);
  const parsed = format === 'qif' ? parseQif(content, options) : format === 'camt053' ? parseCamt053(content, options) : parseOfx(content, options, format);
  return { info: parsed.info, items: fromArray(parsed.items) };
}
