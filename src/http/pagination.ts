import { z } from 'zod';
import { isLedgerDate } from '../limits.ts';
import { problems } from './problems.ts';

/**
 * Cursors are the keyset of the last row of a page, JSON in base64url: opaque to clients, and
 * checked against `shape` on the way back in so a forged or stale cursor is a 400, never a 500.
 */
export function encodeCursor(keyset: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(keyset)).toString('base64url');
}

export function decodeCursor<T extends z.ZodType>(cursor: string | undefined, shape: T): z.infer<T> | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = shape.safeParse(parsed);
  if (!result.success) {
    throw problems.validation([{ parameter: 'cursor', in: 'query', message: 'is not a cursor this list issued' }]);
  }
  return result.data;
}

/** Splits `limit + 1` fetched rows into a page and the cursor of the next one. */
export function page<Row, Out>(
  rows: readonly Row[],
  limit: number,
  keyset: (row: Row) => readonly unknown[],
  present: (row: Row) => Out,
): { data: Out[]; next_cursor: string | null } {
  const visible = rows.slice(0, limit);
  const last = visible.at(-1);
  return {
    data: visible.map(present),
    next_cursor: rows.length > limit && last !== undefined ? encodeCursor(keyset(last)) : null,
  };
}

/** A created_at as this API writes it (RFC 3339, milliseconds, UTC): anything else was not issued here. */
const issuedTimestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
  .refine((value) => value >= '1970' && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value);

/** A real calendar date within the ledger's range. */
const issuedDate = z.string().refine(isLedgerDate);

/** Cursor of lists ordered by (created_at, id). */
export const createdAtCursor = z.tuple([issuedTimestamp, z.uuid()]);

/** Cursor of lists ordered by (date, id). */
export const dateCursor = z.tuple([issuedDate, z.uuid()]);

/** Cursor of lists ordered by (priority, created_at, id): rules, in the order they run. */
export const priorityCursor = z.tuple([z.number().int().min(0).max(10_000), issuedTimestamp, z.uuid()]);
