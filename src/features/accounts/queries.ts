import type { CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { sql } from '../../db/sql.ts';
import { createdAtCursor } from '../../http/pagination.ts';
import type { components } from '../../generated/api.ts';
import { currencyCode } from '../../money/currency.ts';

type AccountUpdate = components['schemas']['AccountUpdate'];

export const accountTypes = ['checking', 'savings', 'credit_card', 'cash', 'investment', 'loan', 'other'] as const satisfies readonly components['schemas']['AccountType'][];

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

export type AccountFilter = { limit: number; after: z.infer<typeof accountCursor> | undefined; archived: boolean | undefined };
export type NewAccount = Pick<Account, 'name' | 'type' | 'currency' | 'opening_balance'>;

/** The `set` list of an account update: only the fields the request names. */
function accountAssignments(changes: AccountUpdate) {
  return [
    changes.name === undefined ? null : sql.fragment`name = ${changes.name}`,
    changes.type === undefined ? null : sql.fragment`type = ${changes.type}`,
    changes.opening_balance === undefined ? null : sql.fragment`opening_balance = ${changes.opening_balance}`,
    changes.archived === undefined ? null : sql.fragment`archived = ${changes.archived}`,
  ].filter((assignment) => assignment !== null);
}

/** The caller's accounts, bound once per request to its connection. */
export function accountQueries(db: CommonQueryMethods, userId: string) {
  return {
    list({ limit, after, archived }: AccountFilter) {
      return db.any(sql.type(accountRow)`
        select ${accountColumns}
        from accounts
        where user_id = ${userId}
          ${archived === undefined ? sql.fragment`` : sql.fragment`and archived = ${archived}`}
          ${after ? sql.fragment`and (created_at, id) > (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql.fragment``}
        order by created_at, id
        limit ${limit + 1}
      `);
    },

    /** One account; `forUpdate` locks it for a conditional change in the same transaction. */
    find(id: string, options: { forUpdate?: boolean } = {}) {
      return db.maybeOne(sql.type(accountRow)`
        select ${accountColumns}
        from accounts
        where user_id = ${userId} and id = ${id}
        ${options.forUpdate ? sql.fragment`for update` : sql.fragment``}
      `);
    },

    insert(account: NewAccount) {
      return db.one(sql.type(accountRow)`
        insert into accounts (user_id, name, type, currency, opening_balance)
        values (${userId}, ${account.name}, ${account.type}, ${account.currency}, ${account.opening_balance})
        returning ${accountColumns}
      `);
    },

    update(id: string, changes: AccountUpdate) {
      return db.one(sql.type(accountRow)`
        update accounts set ${sql.join(accountAssignments(changes), sql.fragment`, `)}
        where user_id = ${userId} and id = ${id}
        returning ${accountColumns}
      `);
    },

    /**
     * Without `cascade`, transactions still on the account make the foreign key refuse (409).
     * With it, its transactions go first — and the other leg of each of its transfers, so no
     * transfer is left half-recorded.
     */
    async delete(id: string, options: { cascade: boolean }) {
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
      await db.query(sql.typeAlias('void')`delete from accounts where user_id = ${userId} and id = ${id}`);
    },
  };
}

export type AccountQueries = ReturnType<typeof accountQueries>;
