// The requests the mock and the API are compared on, built from the contract: for every operation
// a valid request, an invalid one (one value of the wrong type), one without credentials, one
// naming an id that does not exist and one with a body of the wrong media type. The error requests
// are the ones the operation's own examples describe (the field its 400 example names, the path in
// its `instance`), so an answer that matches proves the example true.
import { readFileSync } from 'node:fs';
import type { Express } from 'express';
import request from 'supertest';
import type { ContractClient } from './app.ts';
import { signUp } from './app.ts';
import { definition, flatten, operationCases, pathOf, resolve, sampleOf, typeOf, type OperationCase } from './contract-cases.ts';

type Schema = Parameters<typeof flatten>[0];
type Problem = { type?: string; instance?: string; errors?: { pointer?: string; parameter?: string; in?: string }[] };
type MediaType = { example?: unknown; examples?: Record<string, { $ref?: string; value?: unknown }> };
type ResponseObject = { $ref?: string; content?: Record<string, MediaType> };

export type CaseKind = 'valid' | 'invalid' | 'no auth' | 'unknown id' | 'wrong media type';
export type Upload = { fields: Record<string, string>; file: Buffer; name: string };
export type Call = { method: string; path: string; headers: Record<string, string>; body?: unknown; upload?: Upload; text?: string };
export type ParityCase = { operationId: string; kind: CaseKind; call: Call };
export type Answer = { status: number; body: unknown; headers: Record<string, string> };

/** The caller's own records, the spare ones the DELETE cases may destroy, and the tokens. */
export type World = {
  ids: Record<string, string>;
  pathIds: Record<string, string>;
  spareIds: Record<string, string>;
  tokens: { main: string; signOut: string; deleteMe: string };
};

const uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** A well-formed id no record has (the API's ids are random). */
const unknownId = '00000000-0000-4000-8000-000000000404';
const statementCsv = readFileSync(new URL('../fixtures/statements/csv/us-bank.csv', import.meta.url));

function created(response: { status: number; body: { id?: string } }, what: string): string {
  if (response.status !== 201 || !response.body.id) throw new Error(`seeding ${what}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.id;
}

/** Seeds a user with one of everything (and a spare of everything a DELETE case removes). */
export async function seedWorld(api: ContractClient, app: Express): Promise<World> {
  const { token } = await signUp(api);
  const as = { token };
  const post = async (path: string, body: unknown, what: string) => created(await api.post(path, body, as), what);
  const account = await post('/v1/accounts', { name: 'Parity checking', type: 'checking', currency: 'USD' }, 'account');
  const savings = await post('/v1/accounts', { name: 'Parity savings', type: 'savings', currency: 'USD' }, 'savings');
  const categories = (await api.get('/v1/categories?limit=200', as)).body.data as { id: string; kind: string; parent_id: string | null }[];
  const expense = categories.find((category) => category.kind === 'expense' && category.parent_id)!;
  const group = expense.parent_id!;
  const transaction = await post('/v1/transactions', { account_id: account, date: '2026-03-01', amount: -500, description: 'Parity coffee' }, 'transaction');
  const budget = { name: 'Parity', amount: 1000, currency: 'USD', period: 'monthly', start_date: '2026-01-01' };
  const transfer = { from_account_id: account, to_account_id: savings, amount: 100, date: '2026-03-02' };
  const rule = { name: 'Parity rule', conditions: [{ field: 'description', operator: 'contains', value: 'parity' }], actions: { add_tags: ['parity'] } };
  const upload = await request(app).post(`/v1/accounts/${account}/imports`).set('Authorization', `Bearer ${token}`).attach('file', statementCsv, 'statement.csv');
  const pathIds = {
    accounts: account, categories: expense.id, transactions: transaction, rules: await post('/v1/rules', rule, 'rule'),
    transfers: await post('/v1/transfers', transfer, 'transfer'), budgets: await post('/v1/budgets', budget, 'budget'),
    imports: created(upload, 'import'),
  };
  const spareIds = {
    accounts: await post('/v1/accounts', { name: 'Parity spare', type: 'cash', currency: 'USD' }, 'spare account'),
    categories: await post('/v1/categories', { name: 'Parity spare', parent_id: group }, 'spare category'),
    transactions: await post('/v1/transactions', { account_id: account, date: '2026-03-03', amount: -1, description: 'Spare' }, 'spare transaction'),
    rules: await post('/v1/rules', { ...rule, name: 'Parity spare' }, 'spare rule'),
    transfers: await post('/v1/transfers', transfer, 'spare transfer'),
    budgets: await post('/v1/budgets', { ...budget, name: 'Parity spare' }, 'spare budget'),
    'api-keys': await post('/v1/api-keys', { name: 'Parity spare' }, 'spare API key'),
  };
  const ids = {
    account_id: account, from_account_id: account, to_account_id: savings, category_id: expense.id, set_category: expense.id,
    parent_id: group, reassign_to: expense.id, transaction_id: transaction, default: account,
  };
  const [signOut, deleteMe] = await Promise.all([signUp(api), signUp(api)]);
  return { ids, pathIds, spareIds, tokens: { main: token, signOut: signOut.token, deleteMe: deleteMe.token } };
}

function operationOf(operation: OperationCase): { responses?: Record<string, ResponseObject>; requestBody?: { content?: Record<string, MediaType> } } {
  return definition.paths[operation.template]![operation.method.toLowerCase()] as never;
}

function exampleOf(media: MediaType | undefined): unknown {
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  const first = Object.values(media.examples ?? {})[0];
  return first ? resolve(first).value : undefined;
}

/** The problem the operation's own example for `status` shows, if it declares one. */
export function problemExample(operation: OperationCase, status: string): Problem | undefined {
  const declared = operationOf(operation).responses?.[status];
  if (!declared) return undefined;
  return exampleOf(resolve(declared).content?.['application/problem+json']) as Problem | undefined;
}

/** The example path when it is a path of this operation, so the API's `instance` can equal it. */
function examplePath(operation: OperationCase, problem: Problem | undefined): string | undefined {
  const pattern = new RegExp(`^${operation.template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
  return problem?.instance && pattern.test(problem.instance) ? problem.instance : undefined;
}

/** The request body's example with every id swapped for the seeded record of its field's kind. */
function withWorldIds(value: unknown, ids: Record<string, string>, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => withWorldIds(item, ids, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, member]) => [name, withWorldIds(member, ids, name)]));
  }
  return typeof value === 'string' && new RegExp(`^${uuidPattern.source}$`, 'i').test(value) ? (ids[key] ?? ids.default) : value;
}

