import { assertIfMatch, etagOf } from '../../http/etag.ts';
import type { Handler } from '../../http/operation.ts';
import { decodeCursor, page } from '../../http/pagination.ts';
import { problems } from '../../http/problems.ts';
import {
  categoryCursor,
  deleteCategoryRow,
  findCategory,
  insertCategory,
  reassignCategoryUsage,
  selectCategories,
  uncategorizeTransactions,
  updateCategoryFields,
} from './queries.ts';

const notFound = () => problems.notFound('No category with this id.');

const unknownParent = () =>
  problems.unprocessable('The parent category does not exist.', [
    { pointer: '#/parent_id', in: 'body', message: 'is not one of your categories' },
  ]);

export const listCategories: Handler<'listCategories'> = async ({ db, userId, query }) => {
  const limit = query.limit ?? 50;
  const rows = await selectCategories(db, userId, {
    limit,
    after: decodeCursor(query.cursor, categoryCursor),
    kind: query.kind,
    parentId: query.parent_id,
    archived: query.archived,
  });
  return { status: 200, body: page(rows, limit, (row) => [row.created_at, row.id], (row) => row) };
};

export const createCategory: Handler<'createCategory'> = async ({ body, db, userId }) => {
  let kind = body.kind;
  if (body.parent_id !== undefined) {
    // Checked here, scoped to the caller, so an unknown or foreign parent gets a clear 422.
    const parent = await findCategory(db, userId, body.parent_id);
    if (!parent) throw unknownParent();
    kind ??= parent.kind;
  } else if (kind === undefined) {
    throw problems.unprocessable('A top-level group needs a kind.', [
      { pointer: '#/kind', in: 'body', message: 'is required for a top-level group' },
    ]);
  }
  // Two levels only and the group's kind: the hierarchy trigger answers those (422).
  const category = await insertCategory(db, userId, { name: body.name.trim(), parent_id: body.parent_id ?? null, kind });
  return {
    status: 201,
    body: category,
    headers: { Location: `/v1/categories/${category.id}`, ETag: etagOf(category) },
  };
};

export const getCategory: Handler<'getCategory'> = async ({ db, userId, path }) => {
  const category = await findCategory(db, userId, path.id);
  if (!category) throw notFound();
  return { status: 200, body: category, headers: { ETag: etagOf(category) } };
};

export const updateCategory: Handler<'updateCategory'> = async ({ db, userId, path, headers, body }) => {
  const current = await findCategory(db, userId, path.id, { forUpdate: true });
  if (!current) throw notFound();
  assertIfMatch(headers['if-match'], current);
  if (typeof body.parent_id === 'string' && !(await findCategory(db, userId, body.parent_id))) throw unknownParent();
  const category = await updateCategoryFields(db, userId, path.id, {
    ...body,
    ...(body.name === undefined ? {} : { name: body.name.trim() }),
  });
  return { status: 200, body: category, headers: { ETag: etagOf(category) } };
};

export const deleteCategory: Handler<'deleteCategory'> = async ({ db, userId, path, query, headers }) => {
  const current = await findCategory(db, userId, path.id, { forUpdate: true });
  if (!current) throw notFound();
  assertIfMatch(headers['if-match'], current);
  if (query.reassign_to === undefined) {
    await uncategorizeTransactions(db, userId, current.id);
  } else {
    const target = await findCategory(db, userId, query.reassign_to);
    if (!target || target.id === current.id) {
      throw problems.unprocessable('reassign_to must be another of your categories.', [
        {
          parameter: 'reassign_to',
          in: 'query',
          message: target ? 'is the category being deleted' : 'is not one of your categories',
        },
      ]);
    }
    await reassignCategoryUsage(db, userId, current.id, target.id);
  }
  // A group that still has categories, or budgets left on this one, fail here with a 409.
  await deleteCategoryRow(db, userId, current.id);
  return { status: 204, body: undefined };
};
