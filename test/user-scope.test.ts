import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { createDatabasePool } from '../src/db/pool.ts';
import { sql } from '../src/db/sql.ts';
import { forgetUser, readAsUser, writeAsUser, writeOnceAsUser } from '../src/db/user-scope.ts';
import { signUp, startTestApp, type TestApp } from './helpers/app.ts';
import { asOwner } from './helpers/database.ts';

let t: TestApp;
let onePool: DatabasePool;
let alice: { token: string; user: { id: string } };
let bob: { token: string; user: { id: string } };

/** A caller without a token generation (as a personal API key is), so only the user's existence is checked. */
const apiKeyCaller = (userId: string) => ({ userId, tokenGeneration: null });

// A query that "forgets" its user filter: only row-level security stands between users.
const everyAccount = sql.type(z.object({ name: z.string() }))`select name from accounts order by name`;

beforeAll(async () => {
  t = await startTestApp();
  // One connection, so every read below reuses the same session.
  onePool = await createDatabasePool(t.database.url, { maximumPoolSize: 1 });
  alice = await signUp(t.api);
  bob = await signUp(t.api);
  for (const [owner, name] of [[alice, 'Alice cash'], [bob, 'Bob cash']] as const) {
    await t.api.post('/v1/accounts', { name, type: 'cash', currency: 'USD' }, { token: owner.token });
  }
});
afterAll(async () => {
  await onePool.end();
  await t.close();
});

describe('naming the caller for row-level security', () => {
  it('lets a read that forgets its user filter see only the caller, as users alternate on one connection', async () => {
    for (let round = 0; round < 3; round += 1) {
      expect((await readAsUser(onePool, apiKeyCaller(alice.user.id), (db) => db.any(everyAccount))).map((row) => row.name)).toEqual(['Alice cash']);
      expect((await readAsUser(onePool, apiKeyCaller(bob.user.id), (db) => db.any(everyAccount))).map((row) => row.name)).toEqual(['Bob cash']);
    }
  });

  it('names the caller of a write for its transaction only', async () => {
    expect((await writeAsUser(onePool, apiKeyCaller(bob.user.id), (db) => db.any(everyAccount))).map((row) => row.name)).toEqual(['Bob cash']);
    expect((await readAsUser(onePool, apiKeyCaller(alice.user.id), (db) => db.any(everyAccount))).map((row) => row.name)).toEqual(['Alice cash']);
  });

  it('sees nothing on a connection that names no one', async () => {
    expect(await t.pool.any(everyAccount)).toEqual([]);
  });

  it('names the caller once per connection, not on every request', async () => {
    // Between two reads the user disappears behind the app's back (no forgetUser): the second read
    // trusts the connection's name (for up to a second), so it answers instead of a 401.
    const dave = await signUp(t.api);
    await readAsUser(onePool, apiKeyCaller(dave.user.id), (db) => db.any(everyAccount));
    await asOwner(t.database.url, 'delete from users where id = $1', [dave.user.id]);
    await expect(readAsUser(onePool, apiKeyCaller(dave.user.id), (db) => db.any(everyAccount))).resolves.toEqual([]);
    forgetUser(dave.user.id);
    await expect(readAsUser(onePool, apiKeyCaller(dave.user.id), (db) => db.any(everyAccount))).rejects.toMatchObject({ status: 401 });
  });

  it('refuses a deleted user at once once forgotten, even on a connection that named them', async () => {
    const carol = await signUp(t.api);
    await readAsUser(onePool, apiKeyCaller(carol.user.id), (db) => db.any(everyAccount));
    await asOwner(t.database.url, 'delete from users where id = $1', [carol.user.id]);
    forgetUser(carol.user.id);
    await expect(readAsUser(onePool, apiKeyCaller(carol.user.id), (db) => db.any(everyAccount))).rejects.toMatchObject({ status: 401 });
  });
});

describe('single-statement changes (writeOnceAsUser)', () => {
  const renameAccount = (from: string, to: string) =>
    sql.type(z.object({ name: z.string() }))`update accounts set name = ${to} where name = ${from} returning name`;

  it('names the caller for its statement, which commits on its own', async () => {
    expect((await writeOnceAsUser(onePool, apiKeyCaller(alice.user.id), (db) => db.any(everyAccount))).map((row) => row.name)).toEqual(['Alice cash']);
    // Bob's account is invisible to a statement run as Alice, even one that forgets its user filter.
    expect(await writeOnceAsUser(onePool, apiKeyCaller(alice.user.id), (db) => db.any(renameAccount('Bob cash', 'Taken')))).toEqual([]);
    await writeOnceAsUser(onePool, apiKeyCaller(alice.user.id), (db) => db.one(renameAccount('Alice cash', 'Alice wallet')));
    // Committed: another connection sees it.
    const { rows } = await asOwner<{ name: string }>(t.database.url, 'select name from accounts where user_id = $1', [alice.user.id]);
    expect(rows.map((row) => row.name)).toEqual(['Alice wallet']);
    await writeOnceAsUser(onePool, apiKeyCaller(alice.user.id), (db) => db.one(renameAccount('Alice wallet', 'Alice cash')));
  });

  it('lets reads come before and after its one change, and refuses a second change before it runs', async () => {
    const names = await writeOnceAsUser(onePool, apiKeyCaller(bob.user.id), async (db) => {
      await db.any(everyAccount);
      await db.one(renameAccount('Bob cash', 'Bob wallet'));
      return db.any(everyAccount);
    });
    expect(names.map((row) => row.name)).toEqual(['Bob wallet']);
    await expect(writeOnceAsUser(onePool, apiKeyCaller(bob.user.id), async (db) => {
      await db.one(renameAccount('Bob wallet', 'Bob cash'));
      return db.one(renameAccount('Bob cash', 'Bob purse'));
    })).rejects.toThrow(/marked singleStatement issued a second change/);
    // The first change committed on its own; the second never ran.
    expect((await readAsUser(onePool, apiKeyCaller(bob.user.id), (db) => db.any(everyAccount))).map((row) => row.name)).toEqual(['Bob cash']);
  });

  it('refuses transactions and streams, which need writeAsUser', async () => {
    await expect(writeOnceAsUser(onePool, apiKeyCaller(bob.user.id), (db) => db.transaction(async () => undefined))).rejects.toThrow(/writeAsUser/);
  });
});


describe('prepared statements', () => {
  it('prepares each statement once per connection, under a name derived from its text', async () => {
    const prepared = sql.type(z.object({ name: z.string(), statement: z.string() }))`
      select name, statement from pg_prepared_statements where statement = 'select name from accounts order by name'`;
    await readAsUser(onePool, apiKeyCaller(alice.user.id), (db) => db.any(everyAccount));
    await readAsUser(onePool, apiKeyCaller(alice.user.id), (db) => db.any(everyAccount));
    const rows = await readAsUser(onePool, apiKeyCaller(alice.user.id), (db) => db.any(prepared));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.name).toMatch(/^ss_[A-Za-z0-9_-]{32}$/);
  });
});