function validBody(operation: OperationCase, world: World): unknown {
  if (operation.body?.mediaType !== 'application/json') return undefined;
  const example = exampleOf(operationOf(operation).requestBody?.content?.['application/json']);
  return example === undefined ? sampleOf(operation.body.schema, '', world.ids) : withWorldIds(example, world.ids);
}

/** What every call sends besides credentials: accepting any media type, as curl and fetch do. */
const anyMediaType = { Accept: '*/*' };

function tokenFor(operation: OperationCase, world: World): Record<string, string> {
  if (operation.isPublic) return anyMediaType;
  const token = operation.operationId === 'signOut' ? world.tokens.signOut : operation.operationId === 'deleteMe' ? world.tokens.deleteMe : world.tokens.main;
  return { ...anyMediaType, Authorization: `Bearer ${token}` };
}

function validCall(operation: OperationCase, world: World): Call {
  const records = operation.method === 'DELETE' ? world.spareIds : world.pathIds;
  const kind = operation.template.split('/')[2]!;
  const path = pathOf(operation.template, (name) => (name === 'transaction_id' ? world.ids.transaction_id! : records[kind]!));
  const upload = operation.body?.mediaType === 'multipart/form-data'
    ? { fields: { dry_run: 'true' }, file: statementCsv, name: 'statement.csv' }
    : undefined;
  const body = validBody(operation, world);
  return { method: operation.method, path, headers: tokenFor(operation, world), ...(body === undefined ? {} : { body }), ...(upload ? { upload } : {}) };
}

/** A value of another JSON type than the schema's. */
function wrongBodyValue(schema: Schema): unknown {
  const type = typeOf(flatten(schema));
  return type === 'string' ? 12345 : type === 'integer' || type === 'number' ? 'twelve' : 'not a ' + (type ?? 'value');
}

/** A query value the parameter's schema rejects, or undefined when any text would do. */
function wrongQueryValue(schema: Schema): string | undefined {
  const flat = flatten(schema);
  const type = typeOf(flat);
  if (type === 'integer' || type === 'number') return 'abc';
  if (type === 'boolean') return 'maybe';
  if (flat.enum || flat.format || (flat as { pattern?: string }).pattern) return 'not-valid';
  return undefined;
}

