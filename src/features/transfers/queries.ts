import type { CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { sql } from '../../db/sql.ts';
import { transactionColumns, transactionRow } from '../transactions/queries.ts';

const transferAccount = z.object({ id: z.string(), name: z.string(), currency: z.string() });
export type TransferAccount = z.infer<typeof transferAccount>;

/** The caller's transfers (pairs of transactions sharing a transfer_id), bound to one request's connection. */
export function transferQueries(db: CommonQueryMethods, userId: string) {
  return {
    /** The caller's accounts among `ids`, named (a leg's default description names the other account). */
    findAccounts(ids: string[]) {
      return db.any(sql.type(transferAccount)`
        select id, name, currency from accounts where user_id = ${userId} and id = any(${sql.array(ids, 'uuid')})
      `);
    },

    /** The kind of one of the caller's categories, or null when there is no such category. */
    findCategoryKind(id: string) {
      return db.maybeOneFirst(sql.type(z.object({ kind: z.string() }))`
        select kind from categories where user_id = ${userId} and id = ${id}
      `);
    },

    /** The caller's top-level transfer category (the default taxonomy's Transfers group), if any. */
    findDefaultCategory() {
      return db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
        select id from categories
        where user_id = ${userId} and parent_id is null and kind = 'transfer' and not archived
        order by created_at, id
        limit 1
      `);
    },

    /** Both legs of a transfer, the outgoing one first. */
    findLegs(transferId: string) {
      return db.any(sql.type(transactionRow)`
        select ${transactionColumns} from transactions
        where user_id = ${userId} and transfer_id = ${transferId}
        order by amount, id
      `);
    },

    /** Deletes both legs; false when the caller has no such transfer. */
    async delete(transferId: string): Promise<boolean> {
      const result = await db.query(sql.typeAlias('void')`
        delete from transactions where user_id = ${userId} and transfer_id = ${transferId}
      `);
      return result.rowCount > 0;
    },
  };
}

export type TransferQueries = ReturnType<typeof transferQueries>;
