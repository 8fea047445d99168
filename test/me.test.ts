import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { loadContract } from '../src/http/contract.ts';
import { assertContract, signUp, startTestApp, type TestApp } from './helpers/app.ts';
import { asOwner } from './helpers/database.ts';
import { uniqueEmail } from './helpers/factories.ts';
import { type Answer, expectUnauthorized, expectValidationProblem, expectUnprocessable } from './helpers/expectations.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const password = 'correct horse battery staple';
const etagPattern = /^"[\w-]+"$/;

const getMe = (token: string) => t.api.get('/v1/me', { token });

describe('GET /v1/me', () => {
  it('answers the signed-up user with an ETag', async () => {
    const email = uniqueEmail();
    const signup = await t.api.post('/v1/auth/signup', { email, password, name: 'Ada', default_currency: 'EUR' });
    expect(signup.status).toBe(201);

    const response = await getMe(signup.body.access_token);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(signup.body.user);
    expect(response.body).toEqual({
      id: signup.body.user.id,
      email,
      name: 'Ada',
      default_currency: 'EUR',
      auto_categorize_threshold: 0.9,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(response.body).not.toHaveProperty('password_hash');
    expect(response.headers.etag).toMatch(etagPattern);
    expect((await getMe(signup.body.access_token)).headers.etag).toBe(response.headers.etag);
  });

  it("answers each user their own record, never another's", async () => {
    const [a, b] = [await signUp(t.api), await signUp(t.api)];
    expect((await getMe(a.token)).body.id).toBe(a.user.id);
    expect((await getMe(b.token)).body.id).toBe(b.user.id);
  });

  it('answers 401 without a token', async () => {
    expectUnauthorized(await t.api.get('/v1/me'));
  });
});

describe('PATCH /v1/me', () => {
  it('changes name and default_currency, and the ETag with them', async () => {
    const { token } = await signUp(t.api, { name: 'Ada', default_currency: 'EUR' });
    const before = await getMe(token);

    const response = await t.api.patch('/v1/me', { name: 'Ada Lovelace', default_currency: 'GBP' }, { token, headers: { 'If-Match': before.headers.etag! } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ...before.body, name: 'Ada Lovelace', default_currency: 'GBP', updated_at: expect.any(String) });
    expect(response.body.updated_at >= before.body.updated_at).toBe(true);
    expect(response.headers.etag).toMatch(etagPattern);
    expect(response.headers.etag).not.toBe(before.headers.etag);

    const after = await getMe(token);
    expect(after.body).toEqual(response.body);
    expect(after.headers.etag).toBe(response.headers.etag);
  });

  it('changes one field and leaves the others alone', async () => {
    const { token } = await signUp(t.api, { name: 'Grace', default_currency: 'USD' });
    const response = await t.api.patch('/v1/me', { default_currency: 'JPY' }, { token });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ name: 'Grace', default_currency: 'JPY' });
  });

  it('clears the name with null', async () => {
    const { token } = await signUp(t.api, { name: 'Temporary' });
    const response = await t.api.patch('/v1/me', { name: null }, { token });
    expect(response.status).toBe(200);
    expect(response.body.name).toBeNull();
    expect((await getMe(token)).body.name).toBeNull();
  });

  describe('rejects a body that breaks the contract with a 400, changing nothing', () => {
    let token: string;
    let before: Answer;
    beforeAll(async () => {
      ({ token } = await signUp(t.api, { name: 'Unchanged', default_currency: 'EUR' }));
      before = await getMe(token);
    });

    it.each([
      { case: 'an unknown field', body: { nickname: 'Ada' }, pointer: '#/nickname' },
      { case: 'a new email (not changeable here)', body: { email: uniqueEmail('new') }, pointer: '#/email' },
      { case: 'an id', body: { id: randomUUID() }, pointer: '#/id' },
      { case: 'a number as the name', body: { name: 5 }, pointer: '#/name' },
      { case: 'an empty name', body: { name: '' }, pointer: '#/name' },
      { case: 'a 101-character name', body: { name: 'x'.repeat(101) }, pointer: '#/name' },
      { case: 'a lower-case currency', body: { default_currency: 'usd' }, pointer: '#/default_currency' },
      { case: 'a number as the currency', body: { default_currency: 840 }, pointer: '#/default_currency' },
      { case: 'null as the currency', body: { default_currency: null }, pointer: '#/default_currency' },
      { case: 'a too-short new password', body: { current_password: password, new_password: 'short' }, pointer: '#/new_password' },
      { case: 'an empty body object', body: {}, pointer: '#' },
      { case: 'an array instead of an object', body: [{ name: 'Ada' }], pointer: '#' },
    ])('answers 400 naming $pointer for $case', async ({ body, pointer }) => {
      const response = await t.api.patch('/v1/me', body, { token });
      expectValidationProblem(response, { pointer, in: 'body' });
      const after = await getMe(token);
      expect(after.body).toEqual(before.body);
      expect(after.headers.etag).toBe(before.headers.etag);
    });

    it('answers 400 naming the body when there is none', async () => {
      const response = await t.api.patch('/v1/me', undefined, { token });
      expectValidationProblem(response, { pointer: '#', in: 'body' });
      expect((await getMe(token)).body).toEqual(before.body);
    });
  });

  it('answers 412 to a stale If-Match and changes nothing; the current ETag and * succeed', async () => {
    const { token } = await signUp(t.api, { name: 'First' });
    const original = await getMe(token);
    const changed = await t.api.patch('/v1/me', { name: 'Second' }, { token, headers: { 'If-Match': original.headers.etag! } });
    expect(changed.status).toBe(200);

    const stale = await t.api.patch('/v1/me', { name: 'Third' }, { token, headers: { 'If-Match': original.headers.etag! } });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ type: '/problems/precondition-failed', status: 412 });
    const current = await getMe(token);
    expect(current.body.name).toBe('Second');
    expect(current.headers.etag).toBe(changed.headers.etag);

    const fresh = await t.api.patch('/v1/me', { name: 'Third' }, { token, headers: { 'If-Match': current.headers.etag! } });
    expect(fresh.status).toBe(200);
    const star = await t.api.patch('/v1/me', { name: 'Fourth' }, { token, headers: { 'If-Match': '*' } });
    expect(star.status).toBe(200);
    expect((await getMe(token)).body.name).toBe('Fourth');
  });
});

