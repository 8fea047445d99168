import { randomUUID } from 'node:crypto';
import type { Handler } from '../../http/operation.ts';
import { problems } from '../../http/problems.ts';
import { insertTransactions, type Transaction } from '../transactions/queries.ts';
import { deleteTransferLegs, findCategoryKind, findDefaultTransferCategory, findTransferAccounts, findTransferLegs } from './queries.ts';

const notFound = () => problems.notFound('No transfer with this id.');

function transferBody(id: string, legs: readonly Transaction[]) {
  const from = legs.find((leg) => leg.amount < 0) ?? legs[0]!;
  const to = legs.find((leg) => leg !== from)!;
  return { id, from_transaction: from, to_transaction: to };
}

export const createTransfer: Handler<'createTransfer'> = async ({ db, userId, body }) => {
  if (body.from_account_id === body.to_account_id) {
    throw problems.unprocessable('A transfer moves money between two different accounts.', [
      { pointer: '#/to_account_id', in: 'body', message: 'is the same account as from_account_id' },
    ]);
  }
  const accounts = new Map((await findTransferAccounts(db, userId, [body.from_account_id, body.to_account_id])).map((a) => [a.id, a]));
  const from = accounts.get(body.from_account_id);
  const to = accounts.get(body.to_account_id);
  if (!from || !to) {
    throw problems.unprocessable('Both accounts must be yours.', [
      ...(from ? [] : [{ pointer: '#/from_account_id', in: 'body' as const, message: 'is not one of your accounts' }]),
      ...(to ? [] : [{ pointer: '#/to_account_id', in: 'body' as const, message: 'is not one of your accounts' }]),
    ]);
  }
  const sameCurrency = from.currency === to.currency;
  if (sameCurrency && body.to_amount !== undefined && body.to_amount !== body.amount) {
    throw problems.unprocessable('Between accounts in one currency the amount arriving is the amount leaving.', [
      { pointer: '#/to_amount', in: 'body', message: 'must be omitted or equal amount' },
    ]);
  }
  if (!sameCurrency && body.to_amount === undefined) {
    throw problems.unprocessable(`The accounts are in ${from.currency} and ${to.currency}: say how much arrives.`, [
      { pointer: '#/to_amount', in: 'body', message: 'is required between accounts in different currencies' },
    ]);
  }

  let categoryId = body.category_id;
  if (categoryId !== undefined) {
    if ((await findCategoryKind(db, userId, categoryId)) !== 'transfer') {
      throw problems.unprocessable('A transfer belongs in one of your transfer categories.', [
        { pointer: '#/category_id', in: 'body', message: 'is not one of your transfer categories' },
      ]);
    }
  } else {
    categoryId = (await findDefaultTransferCategory(db, userId)) ?? undefined;
    if (categoryId === undefined) {
      throw problems.unprocessable('You have no transfer category; create one (kind transfer) or pass category_id.');
    }
  }

  const transferId = randomUUID();
  const leg = {
    date: body.date,
    merchant: null,
    categoryId,
    categorizedBy: 'user' as const,
    notes: body.notes ?? null,
    tags: [],
    externalId: null,
    status: 'posted' as const,
    transferId,
  };
  const legs = await insertTransactions(db, userId, [
    { ...leg, id: randomUUID(), accountId: from.id, amount: -body.amount,
      description: body.description?.trim() ?? `Transfer to ${to.name}` },
    { ...leg, id: randomUUID(), accountId: to.id, amount: body.to_amount ?? body.amount,
      description: body.description?.trim() ?? `Transfer from ${from.name}` },
  ]);
  return { status: 201, body: transferBody(transferId, legs), headers: { Location: `/v1/transfers/${transferId}` } };
};

export const getTransfer: Handler<'getTransfer'> = async ({ db, userId, path }) => {
  const legs = await findTransferLegs(db, userId, path.id);
  if (legs.length !== 2) throw notFound();
  return { status: 200, body: transferBody(path.id, legs) };
};

export const deleteTransfer: Handler<'deleteTransfer'> = async ({ db, userId, path }) => {
  if (!(await deleteTransferLegs(db, userId, path.id))) throw notFound();
  return { status: 204, body: undefined };
};
