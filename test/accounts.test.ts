import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { signUp, startTestApp, testConfig, type TestApp, type Schema } from './helpers/app.ts';
import { factoriesFor, uniqueName, type TestUser } from './helpers/factories.ts';
import { badPageQueries, pagesOf } from './helpers/pages.ts';
import { base64url, problemShape, expectIdempotentRace, expectUnauthorized, expectValidationProblem, expectReplay, expectConflict, expectUnprocessable } from './helpers/expectations.ts';

let t: TestApp;
/** The user most tests act as, and its bearer token. */
let me: TestUser;
let token: string;
beforeAll(async () => {
  t = await startTestApp();
  me = await newUser();
  ({ token } = me);
});
afterAll(() => t.close());

const checking = { name: 'Everyday checking', type: 'checking', currency: 'USD', opening_balance: 125000 };

type Account = Schema<'Account'>;
const { newUser, createAccount } = factoriesFor(() => t);

async function listAll(owner: TestUser): Promise<Account[]> {
  const response = await t.api.get('/v1/accounts?limit=200', { token: owner.token });
  expect(response.status).toBe(200);
  return response.body.data as Account[];
}

describe('POST /v1/accounts', () => {
  it('creates an account whose balance starts at the opening balance', async () => {
    const response = await t.api.post('/v1/accounts', checking, { token });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ ...checking, balance: 125000, archived: false });
    expect(response.headers.location).toBe(`/v1/accounts/${response.body.id}`);
    expect(response.headers.etag).toMatch(/^"[\w-]+"$/);
  });

  it('defaults the opening balance to 0 and trims the name', async () => {
    const response = await t.api.post('/v1/accounts', { name: '  Rainy day fund \t', type: 'savings', currency: 'EUR' }, { token });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ name: 'Rainy day fund', type: 'savings', currency: 'EUR', opening_balance: 0, balance: 0, archived: false });
    expect(response.headers['idempotent-replayed']).toBeUndefined();
  });

  it('accepts opening balances at the ±10^15 bounds', async () => {
    const high = await createAccount(me, { opening_balance: 10 ** 15 });
    const low = await createAccount(me, { opening_balance: -(10 ** 15), type: 'loan' });
    expect(high).toMatchObject({ opening_balance: 10 ** 15, balance: 10 ** 15 });
    expect(low).toMatchObject({ opening_balance: -(10 ** 15), balance: -(10 ** 15) });
  });

  it('answers 409 for a name that differs from an existing one only by case or surrounding spaces', async () => {
    const owner = await newUser();
    await createAccount(owner, { name: 'Savings', type: 'savings' });
    for (const name of ['savings', '  SAVINGS ']) {
      const response = await t.api.post('/v1/accounts', { ...checking, name }, { token: owner.token });
      expectConflict(response);
    }
    expect((await listAll(owner)).map((account) => account.name)).toEqual(['Savings']);
  });

  it('lets two users each have an account with the same name', async () => {
    const [first, second] = [await newUser(), await newUser()];
    const a = await createAccount(first, { name: 'Joint' });
    const b = await createAccount(second, { name: 'joint' });
    expect(a.id).not.toBe(b.id);
  });

  describe('rejects a body that breaks the contract with a 400 naming the field', () => {
    let rejected: TestUser;
    beforeAll(async () => {
      rejected = await newUser();
    });

    it.each([
      { case: 'an unknown field', body: { ...checking, colour: 'red' }, pointer: '#/colour' },
      { case: 'an id chosen by the client', body: { ...checking, id: randomUUID() }, pointer: '#/id' },
      { case: 'a number as the name', body: { ...checking, name: 5 }, pointer: '#/name' },
      { case: 'an opening balance sent as a string', body: { ...checking, opening_balance: '10' }, pointer: '#/opening_balance' },
      { case: 'a fractional opening balance', body: { ...checking, opening_balance: 1.5 }, pointer: '#/opening_balance' },
      { case: 'an opening balance above 10^15', body: { ...checking, opening_balance: 10 ** 15 + 1 }, pointer: '#/opening_balance' },
      { case: 'an opening balance below -10^15', body: { ...checking, opening_balance: -(10 ** 15) - 1 }, pointer: '#/opening_balance' },
      { case: 'a lower-case currency', body: { ...checking, currency: 'usd' }, pointer: '#/currency' },
      { case: 'a four-character currency', body: { ...checking, currency: 'XXX1' }, pointer: '#/currency' },
      { case: 'a currency ISO 4217 does not know', body: { ...checking, currency: 'ZZZ' }, pointer: '#/currency' },
      { case: 'an unknown account type', body: { ...checking, type: 'brokerage' }, pointer: '#/type' },
      { case: 'an empty name', body: { ...checking, name: '' }, pointer: '#/name' },
      { case: 'a whitespace-only name', body: { ...checking, name: '   ' }, pointer: '#/name' },
      { case: 'a 101-character name', body: { ...checking, name: 'x'.repeat(101) }, pointer: '#/name' },
      { case: 'a missing currency', body: { name: 'No currency', type: 'cash' }, pointer: '#/currency' },
      { case: 'an array instead of an object', body: [checking], pointer: '#' },
    ])('answers 400 naming $pointer for $case', async ({ body, pointer }) => {
      const response = await t.api.post('/v1/accounts', body, { token: rejected.token });
      expectValidationProblem(response, { pointer, in: 'body' });
      expect(await listAll(rejected)).toEqual([]);
    });

    it('answers 400 naming the body for malformed JSON', async () => {
      const response = await t.api.call('POST', '/v1/accounts', { token: rejected.token, raw: '{"name": "Broken",' });
      expectValidationProblem(response, { pointer: '#', in: 'body' });
    });

    it('answers 400 naming the body when there is none', async () => {
      const response = await t.api.post('/v1/accounts', undefined, { token: rejected.token });
      expectValidationProblem(response, { pointer: '#', in: 'body' });
      expect(await listAll(rejected)).toEqual([]);
    });

    it('answers 400 naming the Idempotency-Key header when it holds a space', async () => {
      const response = await t.api.post('/v1/accounts', checking, { token: rejected.token, headers: { 'Idempotency-Key': 'two words' } });
      expectValidationProblem(response, { parameter: expect.stringMatching(/^idempotency-key$/i), in: 'header' });
      expect(await listAll(rejected)).toEqual([]);
    });
  });

  it('answers 415 to a body that is not JSON', async () => {
    for (const [raw, contentType] of [
      ['name=Cash&type=cash&currency=USD', 'application/x-www-form-urlencoded'],
      [JSON.stringify(checking), 'text/plain'],
    ] as const) {
      const response = await t.api.call('POST', '/v1/accounts', { token, raw, contentType });
      expect(response.status).toBe(415);
      expect(response.body).toMatchObject({ type: '/problems/unsupported-media-type', status: 415 });
    }
  });

  it('answers 413 to a body over 1 MiB', async () => {
    const response = await t.api.post('/v1/accounts', { ...checking, name: 'x'.repeat(1024 * 1024 + 1) }, { token });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ type: '/problems/payload-too-large', status: 413 });
  });
});

