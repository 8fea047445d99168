import type { CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { sql } from '../../db/sql.ts';
import type { CategorizerState } from '../categorization/categorizer.ts';
import { ruleColumns, ruleRow } from '../rules/queries.ts';

/** Everything enriching a write reads, in one statement. */
const enrichmentRow = z.object({
  threshold: z.number(),
  rules: z.array(z.unknown()).transform((rules) => rules.map((rule) => ruleRow.parse(rule))),
  aliases: z.array(z.object({ merchant_key: z.string(), name: z.string() })),
  categories: z.array(z.object({ id: z.string(), name: z.string(), parent: z.string().nullable(), archived: z.boolean() })),
  model: z.object({ version: z.number(), state: z.unknown().nullable() }).nullable(),
});

const modelRow = z.object({ version: z.number(), state: z.unknown() });

/** The user's categories with their group's name: where each sits in the taxonomy. */
const categoryPlaces = (userId: string) => sql.fragment`
  coalesce((
    select json_agg(json_build_object('id', c.id, 'name', c.name, 'parent', p.name, 'archived', c.archived))
    from categories c left join categories p on p.user_id = c.user_id and p.id = c.parent_id
    where c.user_id = ${userId}
  ), '[]')
`;

/** What enriching a write reads and learns, bound to one request's connection and caller. */
export function enrichmentQueries(db: CommonQueryMethods, userId: string) {
  return {
    /**
     * The caller's enabled rules in the order they run, their names for these merchant keys, their
     * threshold and categories, and their categorizer's version — with its state only when it is
     * not the version this process already holds.
     */
    async context(keys: readonly string[], knownModelVersion: number) {
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
          ), '[]') as aliases,
          ${categoryPlaces(userId)} as categories,
          (
            select json_build_object('version', version, 'state', case when version = ${knownModelVersion} then null else state end)
            from categorizer_states where user_id = ${userId}
          ) as model
      `);
      return {
        ...found,
        aliases: new Map(found.aliases.map((alias) => [alias.merchant_key, alias.name])),
        model: found.model as { version: number; state: CategorizerState | null } | null,
      };
    },
    /** The categorizer's state, locked until the transaction ends: learning reads, changes and writes it back. */
    async lockModel() {
      const found = await db.maybeOne(sql.type(modelRow)`
        select version, state from categorizer_states where user_id = ${userId} for update
      `);
      return found as { version: number; state: CategorizerState } | null;
    },
    /** Stores a learned state as the next version. */
    async saveModel(state: CategorizerState, previousVersion: number): Promise<number> {
      return db.oneFirst(sql.type(z.object({ version: z.number() }))`
        insert into categorizer_states (user_id, version, label_count, state)
        values (${userId}, ${previousVersion + 1}, ${state.labelCount}, ${sql.jsonb(state as never)})
        on conflict (user_id) do update set version = excluded.version, label_count = excluded.label_count,
          state = excluded.state, updated_at = now()
        returning version
      `);
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
