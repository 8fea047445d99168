import type { CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { sql } from '../../db/sql.ts';
import { transactionColumns, transactionRow } from '../transactions/queries.ts';

type Db = CommonQueryMethods;

export function findTransferAccounts(db: Db, userId: string, ids: string[]) {
  return db.any(sql.type(z.object({ id: z.string(), name: z.string(), currency: z.string() }))`
    select id, name, currency from accounts where user_id = ${userId} and id = any(${sql.array(ids, 'uuid')})
  `);
}

/** The kind of one of the caller's categories, or null when there is no such category. */
export function findCategoryKind(db: Db, userId: string, id: string) {
  return db.maybeOneFirst(sql.type(z.object({ kind: z.string() }))`
    select kind from categories where user_id = ${userId} and id = ${id}
  `);
}

/** The caller's top-level transfer category (the default taxonomy's Transfers group), if any. */
export function findDefaultTransferCategory(db: Db, userId: string) {
  return db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    select id from categories
    where user_id = ${userId} and parent_id is null and kind = 'transfer' and not archived
    order by created_at, id
    limit 1
  `);
}

/** Both legs of a transfer, the outgoing one first. */
export function findTransferLegs(db: Db, userId: string, transferId: string) {
  return db.any(sql.type(transactionRow)`
    select ${transactionColumns} from transactions
    where user_id = ${userId} and transfer_id = ${transferId}
    order by amount, id
  `);
}

export async function deleteTransferLegs(db: Db, userId: string, transferId: string): Promise<boolean> {
  const result = await db.query(sql.typeAlias('void')`
    delete from transactions where user_id = ${userId} and transfer_id = ${transferId}
  `);
  return result.rowCount > 0;
}