describe('GET /v1/accounts', () => {
  const walk = (owner: TestUser, query: string) => pagesOf<Account>(t.api, `/v1/accounts?${query}`, owner.token, 20);

  const oldestFirst = (a: Account, b: Account) =>
    a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

  it('shows a new user an empty last page', async () => {
    const response = await t.api.get('/v1/accounts', { token: (await newUser()).token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: [], next_cursor: null });
  });

  it('pages through 7 accounts 3 at a time, oldest first, without repeats or gaps', async () => {
    const owner = await newUser();
    const created: Account[] = [];
    for (let index = 0; index < 7; index += 1) created.push(await createAccount(owner));

    const pages = await walk(owner, 'limit=3');
    expect(pages.map((page) => page.data.length)).toEqual([3, 3, 1]);
    expect(pages.map((page) => page.next_cursor === null)).toEqual([false, false, true]);
    const seen = pages.flatMap((page) => page.data);
    expect(seen.map((account) => account.id)).toEqual([...created].sort(oldestFirst).map((account) => account.id));
    expect(seen).toEqual(expect.arrayContaining(created));
  });

  it('answers next_cursor null when the last page is exactly full', async () => {
    const owner = await newUser();
    for (let index = 0; index < 3; index += 1) await createAccount(owner);
    const pages = await walk(owner, 'limit=3');
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ next_cursor: null });
    expect(pages[0]!.data).toHaveLength(3);
  });

  it('filters by archived=true and archived=false, across pages too', async () => {
    const owner = await newUser();
    const active = [await createAccount(owner), await createAccount(owner)];
    const archived = [await createAccount(owner), await createAccount(owner)];
    for (const account of archived) {
      expect((await t.api.patch(`/v1/accounts/${account.id}`, { archived: true }, { token: owner.token })).status).toBe(200);
    }
    const ids = (accounts: Account[]) => accounts.map((account) => account.id).sort();

    const onlyArchived = (await walk(owner, 'archived=true&limit=1')).flatMap((page) => page.data);
    const onlyActive = (await walk(owner, 'archived=false&limit=1')).flatMap((page) => page.data);
    const both = (await walk(owner, 'limit=50')).flatMap((page) => page.data);
    expect(ids(onlyArchived)).toEqual(ids(archived));
    expect(onlyArchived.every((account) => account.archived)).toBe(true);
    expect(ids(onlyActive)).toEqual(ids(active));
    expect(onlyActive.every((account) => !account.archived)).toBe(true);
    expect(ids(both)).toEqual(ids([...active, ...archived]));
  });

  it.each([
    ...badPageQueries,
    { case: 'archived=maybe', query: 'archived=maybe', parameter: 'archived' },
    { case: 'a cursor over 512 characters', query: `cursor=${'A'.repeat(513)}`, parameter: 'cursor' },
  ])('answers 400 naming the parameter for $case', async ({ query, parameter }) => {
    const response = await t.api.get(`/v1/accounts?${query}`, { token });
    expectValidationProblem(response, { parameter, in: 'query' });
  });

  it('answers 400, never 500, to a well-shaped cursor naming a timestamp PostgreSQL cannot hold', async () => {
    const response = await t.api.get(`/v1/accounts?cursor=${base64url(['0000-01-01T00:00:00.000Z', randomUUID()])}`, { token });
    expectValidationProblem(response, { parameter: 'cursor', in: 'query' });
  });
});

