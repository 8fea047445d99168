// A schema-driven fuzz over every operation of the contract: wrong types, boundary and huge values,
// unknown fields, forged cursors, other users' and malformed ids. Whatever arrives, the answer is
// never a 5xx, every 4xx is problem+json, and every status is one the operation declares (the
// contract client checks the last two on every answer).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signUp, startTestApp, type TestApp } from './helpers/app.ts';
import { flatten, operationCases, pathOf, sampleOf, type OperationCase } from './helpers/contract-cases.ts';

let t: TestApp;
let token: string;
/** The caller's own ids, by the field names that refer to them. */
const ids: Record<string, string> = {};
/** Another user's ids: answering them must look exactly like answering missing ones. */
const foreign: Record<string, string> = {};

async function seed(who: Record<string, string>): Promise<string> {
  const { token: userToken } = await signUp(t.api);
  const as = { token: userToken };
  const account = await t.api.post('/v1/accounts', { name: 'Fuzz checking', type: 'checking', currency: 'USD' }, as);
  const savings = await t.api.post('/v1/accounts', { name: 'Fuzz savings', type: 'savings', currency: 'USD' }, as);
  const categories = await t.api.get('/v1/categories?limit=200', as);
  const expense = (categories.body.data as { id: string; kind: string; parent_id: string | null }[]).find((c) => c.kind === 'expense' && c.parent_id)!;
  const transaction = await t.api.post('/v1/transactions', { account_id: account.body.id, date: '2026-03-01', amount: -500, description: 'Fuzz' }, as);
  const budget = await t.api.post('/v1/budgets', { name: 'Fuzz', amount: 1000, currency: 'USD', period: 'monthly', start_date: '2026-01-01' }, as);
  const transfer = await t.api.post('/v1/transfers', { from_account_id: account.body.id, to_account_id: savings.body.id, amount: 100, date: '2026-03-02' }, as);
  Object.assign(who, {
    account_id: account.body.id, from_account_id: account.body.id, to_account_id: savings.body.id,
    category_id: expense.id, parent_id: expense.parent_id!, reassign_to: expense.id,
    transaction_id: transaction.body.id, budget_id: budget.body.id, transfer_id: transfer.body.id ?? randomUUID(),
    default: account.body.id,
  });
  return userToken;
}

beforeAll(async () => {
  t = await startTestApp();
  token = await seed(ids);
  await seed(foreign);
}, 60_000);
afterAll(async () => t.close());

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** Cursors the API never issued: well-formed base64url of plausible and implausible tuples. */
const forgedCursors = [
  b64(['2026-13-45T25:61:61.000Z', randomUUID()]), b64(['+275760-09-13T00:00:00.000Z', randomUUID()]),
  b64(['0000-01-01', randomUUID()]), b64(['2026-02-30', randomUUID()]), b64([1e308, 'x']), b64(['2026-03-01', 'not-a-uuid']),
  b64([null, null]), b64({ a: 1 }), b64('x'.repeat(5000)), b64([[[[[]]]]]), 'not base64 !', b64(['9999-12-31T23:59:59.999Z', randomUUID()]),
];
const hostileValues: unknown[] = [
  null, true, 0, -1, 1.5, 2 ** 53, -(2 ** 53), 1e308, -1e308, '', ' ', 'x'.repeat(20_000), '2026-02-30', '0000-01-01',
  '9999-12-31', [], {}, ['x'], { nested: { deep: true } }, '00000000-0000-0000-0000-000000000000',
];
const hostileQueries = ['', 'abc', '-1', '0', '1.5', '99999999999999999999999', '1e309', '2026-02-30', '0000-01', '2200-01-01', 'true', 'USD', '%27%3B--'];

type Attempt = { method: string; path: string; body?: unknown };

function pathsFor(operation: OperationCase): string[] {
  if (!operation.template.includes('{')) return [operation.template];
  const owner = (name: string) => ids[name] ?? ids.transaction_id!;
  const kind = operation.template.split('/')[2]!.replace(/s$/, '').replace('-', '_');
  const own = (bag: Record<string, string>) => () => bag[`${kind}_id`] ?? owner('default');
  return [pathOf(operation.template, own(ids)), pathOf(operation.template, own(foreign)), pathOf(operation.template, () => randomUUID()), pathOf(operation.template, () => 'not-a-uuid')];
}

function attemptsFor(operation: OperationCase): Attempt[] {
  const [path, ...otherPaths] = pathsFor(operation);
  const attempts: Attempt[] = otherPaths.map((other) => ({ method: operation.method, path: other }));
  const json = operation.body?.mediaType === 'application/json' ? flatten(operation.body.schema) : undefined;
  const base = json ? (sampleOf(json, '', ids) as Record<string, unknown>) : undefined;
  if (json && base) {
    attempts.push({ method: operation.method, path: path!, body: base }, { method: operation.method, path: path!, body: {} });
    attempts.push({ method: operation.method, path: path!, body: { ...base, unknown_field: 1 } });
    for (const name of Object.keys(json.properties ?? {})) {
      for (const value of hostileValues) attempts.push({ method: operation.method, path: path!, body: { ...base, [name]: value } });
      for (const value of Object.values(foreign)) attempts.push({ method: operation.method, path: path!, body: { ...base, [name]: value } });
    }
  }
  for (const parameter of operation.parameters.filter((p) => p.in === 'query')) {
    const values = parameter.name === 'cursor' ? forgedCursors : [...hostileQueries, ...Object.values(foreign).slice(0, 2)];
    for (const value of values) attempts.push({ method: operation.method, path: `${path}?${parameter.name}=${encodeURIComponent(value)}`, body: base });
  }
  return attempts;
}

describe('every operation, fuzzed from the contract', () => {
  it.each(operationCases.map((operation) => [operation.operationId, operation] as const))('%s: no 5xx, problem+json 4xx, declared statuses', async (_, operation) => {
    const failures: string[] = [];
    for (const attempt of attemptsFor(operation)) {
      const response = await t.api.call(attempt.method as 'POST', attempt.path, {
        ...(operation.isPublic ? {} : { token }),
        ...(attempt.body === undefined ? {} : { body: attempt.body }),
      }).catch((error: Error) => ({ status: 0, text: error.message }));
      if (response.status === 0 || response.status >= 500) {
        failures.push(`${attempt.method} ${attempt.path.slice(0, 120)} ${JSON.stringify(attempt.body)?.slice(0, 160)} → ${response.status} ${response.text.slice(0, 300)}`);
      }
    }
    expect(failures).toEqual([]);
  }, 60_000);
});
