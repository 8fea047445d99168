import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signUp, startTestApp, type TestApp } from './helpers/app.ts';
import { badPageQueries, pagesOf } from './helpers/pages.ts';
import { asOwner } from './helpers/database.ts';
import { expectUnauthorized, expectValidationProblem, expectUnprocessable } from './helpers/expectations.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

type ApiKey = { id: string; name: string; prefix: string; expires_at: string | null; last_used_at: string | null; created_at: string };
type ApiKeyWithSecret = ApiKey & { secret: string };

const secretPattern = /^ss_[A-Za-z0-9_-]{43}$/;

async function createKey(token: string, body: Record<string, unknown> = { name: 'Home dashboard' }): Promise<ApiKeyWithSecret> {
  const response = await t.api.post('/v1/api-keys', body, { token });
  expect(response.status).toBe(201);
  return response.body as ApiKeyWithSecret;
}

async function listKeys(token: string): Promise<ApiKey[]> {
  const response = await t.api.get('/v1/api-keys?limit=200', { token });
  expect(response.status).toBe(200);
  return response.body.data as ApiKey[];
}

describe('POST /v1/api-keys', () => {
  it('answers 201 with an ss_ secret of 256 random bits and its 9-character prefix', async () => {
    const { token } = await signUp(t.api);
    const before = Date.now();
    const response = await t.api.post('/v1/api-keys', { name: 'Home dashboard' }, { token });
    expect(response.status).toBe(201);
    const key = response.body as ApiKeyWithSecret;
    expect(key).toEqual({
      id: expect.any(String),
      name: 'Home dashboard',
      prefix: key.secret.slice(0, 9),
      secret: expect.stringMatching(secretPattern),
      expires_at: null,
      last_used_at: null,
      created_at: expect.any(String),
    });
    expect(key.prefix).toHaveLength(9);
    expect(key.prefix.startsWith('ss_')).toBe(true);
    expect(Math.abs(Date.parse(key.created_at) - before)).toBeLessThan(60_000);
    expect(Buffer.from(key.secret.slice(3), 'base64url')).toHaveLength(32);
  });

  it('gives every key a different secret', async () => {
    const { token } = await signUp(t.api);
    const secrets = new Set<string>();
    for (let index = 0; index < 5; index += 1) secrets.add((await createKey(token, { name: `Key ${index}` })).secret);
    expect(secrets.size).toBe(5);
  });

  it('trims the name and keeps a future expires_at', async () => {
    const { token } = await signUp(t.api);
    const expiresAt = new Date(Date.now() + 30 * 24 * 3600 * 1000);
    expiresAt.setUTCMilliseconds(0);
    const key = await createKey(token, { name: '  Spreadsheet sync  ', expires_at: expiresAt.toISOString() });
    expect(key.name).toBe('Spreadsheet sync');
    expect(Date.parse(key.expires_at!)).toBe(expiresAt.getTime());
    expect((await t.api.get('/v1/accounts', { token: key.secret })).status).toBe(200);
  });

  it('answers 422 to an expires_at in the past, and creates no key', async () => {
    const { token } = await signUp(t.api);
    const response = await t.api.post('/v1/api-keys', { name: 'Already over', expires_at: new Date(Date.now() - 60_000).toISOString() }, { token });
    expectUnprocessable(response, { pointer: '#/expires_at' });
    expect(await listKeys(token)).toEqual([]);
  });

  describe('rejects a body that breaks the contract with a 400 naming the field', () => {
    let token: string;
    beforeAll(async () => {
      ({ token } = await signUp(t.api));
    });

    it.each([
      { case: 'an empty name', body: { name: '' }, pointer: '#/name' },
      { case: 'a whitespace-only name', body: { name: '   ' }, pointer: '#/name' },
      { case: 'a 101-character name', body: { name: 'x'.repeat(101) }, pointer: '#/name' },
      { case: 'a missing name', body: { expires_at: '2099-01-01T00:00:00Z' }, pointer: '#/name' },
      { case: 'a number as the name', body: { name: 42 }, pointer: '#/name' },
      { case: 'an unknown field', body: { name: 'Key', scopes: ['admin'] }, pointer: '#/scopes' },
      { case: 'a secret chosen by the client', body: { name: 'Key', secret: `ss_${randomBytes(32).toString('base64url')}` }, pointer: '#/secret' },
      { case: 'an expires_at that is not a date-time', body: { name: 'Key', expires_at: 'next tuesday' }, pointer: '#/expires_at' },
      { case: 'an expires_at that is a date only', body: { name: 'Key', expires_at: '2099-01-01' }, pointer: '#/expires_at' },
      { case: 'an expires_at as a number', body: { name: 'Key', expires_at: 4102444800 }, pointer: '#/expires_at' },
    ])('answers 400 naming $pointer for $case', async ({ body, pointer }) => {
      const response = await t.api.post('/v1/api-keys', body, { token });
      expectValidationProblem(response, { pointer, in: 'body' });
      expect(await listKeys(token)).toEqual([]);
    });

    it('accepts a 100-character name (the control for the 101-character one)', async () => {
      const { token: other } = await signUp(t.api);
      const key = await createKey(other, { name: 'x'.repeat(100) });
      expect(key.name).toHaveLength(100);
    });
  });
});

