import {
  CheckIntegrityConstraintViolationError,
  ConnectionError,
  ForeignKeyIntegrityConstraintViolationError,
  StatementTimeoutError,
  UniqueIntegrityConstraintViolationError,
} from 'slonik';
import { Problem, problems } from '../http/problem.ts';

/**
 * Database errors become HTTP answers here and nowhere else, keyed by constraint name (every
 * constraint in sql/migrations is named for this). A constraint missing from these tables is a
 * bug and answers 500, not a guess.
 */
const uniqueViolations: Record<string, () => Problem> = {
  users_email_key: () => problems.conflict('This email is already registered.'),
  accounts_user_name_key: () => problems.conflict('You already have an account with this name.'),
};

/** Foreign keys: a missing parent is the caller's mistake (422); a child still present blocks a delete (409). */
const foreignKeyViolations: Record<string, { missingParent?: () => Problem; stillReferenced?: () => Problem }> = {};

const checkViolations: Record<string, () => Problem> = {};

function isStillReferenced(detail: string | null): boolean {
  return detail !== null && detail.includes('is still referenced');
}

export function problemFromDatabaseError(error: unknown): Problem | undefined {
  if (error instanceof UniqueIntegrityConstraintViolationError) {
    return error.constraint ? uniqueViolations[error.constraint]?.() : undefined;
  }
  if (error instanceof ForeignKeyIntegrityConstraintViolationError) {
    const mapping = error.constraint ? foreignKeyViolations[error.constraint] : undefined;
    return (isStillReferenced(error.detail) ? mapping?.stillReferenced : mapping?.missingParent)?.();
  }
  if (error instanceof CheckIntegrityConstraintViolationError) {
    return error.constraint ? checkViolations[error.constraint]?.() : undefined;
  }
  if (error instanceof StatementTimeoutError) {
    return problems.serviceUnavailable('The database took too long to answer; try again.');
  }
  if (error instanceof ConnectionError) {
    return problems.serviceUnavailable('The database is unreachable; try again shortly.');
  }
  return undefined;
}

