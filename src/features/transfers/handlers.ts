import { randomUUID } from 'node:crypto';
import type { components } from '../../generated/api.ts';
import type { Handler } from '../../http/operation.ts';
import { notYours, problems } from '../../http/problems.ts';
import type { NewTransaction, Transaction } from '../transactions/queries.ts';
import type { TransferAccount, TransferQueries } from './queries.ts';

type TransferCreate = components['schemas']['TransferCreate'];
type Ends = { from: TransferAccount; to: TransferAccount };

const notFound = () => problems.notFound('No transfer with this id.');

function transferBody(id: string, legs: readonly Transaction[]) {
  const from = legs.find((leg) => leg.amount < 0) ?? legs[0]!;
  const to = legs.find((leg) => leg !== from)!;
  return { id, from_transaction: from, to_transaction: to };
}

function assertTwoAccounts(body: TransferCreate): void {
  if (body.from_account_id === body.to_account_id) {
    throw problems.unprocessable('A transfer moves money between two different accounts.', [
      { pointer: '#/to_account_id', in: 'body', message: 'is the same account as from_account_id' },
    ]);
  }
}

/** Both accounts, when both are the caller's; otherwise a 422 naming each that is not. */
async function ownEnds(transfers: TransferQueries, body: TransferCreate): Promise<Ends> {
  const accounts = new Map((await transfers.findAccounts([body.from_account_id, body.to_account_id])).map((a) => [a.id, a]));
  const from = accounts.get(body.from_account_id);
  const to = accounts.get(body.to_account_id);
  if (!from || !to) {
    throw problems.unprocessable('Both accounts must be yours.', [
      ...(from ? [] : [notYours('account', '#/from_account_id')]),
      ...(to ? [] : [notYours('account', '#/to_account_id')]),
    ]);
  }
  return { from, to };
}

/** In one currency what leaves arrives; across currencies the caller must say what arrives. */
function assertAmountArriving(body: TransferCreate, { from, to }: Ends): void {
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
}

/** The requested transfer category, or the caller's default one. */
async function transferCategory(transfers: TransferQueries, requested: string | undefined): Promise<string> {
  if (requested !== undefined) {
    if ((await transfers.findCategoryKind(requested)) !== 'transfer') {
      throw problems.unknownReference('transfer category', '#/category_id', 'A transfer belongs in one of your transfer categories.');
    }
    return requested;
  }
  const fallback = await transfers.findDefaultCategory();
  if (fallback === null) {
    throw problems.unprocessable('You have no transfer category; create one (kind transfer) or pass category_id.');
  }
  return fallback;
}

/** The two transactions of a transfer: the outgoing leg first. */
function legsOf(body: TransferCreate, { from, to }: Ends, categoryId: string, transferId: string): NewTransaction[] {
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
  return [
    { ...leg, id: randomUUID(), accountId: from.id, amount: -body.amount,
      description: body.description?.trim() ?? `Transfer to ${to.name}` },
    { ...leg, id: randomUUID(), accountId: to.id, amount: body.to_amount ?? body.amount,
      description: body.description?.trim() ?? `Transfer from ${from.name}` },
  ];
}

export const createTransfer: Handler<'createTransfer'> = async ({ q, body }) => {
  assertTwoAccounts(body);
  const ends = await ownEnds(q.transfers, body);
  assertAmountArriving(body, ends);
  const categoryId = await transferCategory(q.transfers, body.category_id);
  const transferId = randomUUID();
  const legs = await q.transactions.insert(legsOf(body, ends, categoryId, transferId));
  return { status: 201, body: transferBody(transferId, legs), headers: { Location: `/v1/transfers/${transferId}` } };
};

export const getTransfer: Handler<'getTransfer'> = async ({ q, path }) => {
  const legs = await q.transfers.findLegs(path.id);
  if (legs.length !== 2) throw notFound();
  return { status: 200, body: transferBody(path.id, legs) };
};

export const deleteTransfer: Handler<'deleteTransfer'> = async ({ q, path }) => {
  if (!(await q.transfers.delete(path.id))) throw notFound();
  return { status: 204, body: undefined };
};
