import type { z } from 'zod';
import { problems } from './problem.ts';

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
