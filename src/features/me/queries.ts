import type { CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { sql } from '../../db/sql.ts';
import { userRow } from '../auth/queries.ts';

type Db = CommonQueryMethods;

const userColumns = sql.fragment`id, email, name, default_currency, created_at, updated_at`;

export function findUser(db: Db, userId: string, options: { forUpdate?: boolean } = {}) {
  return db.one(sql.type(userRow)`
    select ${userColumns} from users where id = ${userId}
    ${options.forUpdate ? sql.fragment`for update` : sql.fragment``}
  `);
}

export function findPasswordHash(db: Db, userId: string) {
  return db.oneFirst(sql.type(z.object({ password_hash: z.string() }))`select password_hash from users where id = ${userId}`);
}

export function updateUser(
  db: Db,
  userId: string,
  changes: { name?: string | null; defaultCurrency?: string; passwordHash?: string },
) {
  const assignments = [
    changes.name === undefined ? null : sql.fragment`name = ${changes.name}`,
    changes.defaultCurrency === undefined ? null : sql.fragment`default_currency = ${changes.defaultCurrency}`,
    changes.passwordHash === undefined ? null : sql.fragment`password_hash = ${changes.passwordHash}`,
  ].filter((assignment) => assignment !== null);
  return db.one(sql.type(userRow)`
    update users set ${sql.join(assignments, sql.fragment`, `)}
    where id = ${userId}
    returning ${userColumns}
  `);
}

/** Deletes the user; every table's user_id cascades, so all their data goes in this statement. */
export function deleteUser(db: Db, userId: string) {
  return db.query(sql.typeAlias('void')`delete from users where id = ${userId}`);
}
