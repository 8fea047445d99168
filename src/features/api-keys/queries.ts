import { createHash, randomBytes } from 'node:crypto';
import type { DatabasePool, CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { sql } from '../../db/sql.ts';
import { createdAtCursor } from '../../http/pagination.ts';

const apiKeyPrefix = 'ss_';

export function isApiKey(token: string): boolean {
  return token.startsWith(apiKeyPrefix);
}

/** A new secret: `ss_` and 256 random bits in base64url (43 characters). */
export function generateApiKeySecret(): string {
  return `${apiKeyPrefix}${randomBytes(32).toString('base64url')}`;
}

function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The user a live API key belongs to, or undefined; records its use. */
export async function findApiKeyUser(pool: DatabasePool, secret: string): Promise<string | undefined> {
  const userId = await pool.oneFirst(sql.type(z.object({ user_id: z.string().nullable() }))`
    select auth_api_key_user(${secretHash(secret)}) as user_id
  `);
  return userId ?? undefined;
}

const apiKeyRow = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  created_at: z.string(),
});
export type ApiKey = z.infer<typeof apiKeyRow>;

const apiKeyColumns = sql.fragment`id, name, prefix, expires_at, last_used_at, created_at`;

export const apiKeyCursor = createdAtCursor;

export type NewApiKey = { name: string; secret: string; expiresAt: string | null };

/** The caller's API keys, bound once per request to its connection. */
export function apiKeyQueries(db: CommonQueryMethods, userId: string) {
  return {
    list({ limit, after }: { limit: number; after: z.infer<typeof apiKeyCursor> | undefined }) {
      return db.any(sql.type(apiKeyRow)`
        select ${apiKeyColumns}
        from api_keys
        where user_id = ${userId}
          ${after ? sql.fragment`and (created_at, id) > (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql.fragment``}
        order by created_at, id
        limit ${limit + 1}
      `);
    },

    /** Stores the key's prefix (to recognise it in a list) and its hash, never the secret itself. */
    insert(key: NewApiKey) {
      return db.one(sql.type(apiKeyRow)`
        insert into api_keys (user_id, name, prefix, secret_hash, expires_at)
        values (${userId}, ${key.name}, ${key.secret.slice(0, 9)}, ${secretHash(key.secret)}, ${key.expiresAt})
        returning ${apiKeyColumns}
      `);
    },

    /** Revokes a key; false when the caller has no such key. */
    async delete(id: string): Promise<boolean> {
      const result = await db.query(sql.typeAlias('void')`delete from api_keys where user_id = ${userId} and id = ${id}`);
      return result.rowCount > 0;
    },
  };
}

export type ApiKeyQueries = ReturnType<typeof apiKeyQueries>;
