import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { sql } from '../db/sql.ts';

/** Where every process claims its share of a window's budget. */
export type RateLimitStore = {
  /** Adds `count` to the requests claimed in `bucket`'s window; answers the window's total so far. */
  claim(bucket: string, window: number, count: number, expiresAt: Date): Promise<number>;
  /** Forgets windows that have ended. */
  sweep(): Promise<void>;
};

const claimed = sql.type(z.object({ claimed: z.number() }));

export function rateLimitStore(pool: DatabasePool): RateLimitStore {
  return {
    claim(bucket, window, count, expiresAt) {
      return pool.oneFirst(claimed`
        insert into rate_limit_windows as w (bucket, window_start, claimed, expires_at)
        values (${bucket}, ${window}, ${count}, ${expiresAt.toISOString()})
        on conflict (bucket, window_start) do update set claimed = w.claimed + excluded.claimed
        returning claimed
      `);
    },
    async sweep() {
      await pool.query(sql.typeAlias('void')`delete from rate_limit_windows where expires_at < now() - interval '1 minute'`);
    },
  };
}