describe('GET /v1/accounts/{id}', () => {
  it('answers the account with the ETag it was created with', async () => {
    const created = await t.api.post('/v1/accounts', { ...checking, name: uniqueName('Account') }, { token });
    const response = await t.api.get(`/v1/accounts/${created.body.id}`, { token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(created.body);
    expect(response.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(response.headers.etag).toBe(created.headers.etag);
  });

  it('answers 404 for an id that does not exist', async () => {
    const response = await t.api.get(`/v1/accounts/${randomUUID()}`, { token });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ type: '/problems/not-found', status: 404 });
  });

  it('answers 400 naming the id for a path that is not a uuid', async () => {
    const response = await t.api.get('/v1/accounts/not-a-uuid', { token });
    expectValidationProblem(response, { parameter: 'id', in: 'path' });
  });

  it('answers 400 or 404, never 500, for a uuid written as a URN', async () => {
    const response = await t.api.get(`/v1/accounts/urn:uuid:${randomUUID()}`, { token });
    expect([400, 404]).toContain(response.status);
  });
});

describe('PATCH /v1/accounts/{id}', () => {
  it('renames the account, trimming the new name, and leaves the other fields alone', async () => {
    const before = await createAccount(me);
    const name = uniqueName('Renamed');
    const response = await t.api.patch(`/v1/accounts/${before.id}`, { name: `  ${name}  ` }, { token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ...before, name, updated_at: response.body.updated_at });
    expect(response.body.updated_at >= before.updated_at).toBe(true);
    expect((await t.api.get(`/v1/accounts/${before.id}`, { token })).body.name).toBe(name);
  });

  it('changes the type', async () => {
    const before = await createAccount(me);
    const response = await t.api.patch(`/v1/accounts/${before.id}`, { type: 'credit_card' }, { token });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ type: 'credit_card', name: before.name, currency: before.currency });
  });

  it('corrects the opening balance, and the balance follows', async () => {
    const before = await createAccount(me, { opening_balance: 1000 });
    const response = await t.api.patch(`/v1/accounts/${before.id}`, { opening_balance: -2550 }, { token });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ opening_balance: -2550, balance: -2550 });
    expect((await t.api.get(`/v1/accounts/${before.id}`, { token })).body).toMatchObject({ opening_balance: -2550, balance: -2550 });
  });

  it('archives and restores the account', async () => {
    const before = await createAccount(me);
    const archived = await t.api.patch(`/v1/accounts/${before.id}`, { archived: true }, { token });
    expect(archived.status).toBe(200);
    expect(archived.body.archived).toBe(true);
    const restored = await t.api.patch(`/v1/accounts/${before.id}`, { archived: false }, { token });
    expect(restored.status).toBe(200);
    expect(restored.body.archived).toBe(false);
  });

  it('changes several fields at once', async () => {
    const before = await createAccount(me);
    const name = uniqueName('Several');
    const response = await t.api.patch(`/v1/accounts/${before.id}`, { name, type: 'cash', opening_balance: 7, archived: true }, { token });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ name, type: 'cash', opening_balance: 7, balance: 7, archived: true, currency: before.currency });
  });

  it('lets an account change the case of its own name', async () => {
    const before = await createAccount(me, { name: uniqueName('casing') });
    const response = await t.api.patch(`/v1/accounts/${before.id}`, { name: before.name.toUpperCase() }, { token });
    expect(response.status).toBe(200);
    expect(response.body.name).toBe(before.name.toUpperCase());
  });

  it("answers 409 when the new name is another account's, in any case", async () => {
    const taken = await createAccount(me, { name: uniqueName('Taken') });
    const other = await createAccount(me);
    const response = await t.api.patch(`/v1/accounts/${other.id}`, { name: taken.name.toLowerCase() }, { token });
    expectConflict(response);
    expect((await t.api.get(`/v1/accounts/${other.id}`, { token })).body).toEqual(other);
  });

  it('answers 404 for an id that does not exist', async () => {
    const response = await t.api.patch(`/v1/accounts/${randomUUID()}`, { name: 'Nobody' }, { token });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ type: '/problems/not-found' });
  });

  describe('rejects a body that breaks the contract with a 400 naming the field, changing nothing', () => {
    let account: Account;
    beforeAll(async () => {
      account = await createAccount(me);
    });

    it.each([
      { case: 'an empty body', body: {}, pointer: '#' },
      { case: 'a currency change', body: { currency: 'EUR' }, pointer: '#/currency' },
      { case: 'an unknown field', body: { name: 'Fine', colour: 'red' }, pointer: '#/colour' },
      { case: 'a number as the name', body: { name: 5 }, pointer: '#/name' },
      { case: 'a null name', body: { name: null }, pointer: '#/name' },
      { case: 'an empty name', body: { name: '' }, pointer: '#/name' },
      { case: 'a whitespace-only name', body: { name: ' \t ' }, pointer: '#/name' },
      { case: 'a 101-character name', body: { name: 'y'.repeat(101) }, pointer: '#/name' },
      { case: 'an unknown account type', body: { type: 'piggy_bank' }, pointer: '#/type' },
      { case: 'an opening balance sent as a string', body: { opening_balance: '10' }, pointer: '#/opening_balance' },
      { case: 'a fractional opening balance', body: { opening_balance: 1.5 }, pointer: '#/opening_balance' },
      { case: 'an opening balance above 10^15', body: { opening_balance: 10 ** 15 + 1 }, pointer: '#/opening_balance' },
      { case: 'archived sent as a string', body: { archived: 'yes' }, pointer: '#/archived' },
    ])('answers 400 naming $pointer for $case', async ({ body, pointer }) => {
      const response = await t.api.patch(`/v1/accounts/${account.id}`, body, { token });
      expectValidationProblem(response, { pointer, in: 'body' });
      expect((await t.api.get(`/v1/accounts/${account.id}`, { token })).body).toEqual(account);
    });

    it('answers 400 naming the body for malformed JSON', async () => {
      const response = await t.api.call('PATCH', `/v1/accounts/${account.id}`, { token, raw: '{"name": ' });
      expectValidationProblem(response, { pointer: '#', in: 'body' });
    });

    it('answers 400 naming the id for a path that is not a uuid', async () => {
      const response = await t.api.patch('/v1/accounts/12345', { name: 'Fine' }, { token });
      expectValidationProblem(response, { parameter: 'id', in: 'path' });
    });

    it('answers 415 to a body that is not JSON', async () => {
      const response = await t.api.call('PATCH', `/v1/accounts/${account.id}`, { token, raw: 'name=Fine', contentType: 'application/x-www-form-urlencoded' });
      expect(response.status).toBe(415);
      expect((await t.api.get(`/v1/accounts/${account.id}`, { token })).body).toEqual(account);
    });

    it('answers 413 to a body over 1 MiB', async () => {
      const response = await t.api.patch(`/v1/accounts/${account.id}`, { name: 'z'.repeat(1024 * 1024 + 1) }, { token });
      expect(response.status).toBe(413);
      expect((await t.api.get(`/v1/accounts/${account.id}`, { token })).body).toEqual(account);
    });
  });
});

