import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DatabasePool } from 'slonik';
import { problemFromDatabaseError } from '../src/db/errors.ts';
import { appRole, createDatabasePool } from '../src/db/pool.ts';
import { sql } from '../src/db/sql.ts';
import { Problem } from '../src/http/problems.ts';
import { signUp, startTestApp, type TestApp } from './helpers/app.ts';
import { expectConflict } from './helpers/expectations.ts';
import { asOwner } from './helpers/database.ts';

let t: TestApp;
let owner: DatabasePool;
beforeAll(async () => {
  t = await startTestApp();
  // The owner is not bound by row-level security, so rows can be arranged for any user.
  owner = await createDatabasePool(t.database.url, { role: null, maximumPoolSize: 2 });
  // Slonik emits every query error on the pool; without a listener Node replaces the typed error
  // with ERR_UNHANDLED_ERROR. Listening here keeps the mapping tests about the mapping; the
  // createDatabasePool test below holds the pool itself to account.
  owner.on('error', () => undefined);
});
afterAll(async () => {
  await owner.end();
  await t.close();
});

/** Runs a statement that must fail and hands back what it threw. */
async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the statement to fail');
}

async function insertUser(email: string): Promise<string> {
  const id = randomUUID();
  await owner.query(sql.typeAlias('void')`
    insert into users (id, email, password_hash, default_currency) values (${id}, ${email}, 'not-a-hash', 'USD')
  `);
  return id;
}

async function insertAccount(userId: string, name: string): Promise<void> {
  await owner.query(sql.typeAlias('void')`
    insert into accounts (user_id, name, type, currency) values (${userId}, ${name}, 'checking', 'USD')
  `);
}

describe('createDatabasePool', () => {
  it("rejects a failed query with the database's own error, not Node's 'Unhandled error'", async () => {
    const pool = await createDatabasePool(t.database.url, { role: null, maximumPoolSize: 1 });
    try {
      const error = await failureOf(() => pool.query(sql.unsafe`select 1/0`));
      expect((error as { code?: string }).code).not.toBe('ERR_UNHANDLED_ERROR');
      // division_by_zero: slonik passes errors it has no class for through unchanged.
      expect((error as { code?: string }).code).toBe('22012');
    } finally {
      await pool.end();
    }
  });
});

describe('problemFromDatabaseError (real PostgreSQL errors)', () => {
  it('maps a second user with the same email to 409 conflict', async () => {
    await insertUser('twice@example.com');
    const error = await failureOf(() => insertUser('twice@example.com'));
    const problem = problemFromDatabaseError(error);
    expect(problem).toBeInstanceOf(Problem);
    expect(problem).toMatchObject({ status: 409, type: '/problems/conflict' });
    expect(problem!.detail).toMatch(/email/i);
  });

  it('maps a second account whose name differs only in case to 409 conflict', async () => {
    const userId = await insertUser('names@example.com');
    await insertAccount(userId, 'Checking');
    const error = await failureOf(() => insertAccount(userId, 'cHECKING'));
    const problem = problemFromDatabaseError(error);
    expect(problem).toMatchObject({ status: 409, type: '/problems/conflict' });
    expect(problem!.detail).toMatch(/name/i);
  });

  it('lets two users each have an account of the same name', async () => {
    const first = await insertUser('same-name-1@example.com');
    const second = await insertUser('same-name-2@example.com');
    await insertAccount(first, 'Savings');
    await expect(insertAccount(second, 'Savings')).resolves.toBeUndefined();
  });

  it('leaves an error it does not know unmapped, so the middleware answers 500', async () => {
    const error = await failureOf(() => owner.query(sql.unsafe`select 1/0`));
    expect(problemFromDatabaseError(error)).toBeUndefined();
  });

  it('leaves a plain JavaScript error unmapped', () => {
    expect(problemFromDatabaseError(new Error('boom'))).toBeUndefined();
  });
});

/** Whatever went wrong, a problem body must not leak how: no stack frames, no SQL, no constraint names. */
function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/\bat \S+ \(|\bat (?:file|node):|\.ts:\d+/);
  expect(text).not.toMatch(/\bselect\b|\binsert\b|\bconstraint\b|_key\b|_pkey\b/i);
}

describe('error answers over HTTP', () => {
  it('answers an unknown route with 404 problem+json of type not-found', async () => {
    const response = await t.api.get('/v1/definitely-not-here');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: '/problems/not-found', status: 404, instance: '/v1/definitely-not-here' });
  });

  it('answers a method the path does not accept with 405 and an Allow header of the ones it does', async () => {
    const response = await t.api.call('PUT', '/v1/accounts', { body: {} });
    expect(response.status).toBe(405);
    expect(response.body).toMatchObject({ type: '/problems/method-not-allowed', status: 405 });
    const allowed = String(response.headers.allow).split(/,\s*/).sort();
    expect(allowed).toEqual(['GET', 'POST']);
  });

  it('keeps stack traces and SQL out of 404 answers', async () => {
    const { token } = await signUp(t.api);
    const unknownRoute = await t.api.get('/v1/nowhere');
    const unknownAccount = await t.api.get(`/v1/accounts/${randomUUID()}`, { token });
    expect([unknownRoute.status, unknownAccount.status]).toEqual([404, 404]);
    expectNoInternals(unknownRoute.text);
    expectNoInternals(unknownAccount.text);
  });

  it('keeps stack traces and SQL out of a 400 validation answer', async () => {
    const { token } = await signUp(t.api);
    const response = await t.api.post('/v1/accounts', { name: '', type: 'nope', currency: 'usd', extra: true }, { token });
    expect(response.status).toBe(400);
    expectNoInternals(response.text);
  });

  it('answers a second signup with the same email with 409 conflict, naming no constraint or SQL', async () => {
    const { email } = await signUp(t.api);
    const response = await t.api.post('/v1/auth/signup', { email, password: 'correct horse battery' });
    expectConflict(response);
    expectNoInternals(response.text);
  });

  it('answers a second account whose name differs only in case with 409 conflict', async () => {
    const { token } = await signUp(t.api);
    const account = { name: 'Rainy day', type: 'savings', currency: 'USD' };
    expect((await t.api.post('/v1/accounts', account, { token })).status).toBe(201);
    const response = await t.api.post('/v1/accounts', { ...account, name: 'RAINY DAY' }, { token });
    expectConflict(response);
    expectNoInternals(response.text);
  });

  it('answers an unexpected database error with a bare 500 that names the request but not the cause', async () => {
    const { token } = await signUp(t.api);
    // A real, unmapped database error: the app role loses its right to read accounts.
    await asOwner(t.database.url, `revoke select on accounts from ${appRole}`);
    try {
      const response = await t.api.get('/v1/accounts', { token, headers: { 'X-Request-Id': 'trace-500' } });
      expect(response.status).toBe(500);
      expect(response.body).toMatchObject({ type: '/problems/internal-error', status: 500, request_id: 'trace-500' });
      expect(response.text).not.toMatch(/permission denied/i);
      expectNoInternals(response.text);
    } finally {
      await asOwner(t.database.url, `grant select on accounts to ${appRole}`);
    }
  });
});
