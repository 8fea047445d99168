import { assertIfMatch, etagOf } from '../../http/etag.ts';
import { idempotent } from '../../http/idempotency.ts';
import type { Handler } from '../../http/operation.ts';
import { decodeCursor, page } from '../../http/pagination.ts';
import { problems } from '../../http/problem.ts';
import { accountCursor, deleteAccount, findAccount, insertAccount, listAccounts, updateAccount } from './queries.ts';

const notFound = () => problems.notFound('No account with this id.');

export const listAccountsHandler: Handler<'listAccounts'> = async ({ db, userId, query }) => {
  const limit = query.limit ?? 50;
  const rows = await listAccounts(db, userId, {
    limit,
    after: decodeCursor(query.cursor, accountCursor),
    archived: query.archived,
  });
  return { status: 200, body: page(rows, limit, (row) => [row.created_at, row.id], (row) => row) };
};

export const createAccountHandler: Handler<'createAccount'> = async (context) =>
  idempotent(context, async () => {
    const { body, db, userId } = context;
    const account = await insertAccount(db, userId, {
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
  });

export const getAccountHandler: Handler<'getAccount'> = async ({ db, userId, path }) => {
  const account = await findAccount(db, userId, path.id);
  if (!account) throw notFound();
  return { status: 200, body: account, headers: { ETag: etagOf(account) } };
};

export const updateAccountHandler: Handler<'updateAccount'> = async ({ db, userId, path, headers, body }) => {
  const current = await findAccount(db, userId, path.id, { forUpdate: true });
  if (!current) throw notFound();
  assertIfMatch(headers['if-match'], current);
  const account = await updateAccount(db, userId, path.id, { ...body, ...(body.name === undefined ? {} : { name: body.name.trim() }) });
  return { status: 200, body: account, headers: { ETag: etagOf(account) } };
};

export const deleteAccountHandler: Handler<'deleteAccount'> = async ({ db, userId, path, query, headers }) => {
  const current = await findAccount(db, userId, path.id, { forUpdate: true });
  if (!current) throw notFound();
  assertIfMatch(headers['if-match'], current);
  await deleteAccount(db, userId, path.id, { cascade: query.cascade ?? false });
  return { status: 204, body: undefined };
};
