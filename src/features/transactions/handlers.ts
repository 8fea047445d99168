import { randomUUID } from 'node:crypto';
import type { components } from '../../generated/api.ts';
import { assertIfMatch, etagOf } from '../../http/etag.ts';
import type { Handler, OperationId, UserContext } from '../../http/operation.ts';
import { decodeCursor, page } from '../../http/pagination.ts';
import { notYours, problems, type FieldError } from '../../http/problems.ts';
import { defaultPageLimit } from '../../limits.ts';
import { enrich, foldIsDue, foldLessons, learn, lessonsOf, writtenInput, type Incoming } from '../enrichment/enrich.ts';
import { transactionCursor, type Transaction, type TransactionChanges, type TransactionQueries } from './queries.ts';

type TransactionCreate = components['schemas']['TransactionCreate'];

const notFound = () => problems.notFound('No transaction with this id.');

/** Requested transactions as rows to insert (the insert itself checks accounts and categories), with what the caller set. */
function toRows(items: TransactionCreate[]): Incoming[] {
  return items.map((item) => ({
    given: { categoryId: item.category_id !== undefined, merchant: item.merchant !== undefined, notes: item.notes !== undefined },
    row: {
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
    },
  }));
}

/**
 * Folding the caller's lessons into their stored model is compaction, not part of the change: it
 * runs once the change has committed, so the write's locks on the account's and the user's totals
 * are not held meanwhile.
 */
function foldLessonsWhenDue(context: Pick<UserContext<OperationId>, 'userId' | 'afterCommit'>, pendingLessons: number): void {
  if (foldIsDue(pendingLessons)) context.afterCommit((later) => foldLessons(later.enrichment, context.userId));
}

/**
 * Inserts all the requested transactions or none: when the insert left rows out, their account or
 * category is not the caller's — found here, named per item in a 422 that rolls the rest back.
 */
async function insertAll(context: UserContext<'createTransaction' | 'createTransactionBatch'>, items: TransactionCreate[], pointerOf: (index: number, field: string) => string): Promise<Transaction[]> {
  const { q, userId } = context;
  const { transactions } = q;
  const rows = toRows(items);
  const enriched = await enrich(q.enrichment, userId, rows);
  // The lessons go in with the rows, in one statement: a filed create needs no transaction.
  const { inserted, pendingLessons } = await transactions.insertLearning(enriched, lessonsOf(rows, enriched));
  foldLessonsWhenDue(context, pendingLessons);
  if (inserted.length === items.length) return inserted;
  const accounts = new Set((await transactions.findAccountCurrencies([...new Set(items.map((item) => item.account_id))])).map((a) => a.id));
  const categoryIds = [...new Set(items.flatMap((item) => (item.category_id ? [item.category_id] : [])))];
  const categories = new Set(categoryIds.length ? await transactions.findCategoryIds(categoryIds) : []);
  const errors: FieldError[] = [];
  items.forEach((item, index) => {
    if (!accounts.has(item.account_id)) errors.push(notYours('account', pointerOf(index, 'account_id')));
    if (item.category_id && !categories.has(item.category_id)) errors.push(notYours('category', pointerOf(index, 'category_id')));
  });
  throw problems.unprocessable('Some referenced accounts or categories do not exist.', errors.slice(0, 100));
}

export const listTransactions: Handler<'listTransactions'> = async ({ q, query }) => {
  const limit = query.limit ?? defaultPageLimit;
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) throw problems.reversedRange('to', 'from');
  const rows = await q.transactions.list(
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

export const createTransaction: Handler<'createTransaction'> = async (context) => {
  const [transaction] = await insertAll(context, [context.body], (_, field) => `#/${field}`);
  return {
    status: 201,
    body: transaction!,
    headers: { Location: `/v1/transactions/${transaction!.id}`, ETag: etagOf(transaction) },
  };
};

export const createTransactionBatch: Handler<'createTransactionBatch'> = async (context) => {
  const data = await insertAll(context, context.body.transactions, (index, field) => `#/transactions/${index}/${field}`);
  return { status: 201, body: { data } };
};

export const getTransaction: Handler<'getTransaction'> = async ({ q, path }) => {
  const transaction = await q.transactions.find(path.id);
  if (!transaction) throw notFound();
  return { status: 200, body: transaction, headers: { ETag: etagOf(transaction) } };
};

type TransactionUpdate = components['schemas']['TransactionUpdate'];

/** A transfer leg's account and amount are the transfer's: changing one would unbalance it. */
function assertKeepsTransferMoney(current: Transaction, body: TransactionUpdate): void {
  const movesMoney = (body.account_id !== undefined && body.account_id !== current.account_id)
    || (body.amount !== undefined && body.amount !== current.amount);
  if (current.transfer_id && movesMoney) {
    throw problems.unprocessable('A transfer leg keeps its account and amount: delete the transfer and record it again.');
  }
}

/** The account and category an update moves the transaction to are the caller's, the account in its currency. */
async function assertNewReferences(transactions: TransactionQueries, current: Transaction, body: TransactionUpdate): Promise<void> {
  if (body.account_id !== undefined && body.account_id !== current.account_id) {
    const [account] = await transactions.findAccountCurrencies([body.account_id]);
    if (!account) throw problems.unknownReference('account', '#/account_id');
    if (account.currency !== current.currency) {
      throw problems.unprocessable('A transaction can only move to an account in its own currency.', [
        { pointer: '#/account_id', in: 'body', message: `is in ${account.currency}, not ${current.currency}` },
      ]);
    }
  }
  if (body.category_id && !(await transactions.findCategoryIds([body.category_id])).length) {
    throw problems.unknownReference('category', '#/category_id');
  }
}

function changesOf(body: TransactionUpdate): TransactionChanges {
  return {
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
      : { categoryId: body.category_id, categorizedBy: body.category_id === null ? null : 'user', ruleId: null }),
  };
}

export const updateTransaction: Handler<'updateTransaction'> = async (context) => {
  const { q, path, headers, body } = context;
  const current = await q.transactions.find(path.id, { forUpdate: true });
  if (!current) throw notFound();
  assertIfMatch(headers['if-match'], current);
  assertKeepsTransferMoney(current, body);
  await assertNewReferences(q.transactions, current, body);
  const transaction = await q.transactions.update(path.id, changesOf(body));
  // A rename is remembered as the caller's name for this merchant, and given to later rows like it.
  if (body.merchant && transaction.merchant !== current.merchant) await q.enrichment.rememberAliasOf(path.id, transaction.merchant!);
  // Filing it teaches the caller's categorizer; overriding its own guess teaches it more.
  if (body.category_id && body.category_id !== current.category_id) {
    const lesson = { input: writtenInput(transaction), categoryId: body.category_id, correction: current.categorized_by === 'model' };
    foldLessonsWhenDue(context, await learn(q.enrichment, [lesson]));
  }
  return { status: 200, body: transaction, headers: { ETag: etagOf(transaction) } };
};

export const deleteTransaction: Handler<'deleteTransaction'> = async ({ q, path, headers }) => {
  const current = await q.transactions.find(path.id, { forUpdate: true });
  if (!current) throw notFound();
  assertIfMatch(headers['if-match'], current);
  await q.transactions.delete(current);
  return { status: 204, body: undefined };
};
