// The application's own database login, as the deploy's migration task makes it: `migrate` with
// APP_DB_USER and APP_DB_PASSWORD, run as the owner. The login must be able to do what the app
// does (log in, become spendsense_app, read its caller's rows) and nothing that would let it past
// row-level security or change the schema.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { AppLoginError, ensureAppLogin } from '../src/db/app-login.ts';
import { appRole, withSessionSettings } from '../src/db/pool.ts';
import { projectRoot } from '../src/paths.ts';
import { asOwner, createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { projectNode } from './helpers/server-process.ts';

const execFileAsync = promisify(execFile);

/** Roles belong to the whole server, not the test database: unique names, dropped at the end. */
const suffix = randomBytes(4).toString('hex');
const roleName = (name: string) => `${name}_${suffix}`;
const rolesToDrop = new Set<string>();
const serverUrl = () => process.env.SPENDSENSE_TEST_SERVER_URL!;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  // The database first: its CONNECT grants would keep the roles from being dropped.
  await database?.drop();
  for (const role of rolesToDrop) await asOwner(serverUrl(), `drop role if exists ${pg.escapeIdentifier(role)}`);
});

/** `npm run migrate` as the production image runs it (NODE_ENV=production: no JWT secret needed). */
async function runMigrate(env: Record<string, string>): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(projectNode, ['src/cli/migrate.ts'], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'production', DATABASE_URL: database.url, ...env },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

function loginUrl(user: string, password: string, settings: { role: string | null } = { role: null }): string {
  const url = new URL(database.url);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  return settings.role ? withSessionSettings(url.toString(), settings) : url.toString();
}

async function as<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Two users with an account each, written by the owner (row-level security does not bind it). */
async function twoUsersWithAccounts(): Promise<[string, string]> {
  const ids: string[] = [];
  for (const who of ['first', 'second']) {
    const { rows } = await asOwner<{ id: string }>(
      database.url,
      "insert into users (email, password_hash, default_currency) values ($1, 'x', 'EUR') returning id",
      [`${who}-${randomBytes(4).toString('hex')}@example.com`],
    );
    const id = rows[0]!.id;
    await asOwner(database.url, "insert into accounts (user_id, name, type, currency) values ($1, $2, 'checking', 'EUR')", [id, `${who} account`]);
    ids.push(id);
  }
  return [ids[0]!, ids[1]!];
}

/** Accounts visible to a session of `url` that names `userId` as its caller (as the app does). */
async function accountsSeenAs(url: string, userId: string | null): Promise<string[]> {
  return as(url, async (client) => {
    if (userId) await client.query("select set_config('app.user_id', $1, false)", [userId]);
    const { rows } = await client.query<{ user_id: string }>('select user_id from accounts');
    return rows.map((row) => row.user_id);
  });
}

