import type { CommonQueryMethods, DatabasePool } from 'slonik';
import { z } from 'zod';
import { problems } from '../http/problem.ts';
import { sql } from './sql.ts';

const known = sql.type(z.object({ known: z.boolean() }));

/**
 * Which user each pooled connection's session names (app.user_id, read by the row-level security
 * policies), and since when. A read on a connection that already names its caller skips a round
 * trip; the name is checked again at least every second, so a deleted user's token stops
 * working everywhere within a second (at once in this process: see forgetUser).
 */
const sessionUsers = new Map<string, { userId: string; checkedAt: number }>();
const recheckAfterMs = 1000;
const maxRemembered = 1000;

function unknownUser() {
  return problems.unauthorized('The user this token was issued to no longer exists.');
}

/** Runs a read as `userId`: on one pooled connection whose session names the user. */
export function readAsUser<T>(pool: DatabasePool, userId: string, read: (db: CommonQueryMethods) => Promise<T>): Promise<T> {
  return pool.connect(async (connection) => {
    const named = sessionUsers.get(connection.connectionId);
    if (!named || named.userId !== userId || Date.now() - named.checkedAt > recheckAfterMs) {
      sessionUsers.delete(connection.connectionId);
      if (!(await connection.oneFirst(known`select app_begin_session(${userId}) as known`))) throw unknownUser();
      if (sessionUsers.size >= maxRemembered) sessionUsers.clear();
      sessionUsers.set(connection.connectionId, { userId, checkedAt: Date.now() });
    }
    return read(connection);
  });
}

/** Runs a change as `userId`: in one transaction that names the user for its duration. */
export function writeAsUser<T>(pool: DatabasePool, userId: string, write: (db: CommonQueryMethods) => Promise<T>): Promise<T> {
  return pool.transaction(async (transaction) => {
    if (!(await transaction.oneFirst(known`select app_begin_request(${userId}) as known`))) throw unknownUser();
    return write(transaction);
  });
}

/** A deleted user's connections stop being trusted at once in this process. */
export function forgetUser(userId: string): void {
  for (const [connectionId, named] of sessionUsers) if (named.userId === userId) sessionUsers.delete(connectionId);
}
