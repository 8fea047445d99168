import type { DatabasePool, CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { sql } from '../../db/sql.ts';
import { signInThrottle } from '../../limits.ts';
import { currencyCode } from '../../money/currency.ts';

export const userRow = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  default_currency: currencyCode,
  auto_categorize_threshold: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type UserRow = z.infer<typeof userRow>;

/** The columns of `userRow`, in its order. */
export const userColumns = sql.fragment`id, email, name, default_currency, auto_categorize_threshold, created_at, updated_at`;

/** Inserts a user under its own id, named first so the users RLS policy admits the row. */
export async function insertUser(
  db: CommonQueryMethods,
  user: { id: string; email: string; passwordHash: string; name: string | null; defaultCurrency: string },
): Promise<UserRow> {
  await db.query(sql.type(z.object({ known: z.boolean() }))`select app_begin_request(${user.id}) as known`);
  return db.one(sql.type(userRow)`
    insert into users (id, email, password_hash, name, default_currency)
    values (${user.id}, ${user.email}, ${user.passwordHash}, ${user.name}, ${user.defaultCurrency})
    returning ${userColumns}
  `);
}

const credentials = z.object({ id: z.string(), password_hash: z.string(), token_generation: z.number() });

/** What sign-in reads and writes before any user is named, bound to the owner-free pool. */
export function signInQueries(pool: DatabasePool) {
  return {
    /** Id and password hash for an email, through the definer function (no user is named yet). */
    findCredentials(email: string) {
      return pool.maybeOne(sql.type(credentials)`select id, password_hash, token_generation from auth_user_by_email(${email})`);
    },

    /** Seconds until the longest block among `keys` ends; 0 when none is blocked. */
    secondsBlocked(keys: string[]) {
      return pool.oneFirst(sql.type(z.object({ seconds: z.number() }))`
        select coalesce(ceil(extract(epoch from max(blocked_until) - now())), 0)::int as seconds
        from login_throttle
        where key = any(${sql.array(keys, 'text')}) and blocked_until > now()
      `);
    },

    /**
     * Counts a sign-in attempt against `key` before the password is checked, so a burst of
     * simultaneous guesses cannot all slip under the limit; answers the attempt's number in the
     * window. The key is blocked once the count reaches `limit`.
     */
    reserveAttempt(key: string, limit: number) {
      const windowStart = sql.fragment`now() - make_interval(mins => ${signInThrottle.windowMinutes})`;
      const blockUntil = sql.fragment`now() + make_interval(mins => ${signInThrottle.blockMinutes})`;
      return pool.oneFirst(sql.type(z.object({ failures: z.number() }))`
        insert into login_throttle as t (key, failures, window_started_at, blocked_until)
        values (${key}, 1, now(), case when ${limit} <= 1 then ${blockUntil} end)
        on conflict (key) do update set
          failures = case when t.window_started_at < ${windowStart} then 1 else t.failures + 1 end,
          window_started_at = case when t.window_started_at < ${windowStart} then now() else t.window_started_at end,
          blocked_until = case
            when t.window_started_at >= ${windowStart} and t.failures + 1 >= ${limit} then ${blockUntil}
            else t.blocked_until
          end
        returning failures
      `);
    },

    /** Gives back an attempt that turned out to be a successful sign-in. */
    async releaseAttempt(key: string, limit: number): Promise<void> {
      await pool.query(sql.typeAlias('void')`
        update login_throttle
        set failures = greatest(failures - 1, 0),
            blocked_until = case when failures - 1 < ${limit} then null else blocked_until end
        where key = ${key}
      `);
    },

    /** A successful sign-in clears its email's failures (the address's count stands). */
    async clearFailures(key: string): Promise<void> {
      await pool.query(sql.typeAlias('void')`delete from login_throttle where key = ${key}`);
    },
  };
}
