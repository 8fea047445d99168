import type { CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { sql } from '../../db/sql.ts';
import type { components } from '../../generated/api.ts';
import { priorityCursor } from '../../http/pagination.ts';
import { transactionColumns, transactionRow } from '../transactions/queries.ts';

type Rule = components['schemas']['Rule'];
type RuleCreate = components['schemas']['RuleCreate'];
type RuleUpdate = components['schemas']['RuleUpdate'];

/** A rule as the API shows it: the action columns folded back into `actions`, empty ones left out. */
export const ruleRow = z.object({
  id: z.string(),
  name: z.string(),
  priority: z.number(),
  enabled: z.boolean(),
  match: z.enum(['all', 'any']),
  conditions: z.array(z.record(z.string(), z.unknown())),
  actions: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  updated_at: z.string(),
}).transform((row) => row as unknown as Rule);

export const ruleColumns = sql.fragment`
  id, name, priority, enabled, match, conditions,
  jsonb_strip_nulls(jsonb_build_object(
    'set_category', set_category_id, 'set_merchant', set_merchant,
    'add_tags', case when cardinality(add_tags) > 0 then to_jsonb(add_tags) end, 'set_notes', set_notes
  )) as actions,
  created_at, updated_at
`;

export const ruleCursor = priorityCursor;

/** A change a retro-apply makes to one transaction: the values to set (null: keep). */
export type RetroChange = { id: string; categoryId: string | null; merchant: string | null; notes: string | null; tags: string[] };

function actionAssignments(actions: RuleUpdate['actions']) {
  if (actions === undefined) return [];
  return [
    sql.fragment`set_category_id = ${actions.set_category ?? null}`,
    sql.fragment`set_merchant = ${actions.set_merchant ?? null}`,
    sql.fragment`add_tags = ${sql.array(actions.add_tags ?? [], 'text')}`,
    sql.fragment`set_notes = ${actions.set_notes ?? null}`,
  ];
}

export function ruleQueries(db: CommonQueryMethods, userId: string) {
  return {
    /** A page in the order rules run. */
    list(options: { limit: number; after: z.infer<typeof priorityCursor> | undefined }) {
      const after = options.after
        ? sql.fragment`and (priority, created_at, id) > (${options.after[0]}, ${options.after[1]}, ${options.after[2]})`
        : sql.fragment``;
      return db.any(sql.type(ruleRow)`
        select ${ruleColumns} from rules where user_id = ${userId} ${after}
        order by priority, created_at, id limit ${options.limit + 1}
      `);
    },
    find(id: string, options: { forUpdate?: boolean } = {}) {
      return db.maybeOne(sql.type(ruleRow)`
        select ${ruleColumns} from rules where user_id = ${userId} and id = ${id} ${options.forUpdate ? sql.fragment`for update` : sql.fragment``}
      `);
    },
    insert(rule: RuleCreate & { priority: number; enabled: boolean; match: 'all' | 'any' }) {
      return db.one(sql.type(ruleRow)`
        insert into rules (user_id, name, priority, enabled, match, conditions, set_category_id, set_merchant, add_tags, set_notes)
        values (${userId}, ${rule.name}, ${rule.priority}, ${rule.enabled}, ${rule.match}, ${sql.jsonb(rule.conditions as never)},
          ${rule.actions.set_category ?? null}, ${rule.actions.set_merchant ?? null}, ${sql.array(rule.actions.add_tags ?? [], 'text')},
          ${rule.actions.set_notes ?? null})
        returning ${ruleColumns}
      `);
    },
    update(id: string, changes: RuleUpdate) {
      const assignments = [
        changes.name === undefined ? null : sql.fragment`name = ${changes.name}`,
        changes.priority === undefined ? null : sql.fragment`priority = ${changes.priority}`,
        changes.enabled === undefined ? null : sql.fragment`enabled = ${changes.enabled}`,
        changes.match === undefined ? null : sql.fragment`match = ${changes.match}`,
        changes.conditions === undefined ? null : sql.fragment`conditions = ${sql.jsonb(changes.conditions as never)}`,
        ...actionAssignments(changes.actions),
      ].filter((assignment) => assignment !== null);
      return db.one(sql.type(ruleRow)`
        update rules set ${sql.join(assignments, sql.fragment`, `)} where user_id = ${userId} and id = ${id} returning ${ruleColumns}
      `);
    },
    delete(id: string) {
      return db.query(sql.typeAlias('void')`delete from rules where user_id = ${userId} and id = ${id}`);
    },
  };
}

export type RuleQueries = ReturnType<typeof ruleQueries>;

/** What re-running a rule over history reads and writes, bound to one request's connection and caller. */
export function ruleHistoryQueries(db: CommonQueryMethods, userId: string) {
  return {
    /** One page of history (transfers aside), by id, for a retro-apply that walks all of it. */
    historyPage(afterId: string | null, size: number) {
      return db.any(sql.type(transactionRow)`
        select ${transactionColumns} from transactions
        where user_id = ${userId} and transfer_id is null ${afterId ? sql.fragment`and id > ${afterId}` : sql.fragment``}
        order by id limit ${size}
      `);
    },
    /** Writes a retro-apply's changes in one statement; answers the changed rows. */
    applyChanges(ruleId: string, changes: readonly RetroChange[]) {
      return db.any(sql.type(transactionRow)`
        update transactions set
          category_id = coalesce(new_category_id, category_id),
          categorized_by = case when new_category_id is null then categorized_by else 'rule' end,
          rule_id = case when new_category_id is null then rule_id else ${ruleId}::uuid end,
          merchant = coalesce(new_merchant, merchant),
          notes = coalesce(new_notes, notes),
          tags = array(select jsonb_array_elements_text(new_tags))
        from unnest(
          ${sql.array(changes.map((change) => change.id), 'uuid')},
          ${sql.array(changes.map((change) => change.categoryId), 'uuid')},
          ${sql.array(changes.map((change) => change.merchant), 'text')},
          ${sql.array(changes.map((change) => change.notes), 'text')},
          ${sql.array(changes.map((change) => JSON.stringify(change.tags)), 'jsonb')}
        ) as change(change_id, new_category_id, new_merchant, new_notes, new_tags)
        where user_id = ${userId} and id = change_id
        returning ${transactionColumns}
      `);
    },
  };
}
