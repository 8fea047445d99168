import type { CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { sql } from '../../db/sql.ts';
import { ruleColumns, ruleRow } from '../rules/queries.ts';

/** Everything enriching a write reads, in one statement. */
const enrichmentRow = z.object({
  threshold: z.number(),
  rules: z.array(z.unknown()).transform((rules) => rules.map((rule) => ruleRow.parse(rule))),
  aliases: z.array(z.object({ merchant_key: z.string(), name: z.string() })),
});

/** What enriching a write reads and learns, bound to one request's connection and caller. */
export function enrichmentQueries(db: CommonQueryMethods, userId: string) {
  return {
    /** The caller's enabled rules in the order they run, their names for these merchant keys, and their threshold. */
    async context(keys: readonly string[]) {
      const found = await db.one(sql.type(enrichmentRow)`
        select
          (select auto_categorize_threshold from users where id = ${userId}) as threshold,
          coalesce((
            select json_agg(r order by r.priority, r.created_at, r.id)
            from (select ${ruleColumns} from rules where user_id = ${userId} and enabled) as r
          ), '[]') as rules,
          coalesce((
            select json_agg(json_build_object('merchant_key', merchant_key, 'name', name))
            from merchant_aliases where user_id = ${userId} and merchant_key = any(${sql.array(keys, 'text')})
          ), '[]') as aliases
      `);
      return { threshold: found.threshold, rules: found.rules, aliases: new Map(found.aliases.map((alias) => [alias.merchant_key, alias.name])) };
    },
    /** Remembers `name` as the caller's name for a transaction's cleaned merchant key (a rename teaches it). */
    async rememberAliasOf(transactionId: string, name: string): Promise<void> {
      await db.query(sql.typeAlias('void')`
        insert into merchant_aliases (user_id, merchant_key, name)
        select user_id, merchant_key, ${name} from transactions
        where user_id = ${userId} and id = ${transactionId} and merchant_key is not null
        on conflict (user_id, merchant_key) do update set name = excluded.name, updated_at = now()
      `);
    },
  };
}

export type EnrichmentQueries = ReturnType<typeof enrichmentQueries>;