describe('DELETE /v1/accounts/{id}', () => {
  it('answers 204, after which the account answers 404 and is gone from the list', async () => {
    const owner = await newUser();
    const keep = await createAccount(owner);
    const doomed = await createAccount(owner);
    const response = await t.api.delete(`/v1/accounts/${doomed.id}`, { token: owner.token });
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect((await t.api.get(`/v1/accounts/${doomed.id}`, { token: owner.token })).status).toBe(404);
    expect((await t.api.delete(`/v1/accounts/${doomed.id}`, { token: owner.token })).status).toBe(404);
    expect(await listAll(owner)).toEqual([keep]);
  });

  it('frees the name for a new account', async () => {
    const doomed = await createAccount(me, { name: uniqueName('Reused') });
    expect((await t.api.delete(`/v1/accounts/${doomed.id}`, { token })).status).toBe(204);
    const again = await t.api.post('/v1/accounts', { ...checking, name: doomed.name }, { token });
    expect(again.status).toBe(201);
  });

  it('answers 404 for an id that does not exist', async () => {
    const response = await t.api.delete(`/v1/accounts/${randomUUID()}`, { token });
    expect(response.status).toBe(404);
  });

  it('answers 400 naming the id for a path that is not a uuid', async () => {
    const response = await t.api.delete('/v1/accounts/abc', { token });
    expectValidationProblem(response, { parameter: 'id', in: 'path' });
  });
});

