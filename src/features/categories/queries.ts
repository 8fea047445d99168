import type { CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { sql } from '../../db/sql.ts';
import { createdAtCursor } from '../../http/pagination.ts';
import type { components } from '../../generated/api.ts';
import { categoryKinds, defaultCategories, type CategoryKind } from './defaults.ts';

type CategoryUpdate = components['schemas']['CategoryUpdate'];

/** A category exactly as the API shows it. */
const categoryRow = z.object({
  id: z.string(),
  name: z.string(),
  parent_id: z.string().nullable(),
  kind: z.enum(categoryKinds),
  archived: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Category = z.infer<typeof categoryRow>;

const categoryColumns = sql.fragment`id, name, parent_id, kind, archived, created_at, updated_at`;

/** The cursor of the category list: the (created_at, id) of the last row shown. */
export const categoryCursor = createdAtCursor;

export type CategoryFilter = {
  limit: number;
  after: z.infer<typeof categoryCursor> | undefined;
  kind: CategoryKind | undefined;
  parentId: string | undefined;
  archived: boolean | undefined;
};
export type NewCategory = Pick<Category, 'name' | 'parent_id' | 'kind'>;

/** The `set` list of a category update: only the fields the request names. */
function categoryAssignments(changes: CategoryUpdate) {
  return [
    changes.name === undefined ? null : sql.fragment`name = ${changes.name}`,
    changes.parent_id === undefined ? null : sql.fragment`parent_id = ${changes.parent_id}`,
    changes.kind === undefined ? null : sql.fragment`kind = ${changes.kind}`,
    changes.archived === undefined ? null : sql.fragment`archived = ${changes.archived}`,
  ].filter((assignment) => assignment !== null);
}

/** The caller's categories, bound once per request to its connection. */
export function categoryQueries(db: CommonQueryMethods, userId: string) {
  return {
    list({ limit, after, kind, parentId, archived }: CategoryFilter) {
      return db.any(sql.type(categoryRow)`
        select ${categoryColumns}
        from categories
        where user_id = ${userId}
          ${kind === undefined ? sql.fragment`` : sql.fragment`and kind = ${kind}`}
          ${parentId === undefined ? sql.fragment`` : sql.fragment`and parent_id = ${parentId}`}
          ${archived === undefined ? sql.fragment`` : sql.fragment`and archived = ${archived}`}
          ${after ? sql.fragment`and (created_at, id) > (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql.fragment``}
        order by created_at, id
        limit ${limit + 1}
      `);
    },

    /** One category; `forUpdate` locks it for a conditional change in the same transaction. */
    find(id: string, options: { forUpdate?: boolean } = {}) {
      return db.maybeOne(sql.type(categoryRow)`
        select ${categoryColumns}
        from categories
        where user_id = ${userId} and id = ${id}
        ${options.forUpdate ? sql.fragment`for update` : sql.fragment``}
      `);
    },

    insert(category: NewCategory) {
      return db.one(sql.type(categoryRow)`
        insert into categories (user_id, parent_id, name, kind)
        values (${userId}, ${category.parent_id}, ${category.name}, ${category.kind})
        returning ${categoryColumns}
      `);
    },

    update(id: string, changes: CategoryUpdate) {
      return db.one(sql.type(categoryRow)`
        update categories set ${sql.join(categoryAssignments(changes), sql.fragment`, `)}
        where user_id = ${userId} and id = ${id}
        returning ${categoryColumns}
      `);
    },

    /**
     * Moves the category's transactions (as the user's choice) and budgets to `reassignTo`, or
     * leaves its transactions uncategorized (budgets then block: 409), then deletes it.
     */
    async delete(id: string, options: { reassignTo: string | undefined }): Promise<void> {
      const to = options.reassignTo ?? null;
      await db.query(sql.typeAlias('void')`
        update transactions set category_id = ${to}, categorized_by = ${to === null ? null : 'user'}, rule_id = null
        where user_id = ${userId} and category_id = ${id}
      `);
      if (to !== null) {
        await db.query(sql.typeAlias('void')`update budgets set category_id = ${to} where user_id = ${userId} and category_id = ${id}`);
      }
      await db.query(sql.typeAlias('void')`delete from categories where user_id = ${userId} and id = ${id}`);
    },
  };
}

export type CategoryQueries = ReturnType<typeof categoryQueries>;

/** A group the seed just created, to hang its children on. */
const seededGroupRow = z.object({ id: z.string(), name: z.string(), kind: z.enum(categoryKinds) });

/**
 * Gives a new user the default taxonomy in two statements: the groups, then their children joined
 * to the groups' new ids by name. Runs in the caller's transaction (sign-up's), with the user
 * named for row-level security.
 */
export async function seedDefaultCategories(db: CommonQueryMethods, userId: string): Promise<void> {
  const groups = await db.many(sql.type(seededGroupRow)`
    insert into categories (user_id, name, kind)
    select ${userId}, g.name, g.kind
    from ${sql.unnest(
      defaultCategories.map((group) => [group.name, group.kind]),
      ['text', 'text'],
    )} as g(name, kind)
    returning id, name, kind
  `);
  const children = defaultCategories.flatMap((group) => group.children.map((child) => [group.name, child]));
  await db.query(sql.typeAlias('void')`
    insert into categories (user_id, parent_id, name, kind)
    select ${userId}, g.id, c.name, g.kind
    from ${sql.unnest(children, ['text', 'text'])} as c(group_name, name)
    join ${sql.unnest(
      groups.map((group) => [group.id, group.name, group.kind]),
      ['uuid', 'text', 'text'],
    )} as g(id, name, kind) on g.name = c.group_name
  `);
}