describe('an API key as a bearer token', () => {
  let user: { id: string };
  let token: string;
  let key: ApiKeyWithSecret;
  beforeAll(async () => {
    ({ token, user } = await signUp(t.api));
    key = await createKey(token, { name: 'Scripts' });
  });

  it("acts as the key's user: reads, and writes that the user then sees", async () => {
    expect((await t.api.get('/v1/me', { token: key.secret })).body.id).toBe(user.id);
    const list = await t.api.get('/v1/accounts', { token: key.secret });
    expect(list.status).toBe(200);

    const created = await t.api.post('/v1/accounts', { name: 'Made with a key', type: 'cash', currency: 'USD' }, { token: key.secret });
    expect(created.status).toBe(201);
    const seen = await t.api.get('/v1/accounts?limit=200', { token });
    expect(seen.body.data.map((account: { id: string }) => account.id)).toContain(created.body.id);
    const owner = await asOwner<{ user_id: string }>(t.database.url, 'select user_id from accounts where id = $1', [created.body.id]);
    expect(owner.rows[0]?.user_id).toBe(user.id);
  });

  it('is listed without its secret, and shows last_used_at once used', async () => {
    const { token: fresh } = await signUp(t.api);
    const created = await createKey(fresh, { name: 'Listed' });
    const unused = await t.api.get('/v1/api-keys', { token: fresh });
    expect(unused.status).toBe(200);
    const { secret, ...withoutSecret } = created;
    expect(unused.body).toEqual({ data: [withoutSecret], next_cursor: null });
    expect(unused.body.data[0]).not.toHaveProperty('secret');
    expect(unused.text).not.toContain(secret);
    expect(unused.text).not.toContain(secret.slice(9));

    const before = Date.now();
    expect((await t.api.get('/v1/accounts', { token: secret })).status).toBe(200);
    const [listed] = await listKeys(fresh);
    expect(listed).toMatchObject({ id: created.id, last_used_at: expect.any(String) });
    expect(listed).not.toHaveProperty('secret');
    expect(Math.abs(Date.parse(listed!.last_used_at!) - before)).toBeLessThan(60_000);
  });

  it('is stored only as a hash', async () => {
    const stored = await asOwner<Record<string, unknown>>(t.database.url, 'select * from api_keys where id = $1', [key.id]);
    expect(stored.rowCount).toBe(1);
    const row = stored.rows[0]!;
    expect(typeof row.secret_hash).toBe('string');
    expect(row.secret_hash).not.toBe(key.secret);
    expect(row.prefix).toBe(key.prefix);
    const text = JSON.stringify(row);
    expect(text).not.toContain(key.secret);
    expect(text).not.toContain(key.secret.slice(9));
    expect(text).not.toContain(Buffer.from(key.secret).toString('base64'));
    expect(text).not.toContain(Buffer.from(key.secret).toString('hex'));
  });

  it('answers 401 to a made-up ss_ key, and to one differing from a real key in its last character', async () => {
    expectUnauthorized(await t.api.get('/v1/accounts', { token: `ss_${randomBytes(32).toString('base64url')}` }));
    const last = key.secret.at(-1) === 'A' ? 'B' : 'A';
    expectUnauthorized(await t.api.get('/v1/accounts', { token: `${key.secret.slice(0, -1)}${last}` }));
    expectUnauthorized(await t.api.get('/v1/accounts', { token: key.prefix }));
    expect((await t.api.get('/v1/accounts', { token: key.secret })).status).toBe(200);
  });

  it('answers 401 once the key has expired', async () => {
    const expiring = await createKey(token, { name: 'Expiring', expires_at: new Date(Date.now() + 3600_000).toISOString() });
    expect((await t.api.get('/v1/accounts', { token: expiring.secret })).status).toBe(200);
    await asOwner(t.database.url, "update api_keys set expires_at = now() - interval '1 second' where id = $1", [expiring.id]);
    expectUnauthorized(await t.api.get('/v1/accounts', { token: expiring.secret }));
    expectUnauthorized(await t.api.get('/v1/me', { token: expiring.secret }));
    // Another key of the same user is unaffected.
    expect((await t.api.get('/v1/accounts', { token: key.secret })).status).toBe(200);
  });
});

