import { randomBytes } from 'node:crypto';
import pg from 'pg';

function serverUrl(): string {
  const url = process.env.SPENDSENSE_TEST_SERVER_URL;
  if (!url) throw new Error('SPENDSENSE_TEST_SERVER_URL is not set: run the tests with `npm test`');
  return url;
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export type TestDatabase = { name: string; url: string; drop: () => Promise<void> };

/** A fresh database for one test file: a copy of the migrated template, or an empty one. */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `spendsense_test_${randomBytes(6).toString('hex')}`;
  const template = options.migrated === false ? 'template0' : process.env.SPENDSENSE_TEST_TEMPLATE;
  await admin((client) => client.query(`create database ${name} template ${template}`));
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => admin((client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

/** Runs SQL as the server's admin (the owner): for arranging states the API cannot reach. */
export async function asOwner<T extends pg.QueryResultRow>(databaseUrl: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await client.query<T>(text, values);
  } finally {
    await client.end();
  }
}
