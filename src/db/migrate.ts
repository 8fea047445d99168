import { readdir, readFile } from 'node:fs/promises';
import pg from 'pg';
import { paths } from '../paths.ts';

export type Migration = { version: number; name: string; sql: string };

// Any constant works; it only has to be the same for every instance of this app.
const migrationLockKey = 7_430_218_113;

const createMigrationsTable = `create table if not exists schema_migrations (
  version integer primary key,
  name text not null,
  applied_at timestamptz not null default now()
)`;

export async function readMigrations(directory = paths.migrations): Promise<Migration[]> {
  const files = (await readdir(directory)).filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file)).sort();
  return Promise.all(
    files.map(async (file) => ({
      version: Number(file.slice(0, 4)),
      name: file,
      sql: await readFile(`${directory}/${file}`, 'utf8'),
    })),
  );
}

/**
 * Applies pending migrations in order, each in its own transaction, recorded in
 * schema_migrations. A session advisory lock makes concurrent starts wait for each other, so two
 * instances never apply the same file. Uses a plain pg client: migration files hold many
 * statements, which only the simple query protocol accepts.
 */
export async function migrate(connectionUri: string, migrations?: Migration[]): Promise<string[]> {
  const files = migrations ?? (await readMigrations());
  const client = new pg.Client({ connectionString: connectionUri });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [migrationLockKey]);
    await client.query(createMigrationsTable);
    const applied = new Set(
      (await client.query<{ version: number }>('select version from schema_migrations')).rows.map((row) => row.version),
    );
    const done: string[] = [];
    for (const migration of files) {
      if (applied.has(migration.version)) continue;
      await client.query('begin');
      try {
        await client.query(migration.sql);
        await client.query('insert into schema_migrations (version, name) values ($1, $2)', [migration.version, migration.name]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
      done.push(migration.name);
    }
    return done;
  } finally {
    await client.query('select pg_advisory_unlock($1)', [migrationLockKey]).catch(() => undefined);
    await client.end();
  }
}
