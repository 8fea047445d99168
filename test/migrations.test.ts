import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { appRole } from '../src/db/pool.ts';
import { migrate, readMigrations, type Migration } from '../src/db/migrate.ts';
import { paths } from '../src/paths.ts';
import { asOwner, createTestDatabase, type TestDatabase } from './helpers/database.ts';

const created: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(created.map((database) => database.drop()));
});

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase({ migrated: false });
  created.push(database);
  return database;
}

async function recorded(url: string) {
  const { rows } = await asOwner<{ version: number; name: string }>(url, 'select version, name from schema_migrations order by version');
  return rows;
}

/** What sql/migrations holds, read straight from the directory rather than through migrate.ts. */
const migrationFiles = readdirSync(paths.migrations).filter((file) => file.endsWith('.sql')).sort();

describe('migrate()', () => {
  it('applies every file in sql/migrations to a fresh database and records each one', async () => {
    const database = await freshDatabase();
    const applied = await migrate(database.url);
    expect(migrationFiles.length).toBeGreaterThan(0);
    expect(applied).toEqual(migrationFiles);
    expect(await recorded(database.url)).toEqual(migrationFiles.map((name) => ({ version: Number(name.slice(0, 4)), name })));
  });

  it('applies nothing when run again', async () => {
    const database = await freshDatabase();
    await migrate(database.url);
    const before = await recorded(database.url);
    expect(await migrate(database.url)).toEqual([]);
    expect(await recorded(database.url)).toEqual(before);
  });

  it('lets two instances start at once: both succeed and each file is applied exactly once', async () => {
    const database = await freshDatabase();
    const [first, second] = await Promise.all([migrate(database.url), migrate(database.url)]);
    // One of them did the work, the other waited for the lock and found nothing left.
    expect([...first, ...second].sort()).toEqual(migrationFiles);
    const { rows } = await asOwner<{ version: number; times: number }>(
      database.url,
      'select version, count(*)::int as times from schema_migrations group by version order by version',
    );
    expect(rows).toEqual(migrationFiles.map((name) => ({ version: Number(name.slice(0, 4)), times: 1 })));
  });

  describe('when a migration fails', () => {
    const broken: Migration = { version: 9999, name: '9999_broken.sql', sql: 'create table ok_table(id int); select 1/0;' };
    let database: TestDatabase;
    let failure: unknown;

    beforeAll(async () => {
      database = await freshDatabase();
      failure = await migrate(database.url, [...(await readMigrations()), broken]).then(
        () => undefined,
        (error: unknown) => error,
      );
    });

    it('throws, naming the failed file and the cause', () => {
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toMatch(/9999_broken\.sql/);
      expect((failure as Error).message).toMatch(/division by zero/);
    });

    it('rolls the whole file back: none of its statements leave anything behind', async () => {
      const { rows } = await asOwner<{ found: string | null }>(database.url, "select to_regclass('public.ok_table')::text as found");
      expect(rows[0]!.found).toBeNull();
    });

    it('records nothing for it, while the migrations before it stay applied', async () => {
      const versions = (await recorded(database.url)).map((row) => row.version);
      expect(versions).not.toContain(9999);
      expect(versions).toEqual(migrationFiles.map((name) => Number(name.slice(0, 4))));
    });

    it('releases the lock, so the next start is not blocked and applies the fixed file', async () => {
      const fixed = { ...broken, sql: 'create table ok_table(id int);' };
      expect(await migrate(database.url, [...(await readMigrations()), fixed])).toEqual(['9999_broken.sql']);
    });
  });
});

describe('the migrated schema', () => {
  let database: TestDatabase;
  // Tables that hold no user's data and so need neither user_id nor RLS. A new table missing
  // from here must have both: adding it here is a decision, not an oversight.
  // rate_limit_windows counts requests per user or client address, for one window at a time.
  const sharedTables = new Set(['schema_migrations', 'login_throttle', 'rate_limit_windows']);
  beforeAll(async () => {
    database = await freshDatabase();
    await migrate(database.url);
  });

  it('enables row-level security on every table holding user data', async () => {
    const { rows } = await asOwner<{ relname: string; relrowsecurity: boolean }>(
      database.url,
      "select relname, relrowsecurity from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace order by relname",
    );
    const userTables = rows.filter((row) => !sharedTables.has(row.relname));
    expect(userTables.map((row) => row.relname)).toEqual(expect.arrayContaining(['accounts', 'idempotency_keys', 'users']));
    expect(userTables.filter((row) => !row.relrowsecurity).map((row) => row.relname)).toEqual([]);
  });

  it('gives every table holding user data a user_id column (users are keyed by their own id)', async () => {
    const { rows } = await asOwner<{ table_name: string }>(
      database.url,
      `select t.table_name from information_schema.tables t
        where t.table_schema = 'public' and t.table_type = 'BASE TABLE'
          and not exists (select from information_schema.columns c
                           where c.table_schema = 'public' and c.table_name = t.table_name and c.column_name = 'user_id')
        order by t.table_name`,
    );
    const withoutUserId = rows.map((row) => row.table_name).filter((name) => !sharedTables.has(name) && name !== 'users');
    expect(withoutUserId).toEqual([]);
  });

  it(`leaves ${appRole} owning no table, so row-level security binds it`, async () => {
    const { rows } = await asOwner<{ tablename: string }>(
      database.url,
      'select tablename from pg_tables where schemaname = $1 and tableowner = $2',
      ['public', appRole],
    );
    expect(rows).toEqual([]);
  });

  it(`gives ${appRole} neither superuser, login nor the right to bypass row-level security`, async () => {
    const { rows } = await asOwner<{ rolsuper: boolean; rolbypassrls: boolean; rolcanlogin: boolean }>(
      database.url,
      'select rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = $1',
      [appRole],
    );
    expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false, rolcanlogin: false }]);
  });
});
