import {
  BackendTerminatedError,
  BackendTerminatedUnexpectedlyError,
  CheckIntegrityConstraintViolationError,
  ConnectionError,
  ForeignKeyIntegrityConstraintViolationError,
  StatementTimeoutError,
  UniqueIntegrityConstraintViolationError,
} from 'slonik';
import { Problem, problems } from '../http/problems.ts';
import { statementKindOf } from './failed-statements.ts';

/**
 * Database errors become HTTP answers here and nowhere else, keyed by constraint name (every
 * constraint in sql/migrations is named for this). A constraint missing from these tables is a
 * bug and answers 500, not a guess.
 */
const uniqueViolations: Record<string, () => Problem> = {
  users_email_key: () => problems.conflict('This email is already registered.'),
  accounts_user_name_key: () => problems.conflict('You already have an account with this name.'),
  categories_user_parent_name_key: () => problems.conflict('This group already has a category with this name.'),
  transactions_external_id_key: () =>
    problems.conflict('This account already has a transaction with this external_id.'),
};

/**
 * Foreign keys, by constraint name and the statement that broke them: an INSERT or UPDATE of the
 * child names a parent that is missing — the caller's mistake (422); a DELETE of the parent finds
 * a child still there — it blocks the delete (409). (PostgreSQL reports the child's table either
 * way, and under row-level security it hides the key columns, so neither can tell.)
 */
type ForeignKey = { missingParent?: () => Problem; stillReferenced?: () => Problem };
const foreignKeyViolations: Record<string, ForeignKey> = {
  transactions_account_fkey: {
    missingParent: () => problems.unknownReference('account', '#/account_id'),
    stillReferenced: () =>
      problems.conflict('The account has transactions: archive it instead, or delete it with cascade=true.'),
  },
  transactions_category_fkey: {
    missingParent: () => problems.unknownReference('category', '#/category_id'),
  },
  budgets_category_fkey: {
    missingParent: () => problems.unknownReference('category', '#/category_id'),
    stillReferenced: () =>
      problems.conflict('Budgets use this category: delete them, or pass reassign_to to move them.'),
  },
  rules_set_category_fkey: {
    missingParent: () => problems.unknownReference('category', '#/actions/set_category'),
  },
  transactions_rule_fkey: {
    missingParent: () => problems.conflict('A rule that applied to this write was deleted meanwhile; send it again.'),
  },
  categories_parent_fkey: {
    missingParent: () => problems.unknownReference('category', '#/parent_id', 'The parent category does not exist.'),
    stillReferenced: () => problems.conflict('This group still has categories: delete or move them first.'),
  },
};

/** Past ±(2^53 − 1) a JSON number no longer holds every integer: the most a ledger may add up to. */
const largestExactAmount = Number.MAX_SAFE_INTEGER;

/** A write refused by the volume rule of sql/migrations/0010: `pointer` names the field that carried the money. */
function beyondExactAmounts(pointer: string): Problem {
  return problems.unprocessable(
    `The absolute amounts of your transactions and opening balances in one currency may add up to at most ${largestExactAmount} minor units, so that every balance and total stays exact; this change would pass that. Nothing was written.`,
    [{ pointer, in: 'body', message: `would take the money recorded in this currency beyond ${largestExactAmount} minor units` }],
  );
}

const checkViolations: Record<string, () => Problem> = {
  categories_two_levels: () =>
    problems.unprocessable('Categories nest two levels deep at most: a parent must be a top-level group, and a group with categories cannot get a parent.', [
      { pointer: '#/parent_id', in: 'body', message: 'would nest categories more than two levels deep' },
    ]),
  categories_kind_matches_parent: () =>
    problems.unprocessable('A category has the kind of its group.', [
      { pointer: '#/kind', in: 'body', message: "must match the group's kind" },
    ]),
  categories_not_own_parent: () =>
    problems.unprocessable('A category cannot be its own parent.', [{ pointer: '#/parent_id', in: 'body', message: 'is this category itself' }]),
  transactions_date_range: () => problems.dateOutOfRange({ pointer: '#/date' }),
  budgets_start_date_range: () => problems.dateOutOfRange({ pointer: '#/start_date' }),
  transactions_volume_limit: () => beyondExactAmounts('#/amount'),
  accounts_volume_limit: () => beyondExactAmounts('#/opening_balance'),
};

export function problemFromDatabaseError(error: unknown): Problem | undefined {
  if (error instanceof UniqueIntegrityConstraintViolationError) {
    return error.constraint ? uniqueViolations[error.constraint]?.() : undefined;
  }
  if (error instanceof ForeignKeyIntegrityConstraintViolationError) {
    const mapping = error.constraint ? foreignKeyViolations[error.constraint] : undefined;
    if (!mapping) return undefined;
    return (statementKindOf(error) === 'delete' ? mapping.stillReferenced : mapping.missingParent)?.();
  }
  if (error instanceof CheckIntegrityConstraintViolationError) {
    return error.constraint ? checkViolations[error.constraint]?.() : undefined;
  }
  if (error instanceof StatementTimeoutError) {
    return retryLater('The database took too long to answer; try again.');
  }
  if (error instanceof ConnectionError) {
    return retryLater('The database is unreachable; try again shortly.');
  }
  if (lostConnection(error)) {
    return retryLater(
      'The connection to the database was lost while answering; try again shortly. A change sent with an Idempotency-Key is applied exactly once whether or not this attempt committed.',
    );
  }
  return undefined;
}

/** A database restart or failover takes seconds: long enough not to hammer it, short enough to recover quickly. */
const retryAfterSeconds = 2;

function retryLater(detail: string): Problem {
  const problem = problems.serviceUnavailable(detail);
  problem.headers['Retry-After'] = String(retryAfterSeconds);
  return problem;
}

/**
 * SQLSTATEs and socket errors of a connection that went away: the server shutting down (57P01
 * admin, 57P02 crash), starting up (57P03), out of connection slots (53300), any connection
 * exception (class 08), and the driver's own socket errors.
 */
const connectionLostCodes = new Set([
  '57P01', '57P02', '57P03', '53300',
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENOTCONN', 'EHOSTUNREACH', 'ENETUNREACH',
]);
/**
 * What node-postgres and slonik say, without a code, when the socket closes under a query or a
 * checkout ("Connection terminated unexpectedly", "Client has encountered a connection error and
 * is not queryable", "Client is pending destroy."), or when the pool is closing with the process.
 */
const connectionLostMessage =
  /connection terminated|connection error|not queryable|client is (pending destroy|destroyed)|connection pool (is being (terminated|shut down)|has (ended|been shut down))/i;

/** The error and those it wraps (slonik keeps the driver's as `cause`), outermost first, at most five. */
export function* errorChain(error: unknown): Generator<Error> {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) yield current;
}

/** Whether the error, or one it wraps, is a lost connection. */
function lostConnection(error: unknown): boolean {
  for (const current of errorChain(error)) {
    if (current instanceof BackendTerminatedError || current instanceof BackendTerminatedUnexpectedlyError || current instanceof ConnectionError) {
      return true;
    }
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (connectionLostCodes.has(code) || code.startsWith('08'))) return true;
    if (connectionLostMessage.test(current.message)) return true;
  }
  return false;
}