describe('ETag and If-Match', () => {
  it('changes the ETag on PATCH, and the next GET answers the ETag the PATCH did', async () => {
    const account = await createAccount(me);
    const first = await t.api.get(`/v1/accounts/${account.id}`, { token });
    const patched = await t.api.patch(`/v1/accounts/${account.id}`, { opening_balance: account.opening_balance + 1 }, { token });
    expect(patched.status).toBe(200);
    expect(patched.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(patched.headers.etag).not.toBe(first.headers.etag);
    const second = await t.api.get(`/v1/accounts/${account.id}`, { token });
    expect(second.headers.etag).toBe(patched.headers.etag);
  });

  it('answers 412 to a PATCH whose If-Match names an old version, and changes nothing', async () => {
    const account = await createAccount(me);
    const stale = (await t.api.get(`/v1/accounts/${account.id}`, { token })).headers.etag as string;
    await t.api.patch(`/v1/accounts/${account.id}`, { type: 'savings' }, { token });
    const current = await t.api.get(`/v1/accounts/${account.id}`, { token });

    const response = await t.api.patch(`/v1/accounts/${account.id}`, { name: uniqueName('Lost update') }, { token, headers: { 'If-Match': stale } });
    expect(response.status).toBe(412);
    expect(response.body).toMatchObject({ type: '/problems/precondition-failed', status: 412 });
    const after = await t.api.get(`/v1/accounts/${account.id}`, { token });
    expect(after.body).toEqual(current.body);
    expect(after.headers.etag).toBe(current.headers.etag);
  });

  it('applies a PATCH whose If-Match is the current ETag', async () => {
    const account = await createAccount(me);
    const current = (await t.api.get(`/v1/accounts/${account.id}`, { token })).headers.etag as string;
    const response = await t.api.patch(`/v1/accounts/${account.id}`, { archived: true }, { token, headers: { 'If-Match': current } });
    expect(response.status).toBe(200);
    expect(response.body.archived).toBe(true);
  });

  it('applies a PATCH whose If-Match lists the current ETag among others', async () => {
    const account = await createAccount(me);
    const current = (await t.api.get(`/v1/accounts/${account.id}`, { token })).headers.etag as string;
    const response = await t.api.patch(`/v1/accounts/${account.id}`, { archived: true }, { token, headers: { 'If-Match': `"old-version", ${current}` } });
    expect(response.status).toBe(200);
  });

  it('applies a PATCH with If-Match: *', async () => {
    const account = await createAccount(me);
    const response = await t.api.patch(`/v1/accounts/${account.id}`, { type: 'other' }, { token, headers: { 'If-Match': '*' } });
    expect(response.status).toBe(200);
    expect(response.body.type).toBe('other');
  });

  it('answers 412 to a weak ETag, since If-Match compares strongly', async () => {
    const account = await createAccount(me);
    const current = (await t.api.get(`/v1/accounts/${account.id}`, { token })).headers.etag as string;
    const response = await t.api.patch(`/v1/accounts/${account.id}`, { type: 'other' }, { token, headers: { 'If-Match': `W/${current}` } });
    expect(response.status).toBe(412);
  });

  it('answers 412 to a DELETE whose If-Match names an old version, and keeps the account', async () => {
    const account = await createAccount(me);
    const stale = (await t.api.get(`/v1/accounts/${account.id}`, { token })).headers.etag as string;
    await t.api.patch(`/v1/accounts/${account.id}`, { archived: true }, { token });

    const response = await t.api.delete(`/v1/accounts/${account.id}`, { token, headers: { 'If-Match': stale } });
    expect(response.status).toBe(412);
    expect(response.body).toMatchObject({ type: '/problems/precondition-failed' });
    expect((await t.api.get(`/v1/accounts/${account.id}`, { token })).status).toBe(200);
  });

  it('deletes when If-Match is the current ETag', async () => {
    const account = await createAccount(me);
    const current = (await t.api.get(`/v1/accounts/${account.id}`, { token })).headers.etag as string;
    expect((await t.api.delete(`/v1/accounts/${account.id}`, { token, headers: { 'If-Match': current } })).status).toBe(204);
    expect((await t.api.get(`/v1/accounts/${account.id}`, { token })).status).toBe(404);
  });
});

describe("another user's account", () => {
  let owner: TestUser;
  let intruder: TestUser;
  let account: Account;
  let etag: string;
  beforeAll(async () => {
    [owner, intruder] = [await newUser(), await newUser()];
    account = await createAccount(owner);
    etag = (await t.api.get(`/v1/accounts/${account.id}`, { token: owner.token })).headers.etag as string;
  });

  it('answers 404 (not 403) to GET, exactly like an id that does not exist', async () => {
    const response = await t.api.get(`/v1/accounts/${account.id}`, { token: intruder.token });
    const missing = await t.api.get(`/v1/accounts/${randomUUID()}`, { token: intruder.token });
    expect(response.status).toBe(404);
    expect(problemShape(response)).toEqual(problemShape(missing));
  });

  it('answers 404 to PATCH, even with its current ETag, and the account is unchanged', async () => {
    const response = await t.api.patch(`/v1/accounts/${account.id}`, { name: 'Mine now', archived: true }, { token: intruder.token, headers: { 'If-Match': etag } });
    expect(response.status).toBe(404);
    const after = await t.api.get(`/v1/accounts/${account.id}`, { token: owner.token });
    expect(after.body).toEqual(account);
    expect(after.headers.etag).toBe(etag);
  });

  it('answers 404 to DELETE, and the account still exists', async () => {
    const response = await t.api.delete(`/v1/accounts/${account.id}`, { token: intruder.token });
    expect(response.status).toBe(404);
    expect((await t.api.get(`/v1/accounts/${account.id}`, { token: owner.token })).body).toEqual(account);
  });

  it("never shows up in the other user's list", async () => {
    await createAccount(intruder);
    const seen = [
      ...(await listAll(intruder)),
      ...(await t.api.get('/v1/accounts?archived=false', { token: intruder.token })).body.data,
      ...(await t.api.get('/v1/accounts?archived=true', { token: intruder.token })).body.data,
    ] as Account[];
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.map((item) => item.id)).not.toContain(account.id);
  });

  it("does not let another user's cursor reveal the owner's accounts", async () => {
    for (let index = 0; index < 2; index += 1) await createAccount(owner);
    const ownerPage = await t.api.get('/v1/accounts?limit=1', { token: owner.token });
    expect(ownerPage.body.next_cursor).toEqual(expect.any(String));
    const response = await t.api.get(`/v1/accounts?cursor=${ownerPage.body.next_cursor}`, { token: intruder.token });
    expect(response.status).toBe(200);
    const ownerIds = (await listAll(owner)).map((item) => item.id);
    expect((response.body.data as Account[]).filter((item) => ownerIds.includes(item.id))).toEqual([]);
  });
});

