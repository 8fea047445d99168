// Statement files come as UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1252 from
// older bank software. Anything else is treated as binary junk.
import { createReadStream } from 'node:fs';
import iconv from 'iconv-lite';
import { StatementError } from './types.ts';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export function bomEncoding(head: Uint8Array): TextEncoding | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return null;
}

/** Valid UTF-8, allowing the last character to be cut off (the buffer may be the head of a file). */
export function isUtf8Head(head: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** Streams the whole file through a strict decoder: one pass, constant memory. */
export async function fileIsUtf8(filePath: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(filePath, { highWaterMark: 256 * 1024 })) {
      decoder.decode(chunk as Buffer, { stream: true });
    }
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

/** Decodes a whole file, or a head of one (a cut-off last character is dropped). BOMs are stripped. */
export function decodeText(bytes: Uint8Array, encoding: TextEncoding): string {
  if (encoding === 'windows-1252') return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'win1252');
  const text = new TextDecoder(encoding).decode(bytes, { stream: true });
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The encoding to read a buffer with: its BOM, else UTF-8 if valid, else Windows-1252. */
export function sniffEncoding(bytes: Uint8Array): TextEncoding {
  return bomEncoding(bytes) ?? (isUtf8Head(bytes) ? 'utf-8' : 'windows-1252');
}

// Windows-1252 leaves these bytes undefined; iconv-lite maps them to U+FFFD or C1 controls.
const implausible = /[\u0000-\u0008\u000b\u000e-\u0019\u001b-\u001f\u0080-\u009f\ufffd]/g;

/**
 * Rejects binary data: any NUL, or more than a trace of control characters or undefined bytes
 * (a stray control character in a real export should not reject the whole file).
 */
export function assertPlausibleText(text: string, rawBytes: Uint8Array, encoding: TextEncoding): void {
  if (!encoding.startsWith('utf-16') && rawBytes.includes(0)) {
    throw new StatementError('the file is binary, not a text bank statement (it contains NUL bytes)');
  }
  const suspicious = text.match(implausible)?.length ?? 0;
  if (suspicious > Math.max(2, text.length / 200)) {
    throw new StatementError('the file is binary, not a text bank statement (it is neither UTF-8 nor Windows-1252 text)');
  }
  if (text.trim() === '') throw new StatementError('the file holds no statement (it is blank)');
}
