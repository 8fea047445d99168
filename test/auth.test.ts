import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { z } from 'zod';
import { sql } from '../src/db/sql.ts';
import { signUp, startTestApp, testConfig, type TestApp } from './helpers/app.ts';
import { asOwner } from './helpers/database.ts';
import { base64url, expectUnauthorized, expectValidationProblem, problemShape, expectConflict } from './helpers/expectations.ts';
import { uniqueEmail } from './helpers/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const password = 'correct horse battery staple';

/** A token shaped like the app's own, signed with `secret`; `exp` in seconds since the epoch. */
function accessToken(subject: string, options: { exp?: number; secret?: string; issuer?: string; audience?: string } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuer(options.issuer ?? 'spendsense')
    .setAudience(options.audience ?? 'spendsense-api')
    .setIssuedAt(Math.min(now, (options.exp ?? now + 600) - 900))
    .setExpirationTime(options.exp ?? now + 600)
    .sign(new TextEncoder().encode(options.secret ?? testConfig.jwtSecret));
}

const decodeSegment = (value: string) => JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('POST /v1/auth/signup', () => {
  it('creates the user with a lower-cased email and answers a token that works on /v1', async () => {
    const email = `Ada.Lovelace-${randomUUID()}@Example.COM`;
    const response = await t.api.post('/v1/auth/signup', { email, password, name: 'Ada', default_currency: 'EUR' });
    expect(response.status).toBe(201);
    expect(response.body.user).toMatchObject({ email: email.toLowerCase(), name: 'Ada', default_currency: 'EUR' });
    expect(response.body.user).not.toHaveProperty('password_hash');
    expect(response.body).toMatchObject({ token_type: 'Bearer', expires_in: testConfig.jwtTtlSeconds });

    const accounts = await t.api.get('/v1/accounts', { token: response.body.access_token });
    expect(accounts.status).toBe(200);
    expect(accounts.body).toEqual({ data: [], next_cursor: null });
  });

  it('defaults default_currency to USD and name to null', async () => {
    const response = await t.api.post('/v1/auth/signup', { email: uniqueEmail(), password });
    expect(response.status).toBe(201);
    expect(response.body.user).toMatchObject({ default_currency: 'USD', name: null });
  });

  it('stores only an argon2id hash of the password', async () => {
    const { user } = await signUp(t.api, { password });
    const stored = await asOwner<{ password_hash: string }>(t.database.url, 'select password_hash from users where id = $1', [user.id]);
    expect(stored.rows[0]?.password_hash).toMatch(/^\$argon2id\$/);
    expect(stored.rows[0]?.password_hash).not.toContain(password);
  });

  it('answers 409 to an email already registered in another case, and keeps the first password', async () => {
    const email = uniqueEmail('twice');
    expect((await t.api.post('/v1/auth/signup', { email, password })).status).toBe(201);
    const again = await t.api.post('/v1/auth/signup', { email: email.toUpperCase(), password: 'another password entirely' });
    expectConflict(again);
    expect((await t.api.post('/v1/auth/token', { email, password })).status).toBe(200);
  });

  it.each([
    { case: 'a 9-character password', body: { email: uniqueEmail(), password: '123456789' }, pointer: '#/password' },
    { case: 'a missing password', body: { email: uniqueEmail() }, pointer: '#/password' },
    { case: 'an invalid email', body: { email: 'not-an-email', password }, pointer: '#/email' },
    { case: 'an email without a domain', body: { email: 'ada@', password }, pointer: '#/email' },
    { case: 'an unknown field', body: { email: uniqueEmail(), password, is_admin: true }, pointer: '#/is_admin' },
    { case: 'an unknown currency', body: { email: uniqueEmail(), password, default_currency: 'usd' }, pointer: '#/default_currency' },
    { case: 'an empty name', body: { email: uniqueEmail(), password, name: '' }, pointer: '#/name' },
  ])('answers 400 naming $pointer for $case, and creates no user', async ({ body, pointer }) => {
    const response = await t.api.post('/v1/auth/signup', body);
    expectValidationProblem(response, { pointer, in: 'body' });
    if (typeof body.email === 'string') {
      const users = await asOwner(t.database.url, 'select 1 from users where email = lower($1)', [body.email]);
      expect(users.rowCount).toBe(0);
    }
  });

  it('answers 400 naming the body when there is none', async () => {
    const response = await t.api.post('/v1/auth/signup');
    expectValidationProblem(response, { pointer: '#', in: 'body' });
  });

  it('answers 400 naming the body for malformed JSON', async () => {
    const response = await t.api.call('POST', '/v1/auth/signup', { raw: '{"email": "ada@example.com", "password": ' });
    expectValidationProblem(response, { pointer: '#', in: 'body' });
  });

  it('answers 415 to a form-encoded body', async () => {
    const response = await t.api.call('POST', '/v1/auth/signup', {
      raw: `email=${encodeURIComponent(uniqueEmail())}&password=${encodeURIComponent(password)}`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(response.status).toBe(415);
    expect(response.body).toMatchObject({ type: '/problems/unsupported-media-type' });
  });
});

describe('POST /v1/auth/token', () => {
  let email: string;
  let userId: string;
  let accountId: string;
  beforeAll(async () => {
    email = uniqueEmail('token');
    const signup = await signUp(t.api, { email, password });
    userId = signup.user.id;
    const account = await t.api.post('/v1/accounts', { name: 'Wallet', type: 'cash', currency: 'USD' }, { token: signup.token });
    accountId = account.body.id;
  });

  it('answers a Bearer token for the right password, and the token acts as that user', async () => {
    const response = await t.api.post('/v1/auth/token', { email, password });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: testConfig.jwtTtlSeconds });
    expect(decodeSegment(response.body.access_token.split('.')[1])).toMatchObject({ sub: userId });

    const accounts = await t.api.get('/v1/accounts', { token: response.body.access_token });
    expect(accounts.status).toBe(200);
    expect(accounts.body.data.map((account: { id: string }) => account.id)).toEqual([accountId]);
  });

  it('matches the email in any case', async () => {
    const response = await t.api.post('/v1/auth/token', { email: email.toUpperCase(), password });
    expect(response.status).toBe(200);
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const wrongPassword = await t.api.post('/v1/auth/token', { email, password: 'incorrect horse battery' });
    const unknownEmail = await t.api.post('/v1/auth/token', { email: uniqueEmail('nobody'), password });
    expectUnauthorized(wrongPassword);
    expectUnauthorized(unknownEmail);
    expect(problemShape(wrongPassword)).toEqual(problemShape(unknownEmail));
  });

  it('answers 400 naming #/password when it is missing', async () => {
    const response = await t.api.post('/v1/auth/token', { email });
    expectValidationProblem(response, { pointer: '#/password', in: 'body' });
  });

  it('answers 400 naming #/email for an invalid email', async () => {
    const response = await t.api.post('/v1/auth/token', { email: 'nobody', password });
    expectValidationProblem(response, { pointer: '#/email', in: 'body' });
  });
});

