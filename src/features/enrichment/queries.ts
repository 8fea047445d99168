import type { CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { sql } from '../../db/sql.ts';
import type { CategorizationInput, CategorizerState } from '../categorization/categorizer.ts';
import { ruleColumns, ruleRow } from '../rules/queries.ts';

/** Everything enriching a write reads, in one statement. */
const enrichmentRow = z.object({
  threshold: z.number(),
  rules: z.array(z.unknown()).transform((rules) => rules.map((rule) => ruleRow.parse(rule))),
  aliases: z.array(z.object({ merchant_key: z.string(), name: z.string() })),
  categories: z.array(z.object({ id: z.string(), name: z.string(), parent: z.string().nullable(), archived: z.boolean() })),
  model: z.object({ version: z.number(), state: z.unknown().nullable() }).nullable(),
  lessons: z.array(z.object({ input: z.unknown(), category_id: z.string(), correction: z.boolean() })),
});

/** Lessons not yet folded into the state, oldest first. */
const pendingLessons = (userId: string) => sql.fragment`
  coalesce((
    select json_agg(json_build_object('input', input, 'category_id', category_id, 'correction', correction) order by id)
    from categorizer_lessons where user_id = ${userId}
  ), '[]')
`;

const modelRow = z.object({ version: z.number(), state: z.unknown() });

/** A lesson as stored: the categorizer's input, the category the user chose, and whether it corrected a guess. */
export type PendingLesson = { input: CategorizationInput; category_id: string; correction: boolean };

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
     * The caller's enabled rules in the order they run, their names for these merchant keys (null:
     * all of them), their threshold and categories, and their categorizer's version — with its
     * state only when it is not the version this process already holds.
     */
    async context(keys: readonly string[] | null, knownModelVersion: number | null) {
      // null: the write needs no model (every row came with its category), so none is read.
      const model = knownModelVersion !== null;
      const found = await db.one(sql.type(enrichmentRow)`
        select
          (select auto_categorize_threshold from users where id = ${userId}) as threshold,
          coalesce((
            select json_agg(r order by r.priority, r.created_at, r.id)
            from (select ${ruleColumns} from rules where user_id = ${userId} and enabled) as r
          ), '[]') as rules,
          coalesce((
            select json_agg(json_build_object('merchant_key', merchant_key, 'name', name))
            from merchant_aliases
            where user_id = ${userId} ${keys === null ? sql.fragment`` : sql.fragment`and merchant_key = any(${sql.array(keys, 'text')})`}
          ), '[]') as aliases,
          ${model ? categoryPlaces(userId) : sql.fragment`'[]'::json`} as categories,
          ${model ? sql.fragment`(
            select json_build_object('version', version, 'state', case when version = ${knownModelVersion} then null else state end)
            from categorizer_states where user_id = ${userId}
          )` : sql.fragment`null`} as model,
          ${model ? pendingLessons(userId) : sql.fragment`'[]'::json`} as lessons
      `);
      return {
        ...found,
        aliases: new Map(found.aliases.map((alias) => [alias.merchant_key, alias.name])),
        model: found.model as { version: number; state: CategorizerState | null } | null,
        lessons: found.lessons as PendingLesson[],
      };
    },
    /** The caller's categories, where each sits in the taxonomy: what folding lessons needs. */
    categories: () => db.oneFirst(sql.type(enrichmentRow.pick({ categories: true }))`select ${categoryPlaces(userId)} as categories`),
    /** Appends lessons (no lock, no rewrite of the state); answers how many are now pending. */
    async appendLessons(lessons: readonly { input: unknown; categoryId: string; correction: boolean }[]): Promise<number> {
      return db.oneFirst(sql.type(z.object({ pending: z.number() }))`
        with added as (
          insert into categorizer_lessons (user_id, input, category_id, correction)
          select ${userId}, input, category_id, correction
          from unnest(
            ${sql.array(lessons.map((lesson) => JSON.stringify(lesson.input)), 'jsonb')},
            ${sql.array(lessons.map((lesson) => lesson.categoryId), 'uuid')},
            ${sql.array(lessons.map((lesson) => lesson.correction), 'bool')}
          ) as l(input, category_id, correction)
          returning 1
        )
        select ((select count(*) from added) + (select count(*) from categorizer_lessons where user_id = ${userId}))::int as pending
      `);
    },
    /** The pending lessons, locked with the state, to fold them in; and their last id. */
    async lessonsToFold() {
      const rows = await db.any(sql.type(z.object({ id: z.number(), input: z.unknown(), category_id: z.string(), correction: z.boolean() }))`
        select id, input, category_id, correction from categorizer_lessons where user_id = ${userId} order by id for update
      `);
      return rows as (PendingLesson & { id: number })[];
    },
    async dropLessons(throughId: number): Promise<void> {
      await db.query(sql.typeAlias('void')`delete from categorizer_lessons where user_id = ${userId} and id <= ${throughId}`);
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