/** The request the 400 example describes: its first error's field or parameter given a wrong value. */
function invalidCall(operation: OperationCase, world: World): Call | undefined {
  const problem = problemExample(operation, '400') ?? problemExample(operation, '4XX');
  if (!problem) return undefined;
  const base = validCall(operation, world);
  const path = examplePath(operation, problem) ?? base.path;
  const named = problem.errors?.[0];
  const properties = operation.body?.mediaType === 'application/json' ? flatten(operation.body.schema).properties ?? {} : {};
  const queryParameters = operation.parameters.filter((parameter) => parameter.in === 'query' && parameter.schema && wrongQueryValue(parameter.schema));
  const field = named?.pointer?.replace(/^#\//, '');
  if (field !== undefined && properties[field]) {
    return { ...base, path, body: { ...(base.body as object), [field]: wrongBodyValue(properties[field]) } };
  }
  if (named?.in === 'path' && named.parameter) {
    return { ...base, path: examplePath(operation, problem) ?? pathOf(operation.template, () => 'not-a-uuid') };
  }
  const parameter = queryParameters.find((candidate) => candidate.name === named?.parameter) ?? queryParameters[0];
  if (parameter) return { ...base, path: `${path}?${parameter.name}=${wrongQueryValue(parameter.schema!)}` };
  // A parameter the operation does not declare (`4XX` on the probes): unknown parameters are refused.
  if (named?.in === 'query' && named.parameter) return { ...base, path: `${path}?${named.parameter}=1` };
  const first = Object.keys(properties)[0];
  return first ? { ...base, path, body: { ...(base.body as object), [first]: wrongBodyValue(properties[first]!) } } : undefined;
}

function withoutAuthCall(operation: OperationCase, world: World): Call | undefined {
  if (operation.isPublic) return undefined;
  const base = validCall(operation, world);
  const { Authorization: _dropped, ...headers } = base.headers;
  return { ...base, path: examplePath(operation, problemExample(operation, '401')) ?? base.path, headers };
}

/** Prism cannot know which ids exist: the request asks it (`Prefer: code=404`) for the answer the API gives. */
function unknownIdCall(operation: OperationCase, world: World): Call | undefined {
  if (!operation.template.includes('{')) return undefined;
  const base = validCall(operation, world);
  const path = examplePath(operation, problemExample(operation, '404')) ?? pathOf(operation.template, () => unknownId);
  return { ...base, path, headers: { ...base.headers, Prefer: 'code=404' } };
}

/** A body as text/plain, where the operation takes JSON or a multipart upload. */
function wrongMediaTypeCall(operation: OperationCase, world: World): Call | undefined {
  if (!operation.body) return undefined;
  const { body: _body, upload: _upload, ...base } = validCall(operation, world);
  return { ...base, path: examplePath(operation, problemExample(operation, '415')) ?? base.path, text: 'hello' };
}

export function parityCases(world: World): ParityCase[] {
  return operationCases.flatMap((operation) => {
    const calls: [CaseKind, Call | undefined][] = [
      ['valid', validCall(operation, world)],
      ['invalid', invalidCall(operation, world)],
      ['no auth', withoutAuthCall(operation, world)],
      ['unknown id', unknownIdCall(operation, world)],
      ['wrong media type', wrongMediaTypeCall(operation, world)],
    ];
    return calls.filter((entry): entry is [CaseKind, Call] => entry[1] !== undefined)
      .map(([kind, call]) => ({ operationId: operation.operationId, kind, call }));
  });
}

/** Sends a call to the in-process API (an Express app) or to the mock (a base URL). */
export async function send(target: Express | string, call: Call): Promise<Answer> {
  let pending = request(target)[call.method.toLowerCase() as 'get'](call.path);
  for (const [name, value] of Object.entries(call.headers)) pending = pending.set(name, value);
  if (call.upload) {
    for (const [name, value] of Object.entries(call.upload.fields)) pending = pending.field(name, value);
    pending = pending.attach('file', call.upload.file, call.upload.name);
  } else if (call.text !== undefined) {
    pending = pending.set('Content-Type', 'text/plain').send(call.text);
  } else if (call.body !== undefined) {
    pending = pending.send(call.body as object);
  }
  const response = await pending;
  return { status: response.status, body: response.body, headers: response.headers as Record<string, string> };
}

/** The problem type of an error answer. */
export function problemType(answer: Answer): string | undefined {
  return answer.status >= 400 ? (answer.body as Problem | undefined)?.type : undefined;
}

/** An error answer's body without the per-request `request_id`. */
export function problemBody(answer: Answer): unknown {
  if (answer.status < 400 || answer.body === null || typeof answer.body !== 'object') return undefined;
  const { request_id: _id, ...rest } = answer.body as Record<string, unknown>;
  return rest;
}

/** The headers a client relies on: values where they are fixed, ids masked, per-answer values only as present. */
export function headerShape(answer: Answer): Record<string, string | undefined> {
  const present = (name: string) => (answer.headers[name] === undefined ? undefined : 'present');
  return {
    // Prism labels an empty answer text/plain; only a body's media type is compared.
    'content-type': answer.status === 204 ? undefined : answer.headers['content-type']?.split(';')[0],
    'www-authenticate': answer.headers['www-authenticate'],
    'idempotent-replayed': answer.headers['idempotent-replayed'],
    location: answer.headers.location?.replace(uuidPattern, '<id>'),
    etag: present('etag'),
    'x-request-id': present('x-request-id'),
  };
}
