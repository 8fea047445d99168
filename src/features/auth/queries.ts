import type { DatabasePool, DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { sql } from '../../db/sql.ts';
import { currencyCode } from '../../money/currency.ts';

export const userRow = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  default_currency: currencyCode,
  created_at: z.string(),
  updated_at: z.string(),
});
export type UserRow = z.infer<typeof userRow>;

/** Inserts a user under its own id, named first so the users RLS policy admits the row. */
export async function insertUser(
  db: DatabaseTransactionConnection,
  user: { id: string; email: string; passwordHash: string; name: string | null; defaultCurrency: string },
): Promise<UserRow> {
  await db.query(sql.type(z.object({ known: z.boolean() }))`select app_begin_request(${user.id}) as known`);
  return db.one(sql.type(userRow)`
    insert into users (id, email, password_hash, name, default_currency)
    values (${user.id}, ${user.email}, ${user.passwordHash}, ${user.name}, ${user.defaultCurrency})
    returning id, email, name, default_currency, created_at, updated_at
  `);
}

const credentials = z.object({ id: z.string(), password_hash: z.string() });

/** Id and password hash for an email, through the definer function (no user is named yet). */
export function findCredentials(pool: DatabasePool, email: string) {
  return pool.maybeOne(sql.type(credentials)`select id, password_hash from auth_user_by_email(${email})`);
}
