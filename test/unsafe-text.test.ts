// Every string the contract accepts, in every body and query of every operation, with a NUL, a lone
// surrogate or invalid UTF-8: a 400 naming that field — never a 500, never text silently altered.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { signUp, startTestApp, type TestApp } from './helpers/app.ts';
import { operationCases, pathOf, stringPlaces, typeOf, flatten } from './helpers/contract-cases.ts';

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await startTestApp();
  ({ token } = await signUp(t.api));
});
afterAll(async () => t.close());

const bodyPlaces = operationCases.flatMap((operation) =>
  operation.body?.mediaType === 'application/json'
    ? stringPlaces(operation.body.schema).map((place) => ({ operation, ...place }))
    : []);
const queryPlaces = operationCases.flatMap((operation) =>
  operation.parameters
    .filter((parameter) => parameter.in === 'query' && typeOf(flatten(parameter.schema ?? {})) !== undefined)
    .map((parameter) => ({ operation, name: parameter.name })));

/** Raw bytes as a JSON body (supertest would otherwise serialize a Buffer as JSON). */
function sendBytes(method: string, path: string, raw: Buffer) {
  return request(t.app)[method.toLowerCase() as 'post'](path)
    .set('Authorization', `Bearer ${token}`)
    .set('Content-Type', 'application/json')
    .serialize((body: unknown) => body as string)
    .send(raw as never);
}

const fieldOf = (response: request.Response) =>
  (response.body.errors as { pointer?: string; parameter?: string; message: string }[] | undefined)?.[0];

describe('a NUL in any string of any JSON body', () => {
  it('covers every operation that takes a JSON body', () => {
    const withJson = operationCases.filter((operation) => operation.body?.mediaType === 'application/json').map((operation) => operation.operationId);
    expect([...new Set(bodyPlaces.map((place) => place.operation.operationId))].sort()).toEqual(withJson.sort());
  });

  it.each(bodyPlaces.map((place) => [`${place.operation.operationId} ${place.pointer}`, place] as const))('%s → 400 naming it', async (_, place) => {
    const path = pathOf(place.operation.template, () => randomUUID());
    const response = await t.api.call(place.operation.method as 'POST', path, { token, body: place.build('a\u0000b') });
    expect(response.status).toBe(400);
    expect(fieldOf(response)).toEqual({ pointer: place.pointer, in: 'body', message: 'contains a NUL character' });
  });
});

describe('a NUL in any query parameter', () => {
  it.each(queryPlaces.map((place) => [`${place.operation.operationId} ?${place.name}`, place] as const))('%s → 400 naming it', async (_, place) => {
    const path = `${pathOf(place.operation.template, () => randomUUID())}?${place.name}=a%00b`;
    const response = await t.api.call(place.operation.method as 'GET', path, { token });
    expect(response.status).toBe(400);
    expect(fieldOf(response)).toEqual({ parameter: place.name, in: 'query', message: 'contains a NUL character' });
  });
});

describe('text that is not valid Unicode', () => {
  const sample = bodyPlaces.filter((place, index, all) => all.findIndex((other) => other.operation === place.operation) === index);

  it.each(sample.map((place) => [place.operation.operationId, place] as const))('%s: a lone surrogate (\\ud800) → 400 naming the field', async (_, place) => {
    const path = pathOf(place.operation.template, () => randomUUID());
    const raw = JSON.stringify(place.build('SURROGATE')).replace('SURROGATE', 'a\\ud800b');
    const response = await t.api.call(place.operation.method as 'POST', path, { token, raw });
    expect(response.status).toBe(400);
    expect(fieldOf(response)).toMatchObject({ pointer: place.pointer, message: 'contains a lone surrogate (not valid Unicode)' });
  });

  it.each(sample.map((place) => [place.operation.operationId, place] as const))('%s: invalid UTF-8 bytes → 400 naming the field', async (_, place) => {
    const path = pathOf(place.operation.template, () => randomUUID());
    const [before, after] = JSON.stringify(place.build('BYTES')).split('BYTES') as [string, string];
    const raw = Buffer.concat([Buffer.from(`${before}caf`), Buffer.from([0xe9]), Buffer.from(after)]); // Latin-1 é
    const response = await sendBytes(place.operation.method, path, raw);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(fieldOf(response)).toMatchObject({ pointer: place.pointer, message: 'is not valid UTF-8' });
  });

  it('keeps a real U+FFFD the sender wrote, and refuses the body as a whole when invalid bytes sit beside one', async () => {
    const account = await t.api.post('/v1/accounts', { name: 'Replacement \uFFFD kept', type: 'cash', currency: 'USD' }, { token });
    expect(account.status).toBe(201);
    expect(account.body.name).toBe('Replacement \uFFFD kept');
    const raw = Buffer.concat([Buffer.from('{"name":"\uFFFD'), Buffer.from([0xff]), Buffer.from('","type":"cash","currency":"USD"}')]);
    const response = await sendBytes('POST', '/v1/accounts', raw);
    expect(response.status).toBe(400);
    expect(fieldOf(response)).toMatchObject({ pointer: '#', message: 'is not valid UTF-8' });
  });

  it('refuses a query parameter whose percent-encoding is not UTF-8, naming it', async () => {
    const response = await t.api.get('/v1/transactions?q=caf%E9', { token });
    expect(response.status).toBe(400);
    expect(fieldOf(response)).toEqual({ parameter: 'q', in: 'query', message: 'is not valid percent-encoded UTF-8' });
  });

  it('refuses a NUL in a multipart form field of an import, naming it', async () => {
    const account = await t.api.post('/v1/accounts', { name: 'Import target', type: 'cash', currency: 'USD' }, { token });
    const response = await request(t.app).post(`/v1/accounts/${account.body.id}/imports`).set('Authorization', `Bearer ${token}`)
      .field('mapping', JSON.stringify({ date: 'Da\u0000te' })).attach('file', Buffer.from('Date,Amount\n2026-01-01,1\n'), 'statement.csv');
    expect(response.status).toBe(400);
    expect(fieldOf(response)).toEqual({ pointer: '#/mapping/date', in: 'body', message: 'contains a NUL character' });
  });

  it('still answers 401 first to a caller without credentials', async () => {
    const response = await t.api.post('/v1/accounts', { name: 'a\u0000b', type: 'cash', currency: 'USD' });
    expect(response.status).toBe(401);
  });
});