describe('migrate with APP_DB_USER and APP_DB_PASSWORD', () => {
  const user = roleName('spendsense_api');
  // Quotes, a backslash, a dollar quote and a statement terminator: anything SQL could trip on.
  const password = `it's a "quoted" pa$$word\\ $$; drop role x; --`;
  let firstRun: { code: number; output: string };

  beforeAll(async () => {
    rolesToDrop.add(user);
    firstRun = await runMigrate({ APP_DB_USER: user, APP_DB_PASSWORD: password });
  });

  it('creates the login, saying its name and never its password', () => {
    expect(firstRun.code).toBe(0);
    expect(firstRun.output).toContain(`app login ${user}: created`);
    expect(firstRun.output).not.toContain(password);
    expect(firstRun.output).not.toContain('pa$$word');
  });

  it('lets the login connect with that password, and refuses a wrong one', async () => {
    expect(await as(loginUrl(user, password), async (client) => (await client.query('select current_user as who')).rows[0].who)).toBe(user);
    await expect(as(loginUrl(user, `${password}x`), async () => undefined)).rejects.toThrow(/password authentication failed/);
  });

  it('lets it become spendsense_app, as the app connects, and read only the rows of the user it names', async () => {
    const [first, second] = await twoUsersWithAccounts();
    const asApp = loginUrl(user, password, { role: appRole });
    expect(await as(asApp, async (client) => (await client.query('select current_user as who')).rows[0].who)).toBe(appRole);
    expect(await accountsSeenAs(asApp, first)).toEqual([first]);
    expect(await accountsSeenAs(asApp, second)).toEqual([second]);
    expect(await accountsSeenAs(asApp, null)).toEqual([]);
    // Without SET ROLE too: the login itself is bound by the same policies.
    expect(await accountsSeenAs(loginUrl(user, password), first)).toEqual([first]);
  });

  it('cannot get past row-level security: no BYPASSRLS, and row_security=off is refused', async () => {
    const { rows } = await asOwner<Record<string, boolean>>(
      database.url,
      'select rolcanlogin, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole, rolreplication from pg_roles where rolname = $1',
      [user],
    );
    expect(rows[0]).toEqual({ rolcanlogin: true, rolsuper: false, rolbypassrls: false, rolcreatedb: false, rolcreaterole: false, rolreplication: false });
    for (const url of [loginUrl(user, password), loginUrl(user, password, { role: appRole })]) {
      await expect(
        as(url, async (client) => {
          await client.query('set row_security = off');
          await client.query('select * from accounts');
        }),
      ).rejects.toThrow(/row-level security/);
    }
  });

  it('cannot change the schema: no table in public, no schema of its own', async () => {
    for (const url of [loginUrl(user, password), loginUrl(user, password, { role: appRole })]) {
      await expect(as(url, (client) => client.query('create table sneaky (id int)'))).rejects.toThrow(/permission denied for schema public/);
      await expect(as(url, (client) => client.query('create schema sneaky'))).rejects.toThrow(/permission denied for database/);
    }
  });

  it('owns nothing: not in this database, not anywhere on the server', async () => {
    const { rows } = await asOwner<{ owned: number }>(
      database.url,
      "select count(*)::int as owned from pg_shdepend where deptype = 'o' and refobjid = (select oid from pg_roles where rolname = $1)",
      [user],
    );
    expect(rows[0]!.owned).toBe(0);
  });

  it('is a member of spendsense_app and nothing else, with CONNECT on the database', async () => {
    const { rows } = await asOwner<{ role: string }>(
      database.url,
      'select r.rolname as role from pg_auth_members m join pg_roles r on r.oid = m.roleid where m.member = (select oid from pg_roles where rolname = $1)',
      [user],
    );
    expect(rows.map((row) => row.role)).toEqual([appRole]);
    const connect = await asOwner<{ allowed: boolean }>(database.url, "select has_database_privilege($1, current_database(), 'CONNECT') as allowed", [user]);
    expect(connect.rows[0]!.allowed).toBe(true);
  });

  it('changes nothing when run again: still one membership, the same password works', async () => {
    const again = await runMigrate({ APP_DB_USER: user, APP_DB_PASSWORD: password });
    expect(again.code).toBe(0);
    expect(again.output).toContain('already up to date');
    expect(again.output).toContain(`app login ${user}: password and grants brought up to date`);
    const { rows } = await asOwner<{ grants: number }>(
      database.url,
      'select count(*)::int as grants from pg_auth_members where member = (select oid from pg_roles where rolname = $1)',
      [user],
    );
    expect(rows[0]!.grants).toBe(1);
    await expect(as(loginUrl(user, password), async () => undefined)).resolves.toBeUndefined();
  });
});

