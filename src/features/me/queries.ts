import type { CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { sql } from '../../db/sql.ts';
import { userColumns, userRow } from '../auth/queries.ts';

export type UserChanges = { name?: string | null; defaultCurrency?: string; autoCategorizeThreshold?: number; passwordHash?: string };

/** The `set` list of a user update: only the fields the request names. */
function userAssignments(changes: UserChanges) {
  return [
    changes.name === undefined ? null : sql.fragment`name = ${changes.name}`,
    changes.defaultCurrency === undefined ? null : sql.fragment`default_currency = ${changes.defaultCurrency}`,
    changes.autoCategorizeThreshold === undefined ? null : sql.fragment`auto_categorize_threshold = ${changes.autoCategorizeThreshold}`,
    // A new password ends every access token issued before it.
    changes.passwordHash === undefined ? null : sql.fragment`password_hash = ${changes.passwordHash}, token_generation = token_generation + 1`,
  ].filter((assignment) => assignment !== null);
}

const passwordHashRow = z.object({ password_hash: z.string() });

/** The caller's own user row, bound once per request to its connection. */
export function meQueries(db: CommonQueryMethods, userId: string) {
  return {
    /** `forUpdate` locks the row for a conditional change in the same transaction. */
    find(options: { forUpdate?: boolean } = {}) {
      return db.one(sql.type(userRow)`
        select ${userColumns} from users where id = ${userId}
        ${options.forUpdate ? sql.fragment`for update` : sql.fragment``}
      `);
    },

    findPasswordHash() {
      return db.oneFirst(sql.type(passwordHashRow)`select password_hash from users where id = ${userId}`);
    },

    update(changes: UserChanges) {
      return db.one(sql.type(userRow)`
        update users set ${sql.join(userAssignments(changes), sql.fragment`, `)}
        where id = ${userId}
        returning ${userColumns}
      `);
    },

    /** Ends every access token issued so far (sign-out everywhere). */
    async endTokens(): Promise<void> {
      await db.query(sql.typeAlias('void')`update users set token_generation = token_generation + 1 where id = ${userId}`);
    },

    /** Every table's user_id cascades, so all the user's data goes in this statement. */
    async delete(): Promise<void> {
      await db.query(sql.typeAlias('void')`delete from users where id = ${userId}`);
    },
  };
}

export type MeQueries = ReturnType<typeof meQueries>;
