import { defaultPageLimit } from '../../limits.ts';
import { assertIfMatch, etagOf } from '../../http/etag.ts';
import type { Handler } from '../../http/operation.ts';
import { decodeCursor, page } from '../../http/pagination.ts';
import { problems } from '../../http/problems.ts';
import { accountCursor } from './queries.ts';

const notFound = () => problems.notFound('No account with this id.');

export const listAccounts: Handler<'listAccounts'> = async ({ q, query }) => {
  const limit = query.limit ?? defaultPageLimit;
  const rows = await q.accounts.list({ limit, after: decodeCursor(query.cursor, accountCursor), archived: query.archived });
  return { status: 200, body: page(rows, limit, (row) => [row.created_at, row.id], (row) => row) };
};

export const createAccount: Handler<'createAccount'> = async ({ q, body }) => {
  const account = await q.accounts.insert({
    name: body.name.trim(),
    type: body.type,
    currency: body.currency,
    opening_balance: body.opening_balance ?? 0,
  });
  return {
    status: 201,
    body: account,
    headers: { Location: `/v1/accounts/${account.id}`, ETag: etagOf(account) },
  };
};

export const getAccount: Handler<'getAccount'> = async ({ q, path }) => {
  const account = await q.accounts.find(path.id);
  if (!account) throw notFound();
  return { status: 200, body: account, headers: { ETag: etagOf(account) } };
};

export const updateAccount: Handler<'updateAccount'> = async ({ q, path, headers, body }) => {
  const current = await q.accounts.find(path.id, { forUpdate: true });
  if (!current) throw notFound();
  assertIfMatch(headers['if-match'], current);
  const account = await q.accounts.update(path.id, { ...body, ...(body.name === undefined ? {} : { name: body.name.trim() }) });
  return { status: 200, body: account, headers: { ETag: etagOf(account) } };
};

export const deleteAccount: Handler<'deleteAccount'> = async ({ q, path, query, headers }) => {
  const current = await q.accounts.find(path.id, { forUpdate: true });
  if (!current) throw notFound();
  assertIfMatch(headers['if-match'], current);
  await q.accounts.delete(path.id, { cascade: query.cascade ?? false });
  return { status: 204, body: undefined };
};