describe('ensureAppLogin', () => {
  it('takes the new password of a rotated secret: the old one stops working', async () => {
    const user = roleName('rotated');
    rolesToDrop.add(user);
    await ensureAppLogin(database.url, { user, password: 'the-first-password-0123' });
    await ensureAppLogin(database.url, { user, password: 'the-second-password-0123' });
    await expect(as(loginUrl(user, 'the-second-password-0123'), async () => undefined)).resolves.toBeUndefined();
    await expect(as(loginUrl(user, 'the-first-password-0123'), async () => undefined)).rejects.toThrow(/password authentication failed/);
  });

  it('stores a password PostgreSQL and node-postgres agree on after SASLprep (non-ASCII, a ligature NFKC rewrites)', async () => {
    const user = roleName('unicode');
    rolesToDrop.add(user);
    const password = 'päss\u00A0wörd-ﬁne-\u00AD0123456789';
    await ensureAppLogin(database.url, { user, password });
    await expect(as(loginUrl(user, password), async () => undefined)).resolves.toBeUndefined();
  });

  it('keeps the clone that multi-user rotation makes (granted the current login) able to become spendsense_app under RLS', async () => {
    const user = roleName('api');
    const clone = `${user}_clone`;
    rolesToDrop.add(user).add(clone);
    await ensureAppLogin(database.url, { user, password: 'the-login-password-0123' });
    // What the AWS rotation function does for the alternate user: CREATE ROLE … LOGIN, GRANT <current> TO it.
    await asOwner(database.url, `create role ${pg.escapeIdentifier(clone)} with login password 'the-clone-password-0123'`);
    await asOwner(database.url, `grant ${pg.escapeIdentifier(user)} to ${pg.escapeIdentifier(clone)}`);
    const [first] = await twoUsersWithAccounts();
    const asApp = loginUrl(clone, 'the-clone-password-0123', { role: appRole });
    expect(await accountsSeenAs(asApp, first)).toEqual([first]);
    expect(await accountsSeenAs(asApp, null)).toEqual([]);
  });

  it('refuses a role that exists with BYPASSRLS, and leaves it as it was', async () => {
    const user = roleName('bypasser');
    rolesToDrop.add(user);
    await asOwner(database.url, `create role ${pg.escapeIdentifier(user)} with login bypassrls password 'unchanged-password-0123'`);
    await expect(ensureAppLogin(database.url, { user, password: 'another-password-0123' })).rejects.toThrow(/BYPASSRLS: refusing/);
    await expect(as(loginUrl(user, 'unchanged-password-0123'), async () => undefined)).resolves.toBeUndefined();
  });

  it('refuses a role that owns something: row-level security would not bind it on what it owns', async () => {
    const user = roleName('owner_of_things');
    rolesToDrop.add(user);
    await asOwner(database.url, `create role ${pg.escapeIdentifier(user)} with login`);
    await asOwner(database.url, `create table owned_by_${suffix} (id int)`);
    await asOwner(database.url, `alter table owned_by_${suffix} owner to ${pg.escapeIdentifier(user)}`);
    await expect(ensureAppLogin(database.url, { user, password: 'another-password-0123' })).rejects.toThrow(/owns 1 object/);
    await asOwner(database.url, `drop table owned_by_${suffix}`);
  });

  it('refuses to make the owner it runs as, or spendsense_app, the app login', async () => {
    const owner = decodeURIComponent(new URL(database.url).username);
    await expect(ensureAppLogin(database.url, { user: owner, password: 'another-password-0123' })).rejects.toThrow(/is the owner/);
    await expect(ensureAppLogin(database.url, { user: appRole, password: 'another-password-0123' })).rejects.toThrow(AppLoginError);
  });

  it('refuses a short password before touching the database', async () => {
    await expect(ensureAppLogin('postgres://nowhere.invalid/x', { user: roleName('short'), password: 'short' })).rejects.toThrow(/at least 16 characters/);
  });
});

describe('migrate with only one of APP_DB_USER and APP_DB_PASSWORD', () => {
  it('stops before migrating, saying both go together', async () => {
    const result = await runMigrate({ APP_DB_USER: roleName('half') });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('APP_DB_USER and APP_DB_PASSWORD go together');
  });
});
