import { defaultPageLimit } from '../../limits.ts';
import { assertIfMatch, etagOf } from '../../http/etag.ts';
import type { Handler } from '../../http/operation.ts';
import { decodeCursor, page } from '../../http/pagination.ts';
import { notYoursParameter, problems } from '../../http/problems.ts';
import { categoryCursor } from './queries.ts';

const notFound = () => problems.notFound('No category with this id.');

const unknownParent = () => problems.unknownReference('category', '#/parent_id', 'The parent category does not exist.');

export const listCategories: Handler<'listCategories'> = async ({ q, query }) => {
  const limit = query.limit ?? defaultPageLimit;
  const rows = await q.categories.list({
    limit,
    after: decodeCursor(query.cursor, categoryCursor),
    kind: query.kind,
    parentId: query.parent_id,
    archived: query.archived,
  });
  return { status: 200, body: page(rows, limit, (row) => [row.created_at, row.id], (row) => row) };
};

export const createCategory: Handler<'createCategory'> = async ({ q, body }) => {
  let kind = body.kind;
  if (body.parent_id !== undefined) {
    // Checked here, scoped to the caller, so an unknown or foreign parent gets a clear 422.
    const parent = await q.categories.find(body.parent_id);
    if (!parent) throw unknownParent();
    kind ??= parent.kind;
  } else if (kind === undefined) {
    throw problems.unprocessable('A top-level group needs a kind.', [
      { pointer: '#/kind', in: 'body', message: 'is required for a top-level group' },
    ]);
  }
  // Two levels only and the group's kind: the hierarchy trigger answers those (422).
  const category = await q.categories.insert({ name: body.name.trim(), parent_id: body.parent_id ?? null, kind });
  return {
    status: 201,
    body: category,
    headers: { Location: `/v1/categories/${category.id}`, ETag: etagOf(category) },
  };
};

export const getCategory: Handler<'getCategory'> = async ({ q, path }) => {
  const category = await q.categories.find(path.id);
  if (!category) throw notFound();
  return { status: 200, body: category, headers: { ETag: etagOf(category) } };
};

export const updateCategory: Handler<'updateCategory'> = async ({ q, path, headers, body }) => {
  const current = await q.categories.find(path.id, { forUpdate: true });
  if (!current) throw notFound();
  assertIfMatch(headers['if-match'], current);
  if (typeof body.parent_id === 'string' && !(await q.categories.find(body.parent_id))) throw unknownParent();
  const category = await q.categories.update(path.id, {
    ...body,
    ...(body.name === undefined ? {} : { name: body.name.trim() }),
  });
  return { status: 200, body: category, headers: { ETag: etagOf(category) } };
};

export const deleteCategory: Handler<'deleteCategory'> = async ({ q, path, query, headers }) => {
  const current = await q.categories.find(path.id, { forUpdate: true });
  if (!current) throw notFound();
  assertIfMatch(headers['if-match'], current);
  if (query.reassign_to !== undefined) {
    const target = await q.categories.find(query.reassign_to);
    if (!target || target.id === current.id) {
      throw problems.unprocessable('reassign_to must be another of your categories.', [
        target
          ? { parameter: 'reassign_to', in: 'query', message: 'is the category being deleted' }
          : notYoursParameter('category', 'reassign_to'),
      ]);
    }
  }
  // A group that still has categories, or budgets left on this one, fail here with a 409.
  await q.categories.delete(current.id, { reassignTo: query.reassign_to });
  return { status: 204, body: undefined };
};