describe('DELETE /v1/api-keys/{id}', () => {
  it('revokes the key: it then answers 401, disappears from the list, and a second delete answers 404', async () => {
    const { token } = await signUp(t.api);
    const kept = await createKey(token, { name: 'Kept' });
    const revoked = await createKey(token, { name: 'Revoked' });
    expect((await t.api.get('/v1/accounts', { token: revoked.secret })).status).toBe(200);

    const response = await t.api.delete(`/v1/api-keys/${revoked.id}`, { token });
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expectUnauthorized(await t.api.get('/v1/accounts', { token: revoked.secret }));
    expect((await listKeys(token)).map((key) => key.id)).toEqual([kept.id]);
    expect((await t.api.get('/v1/accounts', { token: kept.secret })).status).toBe(200);

    const again = await t.api.delete(`/v1/api-keys/${revoked.id}`, { token });
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ type: '/problems/not-found', status: 404 });
  });

  it('lets a key revoke itself', async () => {
    const { token } = await signUp(t.api);
    const key = await createKey(token, { name: 'Self-destruct' });
    expect((await t.api.delete(`/v1/api-keys/${key.id}`, { token: key.secret })).status).toBe(204);
    expectUnauthorized(await t.api.get('/v1/accounts', { token: key.secret }));
  });

  it("answers 404 to another user's key, which keeps working, and never lists it to them", async () => {
    const [a, b] = [await signUp(t.api), await signUp(t.api)];
    const aKey = await createKey(a.token, { name: "A's key" });
    const bKey = await createKey(b.token, { name: "B's key" });

    const attempt = await t.api.delete(`/v1/api-keys/${aKey.id}`, { token: b.token });
    expect(attempt.status).toBe(404);
    expect(attempt.body).toMatchObject({ type: '/problems/not-found', status: 404 });
    const withKey = await t.api.delete(`/v1/api-keys/${aKey.id}`, { token: bKey.secret });
    expect(withKey.status).toBe(404);

    expect((await t.api.get('/v1/accounts', { token: aKey.secret })).status).toBe(200);
    expect((await listKeys(b.token)).map((key) => key.id)).toEqual([bKey.id]);
    expect((await listKeys(a.token)).map((key) => key.id)).toEqual([aKey.id]);
    // The answer for another user's key is exactly the answer for a key that never existed.
    const missing = await t.api.delete(`/v1/api-keys/${randomUUID()}`, { token: b.token });
    expect(missing.status).toBe(404);
    expect({ ...missing.body, instance: undefined, request_id: undefined }).toEqual({ ...attempt.body, instance: undefined, request_id: undefined });
  });

  it('answers 400 naming the id for a path that is not a uuid', async () => {
    const { token } = await signUp(t.api);
    expectValidationProblem(await t.api.delete('/v1/api-keys/not-a-uuid', { token }), { parameter: 'id', in: 'path' });
  });
});

describe('GET /v1/api-keys', () => {
  it('pages through 5 keys 2 at a time, oldest first, without repeats or gaps', async () => {
    const { token } = await signUp(t.api);
    const created: ApiKeyWithSecret[] = [];
    for (let index = 0; index < 5; index += 1) created.push(await createKey(token, { name: `Key ${index}` }));

    const pages = await pagesOf<ApiKey>(t.api, '/v1/api-keys?limit=2', token, 10);

    expect(pages.map((page) => page.data.length)).toEqual([2, 2, 1]);
    expect(pages.map((page) => page.next_cursor === null)).toEqual([false, false, true]);
    const seen = pages.flatMap((page) => page.data);
    const oldestFirst = (x: ApiKey, y: ApiKey) =>
      x.created_at < y.created_at ? -1 : x.created_at > y.created_at ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
    expect(seen.map((key) => key.id)).toEqual([...created].sort(oldestFirst).map((key) => key.id));
    expect(seen.every((key) => !('secret' in key))).toBe(true);
  });

  it('shows a user without keys an empty last page', async () => {
    const { token } = await signUp(t.api);
    const response = await t.api.get('/v1/api-keys', { token });
    expect(response.body).toEqual({ data: [], next_cursor: null });
  });

  it.each(badPageQueries)('answers 400 naming the parameter for $case', async ({ query, parameter }) => {
    const { token } = await signUp(t.api);
    expectValidationProblem(await t.api.get(`/v1/api-keys?${query}`, { token }), { parameter, in: 'query' });
  });

  it('answers 401 without a token', async () => {
    expectUnauthorized(await t.api.get('/v1/api-keys'));
    expectUnauthorized(await t.api.post('/v1/api-keys', { name: 'No token' }));
  });
});