describe('authentication on every accounts operation', () => {
  const someId = randomUUID();
  const operations = [
    { operation: 'listAccounts', method: 'GET', path: '/v1/accounts', body: undefined },
    { operation: 'createAccount', method: 'POST', path: '/v1/accounts', body: checking },
    { operation: 'getAccount', method: 'GET', path: `/v1/accounts/${someId}`, body: undefined },
    { operation: 'updateAccount', method: 'PATCH', path: `/v1/accounts/${someId}`, body: { name: 'x' } },
    { operation: 'deleteAccount', method: 'DELETE', path: `/v1/accounts/${someId}`, body: undefined },
  ] as const;

  const forged = async () => {
    const { user } = await signUp(t.api);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer('spendsense')
      .setAudience('spendsense-api')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode('another-secret-another-secret-another-0123'));
  };
  const credentials: { case: string; authorization: () => Promise<string | undefined> }[] = [
    { case: 'no Authorization header', authorization: async () => undefined },
    { case: 'a malformed token', authorization: async () => 'Bearer not.a.jwt' },
    { case: 'a token signed with another secret', authorization: async () => `Bearer ${await forged()}` },
    { case: 'a Basic scheme', authorization: async () => `Basic ${Buffer.from('user:pass').toString('base64')}` },
  ];

  for (const { operation, method, path, body } of operations) {
    it.each(credentials)(`answers ${operation} 401 with WWW-Authenticate for $case`, async ({ authorization }) => {
      const header = await authorization();
      expectUnauthorized(await t.api.call(method, path, { body, headers: header === undefined ? {} : { Authorization: header } }));
    });
  }

  it('a token signed with the right secret is accepted (control for the forged one)', async () => {
    const { user } = await signUp(t.api);
    const genuine = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer('spendsense')
      .setAudience('spendsense-api')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(testConfig.jwtSecret));
    expect((await t.api.get('/v1/accounts', { token: genuine })).status).toBe(200);
  });
});

