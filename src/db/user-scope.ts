import type { CommonQueryMethods, DatabasePool } from 'slonik';
import { z } from 'zod';
import type { Caller } from '../http/auth.ts';
import { problems } from '../http/problems.ts';
import { sql } from './sql.ts';

const known = sql.type(z.object({ known: z.boolean() }));

/**
 * Which user each pooled connection's session names (app.user_id, read by the row-level security
 * policies), and since when. A request on a connection that already names its caller skips a
 * round trip; the name is checked again at least every second, so a deleted user's token stops
 * working everywhere within a second (at once in this process: see forgetUser).
 *
 * Only the user pool's connections are ever named, and every use of them goes through the
 * functions below, which name the caller first.
 *
 * Keyed by the physical connection: slonik hands out a fresh connectionId on every checkout, so
 * the id cannot tell that a connection was named on an earlier request (keyed by it, every request
 * named its caller again). Slonik's handles keep the driver connection as `connection`, outside
 * its types; were that ever missing, the caller is named on every request: slower, never wrong.
 */
type Named = Caller & { checkedAt: number };
const sessionUsers = new WeakMap<object, Named>();
/** When each deleted user was forgotten; names older than that no longer count. */
const forgotten = new Map<string, number>();
const recheckAfterMs = 1000;

function physicalConnection(handle: CommonQueryMethods): object | undefined {
  const inner = (handle as { connection?: unknown }).connection;
  return typeof inner === 'object' && inner !== null ? inner : undefined;
}

function namesCaller(session: object | undefined, { userId, tokenGeneration }: Caller): boolean {
  const named = session && sessionUsers.get(session);
  if (named === undefined || named.userId !== userId || named.tokenGeneration !== tokenGeneration) return false;
  if (Date.now() - named.checkedAt > recheckAfterMs) return false;
  const forgottenAt = forgotten.get(userId);
  return forgottenAt === undefined || forgottenAt < named.checkedAt;
}

/**
 * Names the caller on the connection's session, or throws 401 when there is no such user (or the
 * token's generation has ended: a password change or sign-out since it was issued). Answers
 * the name to remember, stamped with when it was checked: a forgetUser after that (say, by the
 * request that deletes the user, before it commits) outdates it.
 */
async function nameCaller(db: CommonQueryMethods, session: object | undefined, caller: Caller, unknownCaller = tokenEnded): Promise<Named> {
  if (session) sessionUsers.delete(session);
  const checkedAt = Date.now();
  if (!(await db.oneFirst(known`select app_begin_session(${caller.userId}, ${caller.tokenGeneration}::int) as known`))) {
    throw unknownCaller();
  }
  return { ...caller, checkedAt };
}

function tokenEnded(): Error {
  return problems.unauthorized('This token has ended: its user no longer exists, changed the password or signed out.');
}

function remember(session: object | undefined, named: Named): void {
  if (session) sessionUsers.set(session, named);
}

/** Outside a transaction a name takes effect at once: named here, remembered now. */
async function nameOutsideTransaction(connection: CommonQueryMethods, caller: Caller, unknownCaller = tokenEnded): Promise<void> {
  const session = physicalConnection(connection);
  if (!namesCaller(session, caller)) remember(session, await nameCaller(connection, session, caller, unknownCaller));
}

/** Runs a read as the caller on one pooled connection whose session names the user. */
export function readAsUser<T>(pool: DatabasePool, caller: Caller, read: (db: CommonQueryMethods) => Promise<T>): Promise<T> {
  return pool.connect(async (connection) => {
    await nameOutsideTransaction(connection, caller);
    return read(connection);
  });
}

/**
 * The replica has not replayed the caller yet: a sign-up, or the token generation a password
 * change started, committed on the primary moments ago. Only the primary can say the token ended.
 */
export class CallerNotReplicatedError extends Error {
  constructor() {
    super('the read replica does not know this caller (yet)');
  }
}

