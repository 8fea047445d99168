import { assertIfMatch, etagOf } from '../../http/etag.ts';
import type { Handler } from '../../http/operation.ts';
import { decodeCursor, page } from '../../http/pagination.ts';
import { problems } from '../../http/problems.ts';
import * as queries from './queries.ts';

const notFound = () => problems.notFound('No account with this id.');

export const listAccounts: Handler<'listAccounts'> = async ({ db, userId, query }) => {
  const limit = query.limit ?? 50;
  const rows = await queries.listAccounts(db, userId, {
    limit,
    after: decodeCursor(query.cursor, queries.accountCursor),
    archived: query.archived,
  });
  return { status: 200, body: page(rows, limit, (row) => [row.created_at, row.id], (row) => row) };
};

export const createAccount: Handler<'createAccount'> = async ({ body, db, userId }) => {
  const account = await queries.insertAccount(db, userId, {
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

export const getAccount: Handler<'getAccount'> = async ({ db, userId, path }) => {
  const account = await queries.findAccount(db, userId, path.id);
  if (!account) throw notFound();
  return { status: 200, body: account, headers: { ETag: etagOf(account) } };
};

export const updateAccount: Handler<'updateAccount'> = async ({ db, userId, path, headers, body }) => {
  const current = await queries.findAccount(db, userId, path.id, { forUpdate: true });
  if (!current) throw notFound();
  assertIfMatch(headers['if-match'], current);
  const account = await queries.updateAccount(db, userId, path.id, { ...body, ...(body.name === undefined ? {} : { name: body.name.trim() }) });
  return { status: 200, body: account, headers: { ETag: etagOf(account) } };
};

export const deleteAccount: Handler<'deleteAccount'> = async ({ db, userId, path, query, headers }) => {
  const current = await queries.findAccount(db, userId, path.id, { forUpdate: true });
  if (!current) throw notFound();
  assertIfMatch(headers['if-match'], current);
  await queries.deleteAccount(db, userId, path.id, { cascade: query.cascade ?? false });
  return { status: 204, body: undefined };
};
