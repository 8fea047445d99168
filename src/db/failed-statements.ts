import type { Interceptor } from 'slonik';

/** What kind of statement raised an error: a foreign key fails one way on INSERT/UPDATE and the other on DELETE. */
export type StatementKind = 'insert' | 'update' | 'delete' | 'other';

const kinds = new WeakMap<object, StatementKind>();

function kindOf(text: string): StatementKind {
  // A data-changing CTE (`with … as (delete …)`) counts as what it changes.
  const verb = /\b(insert|update|delete)\b/i.exec(text)?.[1]?.toLowerCase();
  return verb === 'insert' || verb === 'update' || verb === 'delete' ? verb : 'other';
}

/** Remembers, for each failed query's error, the kind of statement it was (errors.ts reads it). */
export const failedStatements: Interceptor = {
  name: 'failed-statements',
  queryExecutionError: (_context, query, error) => {
    kinds.set(error, kindOf(query.sql));
    return null;
  },
};

export function statementKindOf(error: object): StatementKind | undefined {
  return kinds.get(error);
}