describe('changing the password', () => {
  const newPassword = 'a brand new passphrase';

  it('answers 400 pointing at #/current_password when only new_password is sent', async () => {
    const email = uniqueEmail('pw');
    const { token } = await signUp(t.api, { email, password });
    const response = await t.api.patch('/v1/me', { new_password: newPassword }, { token });
    expectValidationProblem(response, { pointer: '#/current_password', in: 'body' });
    expect((await t.api.post('/v1/auth/token', { email, password })).status).toBe(200);
    expect((await t.api.post('/v1/auth/token', { email, password: newPassword })).status).toBe(401);
  });

  it('answers 400 pointing at #/new_password when only current_password is sent', async () => {
    const { token } = await signUp(t.api, { password });
    const response = await t.api.patch('/v1/me', { current_password: password }, { token });
    expectValidationProblem(response, { pointer: '#/new_password', in: 'body' });
  });

  it('answers 422 to a wrong current_password and keeps the old password', async () => {
    const email = uniqueEmail('pw');
    const { token } = await signUp(t.api, { email, password });
    const before = await getMe(token);
    const response = await t.api.patch('/v1/me', { current_password: 'not my password at all', new_password: newPassword }, { token });
    expectUnprocessable(response, { pointer: '#/current_password' });
    expect(JSON.stringify(response.body)).not.toContain(newPassword);
    expect((await getMe(token)).body).toEqual(before.body);
    expect((await t.api.post('/v1/auth/token', { email, password })).status).toBe(200);
    expect((await t.api.post('/v1/auth/token', { email, password: newPassword })).status).toBe(401);
  });

  it('changes it with the right current_password: the new one signs in, the old one answers 401', async () => {
    const email = uniqueEmail('pw');
    const { token, user } = await signUp(t.api, { email, password, name: 'Pat' });
    const response = await t.api.patch('/v1/me', { current_password: password, new_password: newPassword }, { token });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: user.id, email, name: 'Pat' });
    expect(response.body).not.toHaveProperty('password_hash');
    expect(JSON.stringify(response.body)).not.toContain(newPassword);

    const stored = await asOwner<{ password_hash: string }>(t.database.url, 'select password_hash from users where id = $1', [user.id]);
    expect(stored.rows[0]?.password_hash).toMatch(/^\$argon2id\$/);
    expect(stored.rows[0]?.password_hash).not.toContain(newPassword);

    const signIn = await t.api.post('/v1/auth/token', { email, password: newPassword });
    expect(signIn.status).toBe(200);
    expect((await getMe(signIn.body.access_token)).body.id).toBe(user.id);
    const old = await t.api.post('/v1/auth/token', { email, password });
    expectUnauthorized(old);
  });
});