/**
 * readAsUser on a hot standby. Naming the caller writes nothing (app_begin_session only sets a
 * session setting and reads users), so a standby runs it; but where the standby does not know the
 * caller, it throws CallerNotReplicatedError instead of a 401, for the read to be retried on the
 * primary.
 */
export function readAsUserOnReplica<T>(pool: DatabasePool, caller: Caller, read: (db: CommonQueryMethods) => Promise<T>): Promise<T> {
  return pool.connect(async (connection) => {
    await nameOutsideTransaction(connection, caller, () => new CallerNotReplicatedError());
    return read(connection);
  });
}

/**
 * Runs a change as `userId` in one transaction on a connection whose session names the user. A
 * name set inside the transaction is only remembered once it commits: a rollback undoes it.
 */
export async function writeAsUser<T>(pool: DatabasePool, caller: Caller, write: (db: CommonQueryMethods) => Promise<T>): Promise<T> {
  let namedHere: { session: object | undefined; named: Named } | undefined;
  try {
    const result = await pool.transaction(async (transaction) => {
      const session = physicalConnection(transaction);
      if (!namesCaller(session, caller)) namedHere = { session, named: await nameCaller(transaction, session, caller) };
      return write(transaction);
    });
    if (namedHere) remember(namedHere.session, namedHere.named);
    return result;
  } catch (error) {
    if (namedHere?.session) sessionUsers.delete(namedHere.session);
    throw error;
  }
}

/** A single-statement operation issued a second write: a bug in its operation table entry, not the caller's. */
export class SecondWriteError extends Error {
  constructor() {
    super('an operation marked singleStatement issued a second change; drop singleStatement from its entry so it runs in a transaction');
  }
}

const queryMethods = [
  'any', 'anyFirst', 'exists', 'many', 'manyFirst', 'maybeOne', 'maybeOneFirst', 'one', 'oneFirst', 'query', 'record',
] as const satisfies readonly (keyof CommonQueryMethods)[];

/** A plain SELECT reads; anything else (INSERT, UPDATE, DELETE, a WITH that may hold one) may change data. */
function mayChange(query: unknown): boolean {
  const text = (query as { sql?: unknown } | undefined)?.sql;
  return typeof text !== 'string' || !/^\s*select\b/i.test(text);
}

/**
 * Runs a change that is a single SQL statement as the caller, without BEGIN and COMMIT. One
 * statement, its triggers included, is atomic on its own, so the transaction bought nothing but
 * two round trips. Reads may come before it (what enriching a row needs) or after it (what explains
 * why an insert left a row out); each runs on its own. A second statement that may change data is
 * refused before it runs (SecondWriteError), so two changes can never commit apart. A statement
 * that starts with SELECT must not change data: none in this code base does.
 */
export function writeOnceAsUser<T>(pool: DatabasePool, caller: Caller, write: (db: CommonQueryMethods) => Promise<T>): Promise<T> {
  return pool.connect(async (connection) => {
    await nameOutsideTransaction(connection, caller);
    let changes = 0;
    const refuse = () => {
      throw new Error('writeOnceAsUser runs one statement: use writeAsUser for a transaction or a stream');
    };
    const db: Record<string, unknown> = { transaction: refuse, stream: refuse };
    for (const method of queryMethods) {
      db[method] = (...args: unknown[]) => {
        if (mayChange(args[0]) && changes++ > 0) throw new SecondWriteError();
        return (connection[method] as (...a: unknown[]) => Promise<unknown>).apply(connection, args);
      };
    }
    return write(db as unknown as CommonQueryMethods);
  });
}

/** A deleted user's (or a user whose tokens just ended) connections stop being trusted at once in this process. */
export function forgetUser(userId: string): void {
  const now = Date.now();
  // After a second every name is checked again anyway: older entries can go.
  for (const [user, at] of forgotten) if (now - at > recheckAfterMs) forgotten.delete(user);
  forgotten.set(userId, now);
}
