import type { CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { sql } from '../../db/sql.ts';
import { createdAtCursor } from '../../http/pagination.ts';
import type { components } from '../../generated/api.ts';
import { currencyCode } from '../../money/currency.ts';

type Db = CommonQueryMethods;
type AccountUpdate = components['schemas']['AccountUpdate'];

export const accountTypes = ['checking', 'savings', 'credit_card', 'cash', 'investment', 'loan', 'other'] as const;

/** An account exactly as the API shows it. */
const accountRow = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(accountTypes),
  currency: currencyCode,
  opening_balance: z.number(),
  balance: z.number(),
  archived: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Account = z.infer<typeof accountRow>;

const accountColumns = sql.fragment`
  id, name, type, currency, opening_balance, opening_balance + transactions_total as balance,
  archived, created_at, updated_at
`;

/** The cursor of the account list: the (created_at, id) of the last row shown. */
export const accountCursor = createdAtCursor;

export function listAccounts(
  db: Db,
  userId: string,
  options: { limit: number; after: z.infer<typeof accountCursor> | undefined; archived: boolean | undefined },
) {
  const { limit, after, archived } = options;
  return db.any(sql.type(accountRow)`
    select ${accountColumns}
    from accounts
    where user_id = ${userId}
      ${archived === undefined ? sql.fragment`` : sql.fragment`and archived = ${archived}`}
      ${after ? sql.fragment`and (created_at, id) > (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql.fragment``}
    order by created_at, id
    limit ${limit + 1}
  `);
}

/** One account; `forUpdate` locks it for a conditional change in the same transaction. */
export function findAccount(db: Db, userId: string, id: string, options: { forUpdate?: boolean } = {}) {
  return db.maybeOne(sql.type(accountRow)`
    select ${accountColumns}
    from accounts
    where user_id = ${userId} and id = ${id}
    ${options.forUpdate ? sql.fragment`for update` : sql.fragment``}
  `);
}

export function insertAccount(
  db: Db,
  userId: string,
  account: { name: string; type: Account['type']; currency: string; opening_balance: number },
) {
  return db.one(sql.type(accountRow)`
    insert into accounts (user_id, name, type, currency, opening_balance)
    values (${userId}, ${account.name}, ${account.type}, ${account.currency}, ${account.opening_balance})
    returning ${accountColumns}
  `);
}

export function updateAccount(db: Db, userId: string, id: string, changes: AccountUpdate) {
  const assignments = [
    changes.name === undefined ? null : sql.fragment`name = ${changes.name}`,
    changes.type === undefined ? null : sql.fragment`type = ${changes.type}`,
    changes.opening_balance === undefined ? null : sql.fragment`opening_balance = ${changes.opening_balance}`,
    changes.archived === undefined ? null : sql.fragment`archived = ${changes.archived}`,
  ].filter((assignment) => assignment !== null);
  return db.one(sql.type(accountRow)`
    update accounts set ${sql.join(assignments, sql.fragment`, `)}
    where user_id = ${userId} and id = ${id}
    returning ${accountColumns}
  `);
}

/**
 * Deletes an account. Without `cascade`, transactions still on it make the foreign key refuse
 * (409). With it, its transactions go first — and the other leg of each of its transfers, so no
 * transfer is left half-recorded.
 */
export async function deleteAccount(db: Db, userId: string, id: string, options: { cascade: boolean }) {
  if (options.cascade) {
    await db.query(sql.typeAlias('void')`
      delete from transactions
      where user_id = ${userId}
        and (account_id = ${id} or transfer_id in (
          select transfer_id from transactions
          where user_id = ${userId} and account_id = ${id} and transfer_id is not null
        ))
    `);
  }
  return db.query(sql.typeAlias('void')`delete from accounts where user_id = ${userId} and id = ${id}`);
}