describe('DELETE /v1/me', () => {
  /** Tables holding a user's rows, keyed by the column naming the user. */
  const userTables = [
    ['users', 'id'],
    ['accounts', 'user_id'],
    ['transactions', 'user_id'],
    ['categories', 'user_id'],
    ['budgets', 'user_id'],
    ['api_keys', 'user_id'],
    ['idempotency_keys', 'user_id'],
  ] as const;

  /** Row counts per table for one user, read as the owner (no RLS). */
  async function rowCounts(userId: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const [table, column] of userTables) {
      const result = await asOwner<{ count: number }>(t.database.url, `select count(*)::int as count from ${table} where ${column} = $1`, [userId]);
      counts[table] = result.rows[0]!.count;
    }
    // Any other table with a user_id column (added later) must be emptied as well.
    const others = await asOwner<{ table_name: string }>(
      t.database.url,
      `select table_name from information_schema.columns
       where table_schema = 'public' and column_name = 'user_id' and table_name <> all($1::text[])`,
      [userTables.map(([table]) => table)],
    );
    for (const { table_name: table } of others.rows) {
      const result = await asOwner<{ count: number }>(t.database.url, `select count(*)::int as count from "${table}" where user_id = $1`, [userId]);
      counts[table] = result.rows[0]!.count;
    }
    return counts;
  }

  /** Gives a user one of everything: accounts, transactions, a budget, an API key, idempotency records. */
  async function populate(token: string): Promise<{ apiKey: string; accountId: string }> {
    const account = await t.api.post('/v1/accounts', { name: 'Everyday', type: 'checking', currency: 'USD', opening_balance: 1000 }, {
      token,
      headers: { 'Idempotency-Key': randomUUID() },
    });
    expect(account.status).toBe(201);
    const categories = await t.api.get('/v1/categories?limit=200', { token });
    expect(categories.status).toBe(200);
    const groceries = (categories.body.data as { id: string; name: string }[]).find((category) => category.name === 'Groceries');
    expect(groceries).toBeDefined();

    for (const [amount, description] of [[-4250, 'SAFEWAY #123'], [-899, 'NETFLIX.COM'], [250000, 'PAYROLL']] as const) {
      const transaction = await t.api.post(
        '/v1/transactions',
        { account_id: account.body.id, date: '2026-03-14', amount, description, ...(amount === -4250 ? { category_id: groceries!.id } : {}) },
        { token, headers: { 'Idempotency-Key': randomUUID() } },
      );
      expect(transaction.status).toBe(201);
    }

    const budget = await t.api.post(
      '/v1/budgets',
      { name: 'Groceries', category_id: groceries!.id, amount: 60000, currency: 'USD', period: 'monthly', start_date: '2026-01-01' },
      { token },
    );
    expect(budget.status).toBe(201);

    const key = await t.api.post('/v1/api-keys', { name: 'Dashboard' }, { token });
    expect(key.status).toBe(201);
    expect((await getMe(key.body.secret)).status).toBe(200);
    return { apiKey: key.body.secret as string, accountId: account.body.id as string };
  }

  /** Every operation that needs a bearer token, with a body the contract accepts (its own example). */
  function securedOperations(): { operation: string; method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT'; path: string; body: unknown }[] {
    const definition = loadContract() as unknown as {
      paths: Record<string, Record<string, { operationId?: string; security?: unknown[]; requestBody?: { content?: Record<string, { example?: unknown; examples?: Record<string, { value?: unknown; $ref?: string }> }> } }>>;
      components: { examples?: Record<string, { value?: unknown }> };
    };
    const operations = [];
    for (const [template, item] of Object.entries(definition.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!operation?.operationId || (Array.isArray(operation.security) && operation.security.length === 0)) continue;
        // Uploads (multipart) are checked on their own below.
        if (operation.requestBody?.content && !operation.requestBody.content['application/json']) continue;
        const media = operation.requestBody?.content?.['application/json'];
        let body: unknown = media?.example;
        if (body === undefined && media?.examples) {
          const first = Object.values(media.examples)[0]!;
          body = first.$ref ? definition.components.examples?.[first.$ref.split('/').at(-1)!]?.value : first.value;
        }
        operations.push({
          operation: operation.operationId,
          method: method.toUpperCase() as 'GET',
          path: template.replaceAll(/\{[^}]+\}/g, () => randomUUID()),
          body,
        });
      }
    }
    return operations;
  }

  it('erases the user and all their data, leaves another user untouched, and stops their token and API key', async () => {
    const doomed = await signUp(t.api, { password });
    const other = await signUp(t.api, { password });
    const doomedData = await populate(doomed.token);
    const otherData = await populate(other.token);

    const doomedBefore = await rowCounts(doomed.user.id);
    const otherBefore = await rowCounts(other.user.id);
    for (const [table] of userTables) {
      expect({ table, present: doomedBefore[table]! > 0 }).toEqual({ table, present: true });
      expect({ table, present: otherBefore[table]! > 0 }).toEqual({ table, present: true });
    }

    const response = await t.api.delete('/v1/me', { token: doomed.token });
    expect(response.status).toBe(204);
    expect(response.text).toBe('');

    const doomedAfter = await rowCounts(doomed.user.id);
    expect(doomedAfter).toEqual(Object.fromEntries(Object.keys(doomedBefore).map((table) => [table, 0])));
    expect(await rowCounts(other.user.id)).toEqual(otherBefore);

    const operations = securedOperations();
    expect(operations.map((operation) => operation.operation)).toEqual(expect.arrayContaining(['getMe', 'updateMe', 'deleteMe', 'listAccounts', 'createApiKey']));
    for (const { operation, method, path, body } of operations) {
      expectUnauthorized(await t.api.call(method, path, { token: doomed.token, body }), `${operation} with the token`);
    }
    const upload = await request(t.app)
      .post(`/v1/accounts/${randomUUID()}/imports`)
      .set('Authorization', `Bearer ${doomed.token}`)
      .attach('file', Buffer.from('date,amount,description\n2026-03-01,-1.00,Coffee\n'), 'statement.csv');
    assertContract('POST', '/v1/accounts/x/imports', upload);
    expectUnauthorized(upload, 'createImport with the token');
    expectUnauthorized(await getMe(doomedData.apiKey), 'getMe with the API key');
    expectUnauthorized(await t.api.get('/v1/accounts', { token: doomedData.apiKey }), 'listAccounts with the API key');

    // The other user carries on, with their token and their key.
    expect((await getMe(other.token)).body.id).toBe(other.user.id);
    expect((await getMe(otherData.apiKey)).body.id).toBe(other.user.id);
    const accounts = await t.api.get('/v1/accounts', { token: otherData.apiKey });
    expect(accounts.body.data.map((account: { id: string }) => account.id)).toEqual([otherData.accountId]);
  });

  it('frees the email: signing in answers 401, and signing up again starts a fresh, empty user', async () => {
    const doomed = await signUp(t.api, { password });
    expect((await t.api.post('/v1/accounts', { name: 'Old', type: 'cash', currency: 'USD' }, { token: doomed.token })).status).toBe(201);
    expect((await t.api.delete('/v1/me', { token: doomed.token })).status).toBe(204);

    expectUnauthorized(await t.api.post('/v1/auth/token', { email: doomed.email, password }));
    const again = await t.api.post('/v1/auth/signup', { email: doomed.email, password });
    expect(again.status).toBe(201);
    expect(again.body.user.id).not.toBe(doomed.user.id);
    const accounts = await t.api.get('/v1/accounts', { token: again.body.access_token });
    expect(accounts.body).toEqual({ data: [], next_cursor: null });
    expectUnauthorized(await getMe(doomed.token));
  });

  it('answers 412 to a stale If-Match and deletes nothing; the current ETag deletes', async () => {
    const { token, user } = await signUp(t.api);
    const original = await getMe(token);
    expect((await t.api.patch('/v1/me', { name: 'Changed' }, { token })).status).toBe(200);

    const stale = await t.api.delete('/v1/me', { token, headers: { 'If-Match': original.headers.etag! } });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ type: '/problems/precondition-failed', status: 412 });
    expect((await getMe(token)).status).toBe(200);

    const current = await getMe(token);
    expect((await t.api.delete('/v1/me', { token, headers: { 'If-Match': current.headers.etag! } })).status).toBe(204);
    const users = await asOwner(t.database.url, 'select 1 from users where id = $1', [user.id]);
    expect(users.rowCount).toBe(0);
  });
});