describe('Idempotency-Key on POST /v1/accounts', () => {
  const post = (owner: TestUser, body: unknown, key: string) => t.api.post('/v1/accounts', body, { token: owner.token, headers: { 'Idempotency-Key': key } });

  it('replays the first answer to the same key and body, and creates one account', async () => {
    const owner = await newUser();
    const key = randomUUID();
    const body = { ...checking, name: uniqueName('Replayed') };
    const first = await post(owner, body, key);
    const second = await post(owner, body, key);

    expectReplay(first, second);
    expect((await listAll(owner)).map((account) => account.id)).toEqual([first.body.id]);
  });

  it('treats the same body with its keys in another order as the same request', async () => {
    const owner = await newUser();
    const key = randomUUID();
    const name = uniqueName('Reordered');
    const first = await t.api.call('POST', '/v1/accounts', {
      token: owner.token,
      headers: { 'Idempotency-Key': key },
      raw: `{"name":"${name}","type":"cash","currency":"GBP","opening_balance":500}`,
    });
    const second = await t.api.call('POST', '/v1/accounts', {
      token: owner.token,
      headers: { 'Idempotency-Key': key },
      raw: `{"opening_balance":500,"currency":"GBP","type":"cash","name":"${name}"}`,
    });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body.id).toBe(first.body.id);
    expect(await listAll(owner)).toHaveLength(1);
  });

  it('answers 422 to the same key with a different body, and creates nothing more', async () => {
    const owner = await newUser();
    const key = randomUUID();
    const first = await post(owner, { ...checking, name: uniqueName('First') }, key);
    const second = await post(owner, { ...checking, name: uniqueName('Second') }, key);
    expect(first.status).toBe(201);
    expectUnprocessable(second);
    expect((await listAll(owner)).map((account) => account.id)).toEqual([first.body.id]);
  });

  it('creates one account when two requests with one key race, the other answering 409 or a replay', async () => {
    const owner = await newUser();
    const key = randomUUID();
    const body = { ...checking, name: uniqueName('Raced') };
    const fresh = expectIdempotentRace(await Promise.all([post(owner, body, key), post(owner, body, key)]));
    expect((await listAll(owner)).map((account) => account.id)).toEqual([fresh.body.id]);
  });

  it("keeps keys per user: another user's identical key and body creates that user's own account", async () => {
    const [first, second] = [await newUser(), await newUser()];
    const key = randomUUID();
    const body = { ...checking, name: uniqueName('Shared key') };
    const a = await post(first, body, key);
    const b = await post(second, body, key);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(b.body.id).not.toBe(a.body.id);
    expect((await listAll(second)).map((account) => account.id)).toEqual([b.body.id]);
    expect((await listAll(first)).map((account) => account.id)).toEqual([a.body.id]);
  });

  it('does not store the key of a request that failed, so it can be used again with another body', async () => {
    const owner = await newUser();
    await createAccount(owner, { name: 'Holiday' });
    const key = randomUUID();
    const failed = await post(owner, { ...checking, name: 'holiday' }, key);
    expect(failed.status).toBe(409);

    const retried = await post(owner, { ...checking, name: 'Holiday 2026' }, key);
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.body.name).toBe('Holiday 2026');
    expect(await listAll(owner)).toHaveLength(2);
  });
});
