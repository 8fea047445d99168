import { randomUUID } from 'node:crypto';
import type { components } from '../../generated/api.ts';
import { assertIfMatch, etagOf } from '../../http/etag.ts';
import type { Handler } from '../../http/operation.ts';
import { decodeCursor, page } from '../../http/pagination.ts';
import { problems, type FieldError } from '../../http/problems.ts';
import {
  deleteTransaction as removeTransaction,
  findAccountCurrencies,
  findCategoryIds,
  findTransaction,
  insertTransactions,
  listTransactions as selectTransactions,
  transactionCursor,
  updateTransaction as changeTransaction,
  type NewTransaction,
  type Transaction,
  type TransactionChanges,
} from './queries.ts';
import type { CommonQueryMethods } from 'slonik';

type TransactionCreate = components['schemas']['TransactionCreate'];

const notFound = () => problems.notFound('No transaction with this id.');

/** Requested transactions as rows to insert (the insert itself checks accounts and categories). */
function toRows(items: TransactionCreate[]): NewTransaction[] {
  return items.map((item) => ({
    id: randomUUID(),
    accountId: item.account_id,
    date: item.date,
    amount: item.amount,
    description: item.description.trim(),
    merchant: item.merchant?.trim() ?? null,
    categoryId: item.category_id ?? null,
    categorizedBy: item.category_id ? 'user' : null,
    notes: item.notes ?? null,
    tags: item.tags ?? [],
    externalId: item.external_id ?? null,
    status: item.status ?? 'posted',
    transferId: null,
  }));
}

/**
 * Inserts all the requested transactions or none: when the insert left rows out, their account or
 * category is not the caller's — found here, named per item in a 422 that rolls the rest back.
 */
async function insertAll(
  db: CommonQueryMethods,
  userId: string,
  items: TransactionCreate[],
  pointerOf: (index: number, field: string) => string,
): Promise<Transaction[]> {
  const inserted = await insertTransactions(db, userId, toRows(items));
  if (inserted.length === items.length) return inserted;
  const accounts = new Set((await findAccountCurrencies(db, userId, [...new Set(items.map((item) => item.account_id))])).map((a) => a.id));
  const categoryIds = [...new Set(items.flatMap((item) => (item.category_id ? [item.category_id] : [])))];
  const categories = new Set(categoryIds.length ? await findCategoryIds(db, userId, categoryIds) : []);
  const errors: FieldError[] = [];
  items.forEach((item, index) => {
    if (!accounts.has(item.account_id)) {
      errors.push({ pointer: pointerOf(index, 'account_id'), in: 'body', message: 'is not one of your accounts' });
    }
    if (item.category_id && !categories.has(item.category_id)) {
      errors.push({ pointer: pointerOf(index, 'category_id'), in: 'body', message: 'is not one of your categories' });
    }
  });
  throw problems.unprocessable('Some referenced accounts or categories do not exist.', errors.slice(0, 100));
}

export const listTransactions: Handler<'listTransactions'> = async ({ db, userId, query }) => {
  const limit = query.limit ?? 50;
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
    throw problems.validation([{ parameter: 'to', in: 'query', message: 'is before from' }]);
  }
  const rows = await selectTransactions(
    db,
    userId,
    {
      accountId: query.account_id,
      categoryId: query.category_id,
      uncategorized: query.uncategorized,
      from: query.from,
      to: query.to,
      minAmount: query.min_amount,
      maxAmount: query.max_amount,
      q: query.q,
      tag: query.tag,
    },
    { limit, after: decodeCursor(query.cursor, transactionCursor) },
  );
  return { status: 200, body: page(rows, limit, (row) => [row.date, row.id], (row) => row) };
};

export const createTransaction: Handler<'createTransaction'> = async ({ db, userId, body }) => {
  const [transaction] = await insertAll(db, userId, [body], (_, field) => `#/${field}`);
  return {
    status: 201,
    body: transaction!,
    headers: { Location: `/v1/transactions/${transaction!.id}`, ETag: etagOf(transaction) },
  };
};

export const createTransactionBatch: Handler<'createTransactionBatch'> = async ({ db, userId, body }) => {
  const data = await insertAll(db, userId, body.transactions, (index, field) => `#/transactions/${index}/${field}`);
  return { status: 201, body: { data } };
};

export const getTransaction: Handler<'getTransaction'> = async ({ db, userId, path }) => {
  const transaction = await findTransaction(db, userId, path.id);
  if (!transaction) throw notFound();
  return { status: 200, body: transaction, headers: { ETag: etagOf(transaction) } };
};

export const updateTransaction: Handler<'updateTransaction'> = async ({ db, userId, path, headers, body }) => {
  const current = await findTransaction(db, userId, path.id, { forUpdate: true });
  if (!current) throw notFound();
  assertIfMatch(headers['if-match'], current);

  const movesMoney = (body.account_id !== undefined && body.account_id !== current.account_id)
    || (body.amount !== undefined && body.amount !== current.amount);
  if (current.transfer_id && movesMoney) {
    throw problems.unprocessable('A transfer leg keeps its account and amount: delete the transfer and record it again.');
  }
  if (body.account_id !== undefined && body.account_id !== current.account_id) {
    const [account] = await findAccountCurrencies(db, userId, [body.account_id]);
    if (!account) {
      throw problems.unprocessable('The account does not exist.', [{ pointer: '#/account_id', in: 'body', message: 'is not one of your accounts' }]);
    }
    if (account.currency !== current.currency) {
      throw problems.unprocessable('A transaction can only move to an account in its own currency.', [
        { pointer: '#/account_id', in: 'body', message: `is in ${account.currency}, not ${current.currency}` },
      ]);
    }
  }
  if (body.category_id) {
    const found = await findCategoryIds(db, userId, [body.category_id]);
    if (!found.length) {
      throw problems.unprocessable('The category does not exist.', [{ pointer: '#/category_id', in: 'body', message: 'is not one of your categories' }]);
    }
  }
  const changes: TransactionChanges = {
    accountId: body.account_id,
    date: body.date,
    amount: body.amount,
    description: body.description?.trim(),
    merchant: body.merchant === undefined ? undefined : (body.merchant?.trim() ?? null),
    notes: body.notes,
    tags: body.tags,
    externalId: body.external_id,
    status: body.status,
    ...(body.category_id === undefined
      ? {}
      : { categoryId: body.category_id, categorizedBy: body.category_id === null ? null : 'user' }),
  };
  const transaction = await changeTransaction(db, userId, path.id, changes);
  return { status: 200, body: transaction, headers: { ETag: etagOf(transaction) } };
};

export const deleteTransaction: Handler<'deleteTransaction'> = async ({ db, userId, path, headers }) => {
  const current = await findTransaction(db, userId, path.id, { forUpdate: true });
  if (!current) throw notFound();
  assertIfMatch(headers['if-match'], current);
  await removeTransaction(db, userId, current);
  return { status: 204, body: undefined };
};