describe('bearer tokens on /v1', () => {
  let userId: string;
  let token: string;
  let otherUserId: string;
  beforeAll(async () => {
    ({ token, user: { id: userId } } = await signUp(t.api));
    ({ user: { id: otherUserId } } = await signUp(t.api));
  });

  const listWith = (bearer: string) => t.api.get('/v1/accounts', { token: bearer });

  it('accepts a token built with the app secret, issuer and audience (the control for the tests below)', async () => {
    expect((await listWith(await accessToken(userId))).status).toBe(200);
  });

  it('answers 401 to a token with alg "none"', async () => {
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: userId, iss: 'spendsense', aud: 'spendsense-api', iat: now, exp: now + 600 })}.`;
    expectUnauthorized(await listWith(unsigned));
  });

  it('answers 401 to a token whose payload was changed after signing', async () => {
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const tampered = `${header}.${base64url({ ...decodeSegment(payload), sub: otherUserId })}.${signature}`;
    expectUnauthorized(await listWith(tampered));
  });

  it('answers 401 to an expired token', async () => {
    const expired = await accessToken(userId, { exp: Math.floor(Date.now() / 1000) - 60 });
    expectUnauthorized(await listWith(expired));
  });

  it('answers 401 to a token from another issuer or for another audience', async () => {
    expectUnauthorized(await listWith(await accessToken(userId, { issuer: 'someone-else' })));
    expectUnauthorized(await listWith(await accessToken(userId, { audience: 'another-api' })));
  });

  it('answers 401 to a token whose subject is not a user id', async () => {
    expectUnauthorized(await listWith(await accessToken('admin')));
  });

  it('answers 401 to a valid token of a user deleted elsewhere, within a second', async () => {
    const { token: doomedToken, user } = await signUp(t.api);
    expect((await listWith(doomedToken)).status).toBe(200);
    // Deleted behind this process's back (another process, an operator): a connection that named
    // the user is trusted for up to a second (db/user-scope.ts), and it sees none of their rows.
    await asOwner(t.database.url, 'delete from users where id = $1', [user.id]);
    const meanwhile = await listWith(doomedToken);
    if (meanwhile.status === 200) expect(meanwhile.body.data).toEqual([]);
    else expectUnauthorized(meanwhile);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expectUnauthorized(await listWith(doomedToken));
    expectUnauthorized(await t.api.post('/v1/accounts', { name: 'Ghost', type: 'cash', currency: 'USD' }, { token: doomedToken }));
  });
});

describe('row-level security', () => {
  const countAccounts = sql.type(z.object({ count: z.number() }))`select count(*)::int as count from accounts`;
  const accountOwners = sql.type(z.object({ user_id: z.string() }))`select user_id from accounts`;
  const nameUser = (id: string) => sql.type(z.object({ set_config: z.string() }))`select set_config('app.user_id', ${id}, true)`;

  let a: { id: string; token: string };
  let b: { id: string; token: string };
  beforeAll(async () => {
    const [first, second] = [await signUp(t.api), await signUp(t.api)];
    a = { id: first.user.id, token: first.token };
    b = { id: second.user.id, token: second.token };
    for (const [owner, names] of [[a, ['A checking', 'A savings']], [b, ['B cash']]] as const) {
      for (const name of names) {
        const response = await t.api.post('/v1/accounts', { name, type: 'checking', currency: 'USD' }, { token: owner.token });
        expect(response.status).toBe(201);
      }
    }
  });

  it('shows the app role no account at all when no user is named, though accounts exist', async () => {
    const total = await asOwner<{ count: number }>(t.database.url, 'select count(*)::int as count from accounts');
    expect(total.rows[0]?.count).toBeGreaterThanOrEqual(3);

    expect(await t.pool.oneFirst(countAccounts)).toBe(0);
    expect(await t.pool.transaction((tx) => tx.oneFirst(countAccounts))).toBe(0);
  });

  it("shows only the named user's accounts inside a transaction that names them", async () => {
    const owners = await t.pool.transaction(async (tx) => {
      await tx.query(nameUser(a.id));
      return tx.anyFirst(accountOwners);
    });
    expect(owners).toHaveLength(2);
    expect(new Set(owners)).toEqual(new Set([a.id]));
  });

  it('forgets the named user when the transaction ends', async () => {
    const [inside, after] = await t.pool.connect(async (connection) => {
      const counted = await connection.transaction(async (tx) => {
        await tx.query(nameUser(b.id));
        return tx.oneFirst(countAccounts);
      });
      return [counted, await connection.oneFirst(countAccounts)];
    });
    expect(inside).toBe(1);
    expect(after).toBe(0);
  });

  it("refuses to write an account into another user's name", async () => {
    const write = t.pool.transaction(async (tx) => {
      await tx.query(nameUser(a.id));
      await tx.query(sql.typeAlias('void')`
        insert into accounts (user_id, name, type, currency) values (${b.id}, 'Planted', 'cash', 'USD')
      `);
    });
    await expect(write).rejects.toThrow(/row-level security/);
    const planted = await asOwner(t.database.url, "select 1 from accounts where name = 'Planted'");
    expect(planted.rowCount).toBe(0);
  });
});
