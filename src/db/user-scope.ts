import type { CommonQueryMethods, DatabasePool } from 'slonik';
import { z } from 'zod';
import { problems } from '../http/problem.ts';
import { sql } from './sql.ts';

const known = sql.type(z.object({ known: z.boolean() }));

/**
 * Which user each pooled connection's session names (app.user_id, read by the row-level security
 * policies), and since when. A request on a connection that already names its caller skips a
 * round trip; the name is checked again at least every second, so a deleted user's token stops
 * working everywhere within a second (at once in this process: see forgetUser).
 *
 * Only the user pool's connections are ever named, and every use of them goes through the two
 * functions below, which name the caller first.
 */
const sessionUsers = new Map<string, { userId: string; checkedAt: number }>();
const recheckAfterMs = 1000;
const maxRemembered = 1000;

function namesCaller(connectionId: string, userId: string): boolean {
  const named = sessionUsers.get(connectionId);
  return named !== undefined && named.userId === userId && Date.now() - named.checkedAt <= recheckAfterMs;
}

/** Names `userId` on the connection's session; false when there is no such user. */
async function nameCaller(db: CommonQueryMethods, connectionId: string, userId: string): Promise<void> {
  sessionUsers.delete(connectionId);
  if (!(await db.oneFirst(known`select app_begin_session(${userId}) as known`))) {
    throw problems.unauthorized('The user this token was issued to no longer exists.');
  }
}

function remember(connectionId: string, userId: string): void {
  if (sessionUsers.size >= maxRemembered) sessionUsers.clear();
  sessionUsers.set(connectionId, { userId, checkedAt: Date.now() });
}

/** Runs a read as `userId` on one pooled connection whose session names the user. */
export function readAsUser<T>(pool: DatabasePool, userId: string, read: (db: CommonQueryMethods) => Promise<T>): Promise<T> {
  return pool.connect(async (connection) => {
    if (!namesCaller(connection.connectionId, userId)) {
      await nameCaller(connection, connection.connectionId, userId);
      remember(connection.connectionId, userId);
    }
    return read(connection);
  });
}

/**
 * Runs a change as `userId` in one transaction on a connection whose session names the user. A
 * name set inside the transaction is only remembered once it commits: a rollback undoes it.
 */
export async function writeAsUser<T>(pool: DatabasePool, userId: string, write: (db: CommonQueryMethods) => Promise<T>): Promise<T> {
  let namedHere: string | undefined;
  try {
    const result = await pool.transaction(async (transaction) => {
      if (!namesCaller(transaction.connectionId, userId)) {
        await nameCaller(transaction, transaction.connectionId, userId);
        namedHere = transaction.connectionId;
      }
      return write(transaction);
    });
    if (namedHere) remember(namedHere, userId);
    return result;
  } catch (error) {
    if (namedHere) sessionUsers.delete(namedHere);
    throw error;
  }
}

const queryMethods = ['any', 'anyFirst', 'exists', 'many', 'manyFirst', 'maybeOne', 'maybeOneFirst', 'one', 'oneFirst', 'query'] as const;

/**
 * Runs a change that is a single SQL statement as `userId`, without BEGIN and COMMIT. One
 * statement, its triggers included, is atomic on its own, so the transaction bought nothing but
 * two round trips (a transaction create: three round trips become one).
 *
 * Only the first statement may change anything. Any later one (say, the reads that explain why an
 * insert left a row out) runs in a READ ONLY transaction, so PostgreSQL itself refuses a second
 * change that would commit apart from the first.
 */
export function writeOnceAsUser<T>(pool: DatabasePool, userId: string, write: (db: CommonQueryMethods) => Promise<T>): Promise<T> {
  return pool.connect(async (connection) => {
    if (!namesCaller(connection.connectionId, userId)) {
      await nameCaller(connection, connection.connectionId, userId);
      remember(connection.connectionId, userId);
    }
    let statements = 0;
    const readOnly = <R>(run: (db: CommonQueryMethods) => Promise<R>) =>
      connection.transaction(async (transaction) => {
        await transaction.query(sql.unsafe`set transaction read only`);
        return run(transaction);
      });
    const run = (on: CommonQueryMethods, method: (typeof queryMethods)[number], args: unknown[]) =>
      (on[method] as (...a: unknown[]) => Promise<unknown>).apply(on, args);
    const db: Record<string, unknown> = { ...connection };
    for (const method of queryMethods) {
      db[method] = (...args: unknown[]) =>
        statements++ === 0 ? run(connection, method, args) : readOnly((transaction) => run(transaction, method, args));
    }
    const refuse = () => {
      throw new Error('writeOnceAsUser runs one statement: use writeAsUser for a transaction or a stream');
    };
    return write({ ...db, transaction: refuse, stream: refuse } as unknown as CommonQueryMethods);
  });
}

/** A deleted user's connections stop being trusted at once in this process. */
export function forgetUser(userId: string): void {
  for (const [connectionId, named] of sessionUsers) if (named.userId === userId) sessionUsers.delete(connectionId);
}
