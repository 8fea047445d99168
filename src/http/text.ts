import { isUtf8 } from 'node:buffer';
import type { Request, RequestHandler } from 'express';
import { problems, type FieldError } from './problems.ts';
import { deferProblem } from './deferred-problem.ts';

/**
 * Every string the API accepts is valid Unicode without NUL: PostgreSQL refuses NUL in text (a 500
 * if it got that far), and a lone surrogate or an invalid UTF-8 byte would be stored as U+FFFD —
 * the user's text silently altered. Both are refused here, for every body and query string, with a
 * 400 naming the field.
 */
function flaw(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character';
  if (!text.isWellFormed()) return 'contains a lone surrogate (not valid Unicode)';
  return undefined;
}

const replacement = '\uFFFD';
const encodedReplacement = Buffer.from(replacement);

/** Bodies whose raw bytes were not UTF-8, and whether the sender also wrote a real U+FFFD. */
const undecodable = new WeakMap<Request, { realReplacement: boolean }>();

/** express.json's `verify`: remembers a body that is not UTF-8 (the parser would replace its bytes). */
export function noteInvalidUtf8(request: Request, _response: unknown, raw: Buffer): void {
  if (!isUtf8(raw)) undecodable.set(request, { realReplacement: raw.includes(encodedReplacement) });
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The first flawed string in a parsed JSON value, as a body field error. */
function flawIn(value: unknown, pointer: string, invalidUtf8: boolean): FieldError | undefined {
  if (typeof value === 'string') {
    const message = flaw(value) ?? (invalidUtf8 && value.includes(replacement) ? 'is not valid UTF-8' : undefined);
    return message ? { pointer, in: 'body', message } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, member] of Object.entries(value)) {
    const at = `${pointer}/${escapePointer(key)}`;
    const inKey = flawIn(key, at, invalidUtf8);
    if (inKey) return { ...inKey, message: `has a name that ${inKey.message}` };
    const found = flawIn(member, at, invalidUtf8);
    if (found) return found;
  }
  return undefined;
}

/** Query parameters decoded strictly from the raw URL: `%FF` or `%00` is named, not replaced. */
function flawInQuery(url: string): FieldError | undefined {
  const query = url.split('?').slice(1).join('?');
  if (!query) return undefined;
  for (const pair of query.split('&')) {
    const [rawName = '', ...rest] = pair.split('=');
    const decode = (text: string) => {
      try {
        return decodeURIComponent(text.replace(/\+/g, ' '));
      } catch {
        return undefined;
      }
    };
    const name = decode(rawName) ?? rawName;
    const value = decode(rest.join('='));
    const message = value === undefined ? 'is not valid percent-encoded UTF-8' : flaw(value) ?? flaw(name);
    if (message) return { parameter: name, in: 'query', message };
  }
  return undefined;
}

/** The middleware: a flawed string answers 400 (held back, like other body problems, until the caller is known). */
export const refuseFlawedText: RequestHandler = (request, _response, next) => {
  const broken = undecodable.get(request);
  const error = flawInQuery(request.originalUrl)
    ?? flawIn(request.body, '#', broken !== undefined && !broken.realReplacement)
    ?? (broken ? { pointer: '#', in: 'body' as const, message: 'is not valid UTF-8' } : undefined);
  if (error) deferProblem(request, problems.validation([error]));
  next();
};
