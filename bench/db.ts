// The benchmark's PostgreSQL: database `spendsense_bench` on DATABASE_URL's server, or on an
// embedded PostgreSQL 18 kept in .data/bench (separate from `npm start`'s .data/postgres).
import { existsSync } from 'node:fs';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { paths } from '../src/paths.ts';

export const benchDatabaseName = 'spendsense_bench';
export const benchDataDir = `${paths.dataDir}/bench`;

export type BenchServer = {
  /** Owner (superuser) URL of the bench database. */
  url: string;
  /** Owner URL of a maintenance database on the same server, for DROP/CREATE DATABASE. */
  maintenanceUrl: string;
  embedded: boolean;
  stop: () => Promise<void>;
};

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Starts (embedded) or names (DATABASE_URL) the bench server. `create: false` refuses to initialise one. */
export async function openBenchServer({ create }: { create: boolean }): Promise<BenchServer> {
  const external = process.env.DATABASE_URL;
  if (external) {
    const own = new URL(external).pathname.slice(1);
    return {
      url: withDatabase(external, benchDatabaseName),
      maintenanceUrl: own === benchDatabaseName || own === '' ? withDatabase(external, 'postgres') : external,
      embedded: false,
      stop: async () => undefined,
    };
  }
  if (!create && !existsSync(`${benchDataDir}/PG_VERSION`)) {
    throw new Error(`No bench database in ${benchDataDir}: run \`npm run bench:seed\` first.`);
  }
  const server = await startEmbeddedPostgres({ directory: benchDataDir, persistent: true });
  return { url: withDatabase(server.url, benchDatabaseName), maintenanceUrl: server.url, embedded: true, stop: server.stop };
}

/** What bench:seed recorded (as the database's comment), or undefined when it never finished. */
export type SeedInfo = {
  users: number;
  txnsPerUser: number;
  heavyTxns: number;
  years: number;
  seconds: number;
  seededAt: string;
  counts: Record<string, number>;
};

export async function readSeedInfo(url: string): Promise<SeedInfo | undefined> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    if ((error as { code?: string }).code === '3D000') return undefined; // database does not exist
    throw error;
  }
  try {
    const { rows } = await client.query<{ comment: string | null }>(
      `select shobj_description(oid, 'pg_database') as comment from pg_database where datname = current_database()`,
    );
    const comment = rows[0]?.comment;
    return comment ? (JSON.parse(comment) as SeedInfo) : undefined;
  } finally {
    await client.end();
  }
}
