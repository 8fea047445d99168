// The database URL a production task builds from its DB_* variables (ECS secrets), and what it
// does on the wire: with the CA file the deploy bakes into the image, both drivers (node-postgres
// for the migrator, slonik for the pools) refuse a server whose certificate that CA did not sign
// or that carries another name.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { z } from 'zod';
import { ConfigError, databaseUrl, loadConfig } from '../src/config.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';
import { createDatabasePool } from '../src/db/pool.ts';
import { sql } from '../src/db/sql.ts';

const parts = { DB_HOST: 'db.internal', DB_PORT: '5433', DB_NAME: 'spendsense', DB_USER: 'spendsense_api', DB_PASSWORD: 'p@ss:w/rd?#' };

describe('databaseUrl (DB_* parts, as ECS injects them)', () => {
  it('joins the parts, percent-encoding the credentials, with no TLS parameters unless asked', () => {
    const url = databaseUrl(parts)!;
    expect(url).toBe('postgres://spendsense_api:p%40ss%3Aw%2Frd%3F%23@db.internal:5433/spendsense');
    expect(decodeURIComponent(new URL(url).password)).toBe(parts.DB_PASSWORD);
  });

  it('adds sslmode and sslrootcert, which both drivers read back as given', () => {
    const url = new URL(databaseUrl({ ...parts, DB_SSLMODE: 'verify-full', DB_SSL_ROOT_CERT: '/app/certs/rds-ca.pem' })!);
    expect(url.searchParams.get('sslmode')).toBe('verify-full');
    expect(url.searchParams.get('sslrootcert')).toBe('/app/certs/rds-ca.pem');
  });

  it('takes a CA file without a mode as verify-full: giving the CA asks for the certificate to be checked', () => {
    const url = new URL(databaseUrl({ ...parts, DB_SSL_ROOT_CERT: '/app/certs/rds-ca.pem' })!);
    expect(url.searchParams.get('sslmode')).toBe('verify-full');
  });

  it('keeps DB_SSLMODE alone when there is no CA file', () => {
    expect(databaseUrl({ ...parts, DB_SSLMODE: 'no-verify' })).toMatch(/\/spendsense\?sslmode=no-verify$/);
  });

  it('rejects a mode neither driver knows, naming DB_SSLMODE', () => {
    expect(() => databaseUrl({ ...parts, DB_SSLMODE: 'verify_full' })).toThrow(ConfigError);
    expect(() => databaseUrl({ ...parts, DB_SSLMODE: 'verify_full' })).toThrow(/DB_SSLMODE must be one of .*verify-full/);
  });

  it('uses DATABASE_URL as given when set: the parts, the CA file included, do not apply', () => {
    expect(databaseUrl({ ...parts, DATABASE_URL: 'postgres://x@y/z', DB_SSL_ROOT_CERT: '/ca.pem' })).toBe('postgres://x@y/z');
  });

  it('is undefined without DATABASE_URL or DB_HOST', () => {
    expect(databaseUrl({ DB_SSL_ROOT_CERT: '/ca.pem' })).toBeUndefined();
  });
});

describe('migrateOnStart (MIGRATE_ON_START)', () => {
  const secret = 'a-production-secret-of-32-chars!';
  it('is off in production, where the migration task runs as the owner, and on elsewhere', () => {
    expect(loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', JWT_SECRET: secret }).migrateOnStart).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', JWT_SECRET: secret }).migrateOnStart).toBe(true);
    expect(loadConfig({ JWT_SECRET: secret }).migrateOnStart).toBe(true);
  });

  it('follows MIGRATE_ON_START when set', () => {
    expect(loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', JWT_SECRET: secret, MIGRATE_ON_START: 'true' }).migrateOnStart).toBe(true);
    expect(loadConfig({ JWT_SECRET: secret, MIGRATE_ON_START: 'false' }).migrateOnStart).toBe(false);
  });
});

/** A CA and a server certificate it signed for `localhost` only (no IP address), made with openssl. */
function certificates(directory: string) {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: directory, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=SpendSense test CA');
  run('req', '-x509', ...ec, '-keyout', 'other-ca.key', '-out', 'other-ca.crt', '-days', '2', '-subj', '/CN=Someone else');
  run('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(`${directory}/server.ext`, 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'server.ext');
  return { ca: `${directory}/ca.crt`, otherCa: `${directory}/other-ca.crt`, cert: `${directory}/server.crt`, key: `${directory}/server.key` };
}

describe('a URL with DB_SSLMODE=verify-full and DB_SSL_ROOT_CERT, against a PostgreSQL serving TLS', () => {
  let server: EmbeddedDatabase;
  let files: ReturnType<typeof certificates>;
  let certDirectory: string;
  let dataDirectory: string;
  let owner: { user: string; password: string; port: string };

  beforeAll(async () => {
    certDirectory = mkdtempSync(`${tmpdir()}/spendsense-tls-`);
    files = certificates(certDirectory);
    dataDirectory = mkdtempSync(`${tmpdir()}/spendsense-tls-pg-`);
    // The temporary directory itself is the data directory, as in test/global-setup.ts: as root,
    // PostgreSQL runs as postgres, which may enter /tmp but not another 0700 directory above it.
    server = await startEmbeddedPostgres({ directory: dataDirectory, persistent: false, handleSignals: false });
    // PostgreSQL reads the key only if its own user owns it and nobody else may read it.
    const { uid, gid } = statSync(dataDirectory);
    for (const [from, to] of [[files.cert, 'server.crt'], [files.key, 'server.key']] as const) {
      const target = `${dataDirectory}/${to}`;
      writeFileSync(target, readFileSync(from), { mode: 0o600 });
      chownSync(target, uid, gid);
    }
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query('alter system set ssl = on');
    await admin.query('select pg_reload_conf()');
    await admin.end();
    const url = new URL(server.url);
    owner = { user: url.username, password: decodeURIComponent(url.password), port: url.port };
    await waitForTls();
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(certDirectory, { recursive: true, force: true });
    rmSync(dataDirectory, { recursive: true, force: true });
  });

  /** The reload takes effect in the postmaster a moment later; new connections then offer TLS. */
  async function waitForTls(): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const client = new pg.Client({ connectionString: urlFor('localhost', files.ca, 'postgres') });
      try {
        await client.connect();
        await client.end();
        return;
      } catch {
        await client.end().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error('the test PostgreSQL did not start serving TLS');
  }

  function urlFor(host: string, rootCert: string, database = 'postgres'): string {
    return databaseUrl({
      DB_HOST: host,
      DB_PORT: owner.port,
      DB_NAME: database,
      DB_USER: owner.user,
      DB_PASSWORD: owner.password,
      DB_SSLMODE: 'verify-full',
      DB_SSL_ROOT_CERT: rootCert,
    })!;
  }

  const sessionRow = sql.type(z.object({ pid: z.number(), role: z.string() }))`select pg_backend_pid() as pid, current_user as role`;

  /** Whether backend `pid` talks TLS, asked as the owner: spendsense_app may not see its own session's row. */
  async function usesTls(pid: number): Promise<boolean> {
    const client = new pg.Client({ connectionString: urlFor('localhost', files.ca) });
    await client.connect();
    try {
      return (await client.query<{ ssl: boolean }>('select ssl from pg_stat_ssl where pid = $1', [pid])).rows[0]!.ssl;
    } finally {
      await client.end();
    }
  }

  /** Opens a slonik pool on `url` and runs one query: creating the pool already connects. */
  async function queryThroughPool(url: string): Promise<unknown> {
    const pool = await createDatabasePool(url, { maximumPoolSize: 1, role: null });
    try {
      return await pool.one(sessionRow);
    } finally {
      await pool.end();
    }
  }

  it('migrates through node-postgres over verified TLS', async () => {
    const applied = await migrate(urlFor('localhost', files.ca));
    expect(applied.length).toBeGreaterThan(0);
    const client = new pg.Client({ connectionString: urlFor('localhost', files.ca) });
    await client.connect();
    try {
      const { rows } = await client.query<{ ssl: boolean }>('select ssl from pg_stat_ssl where pid = pg_backend_pid()');
      expect(rows[0]!.ssl).toBe(true);
    } finally {
      await client.end();
    }
  });

  it('serves the app pool (slonik, as spendsense_app) over verified TLS', async () => {
    await migrate(urlFor('localhost', files.ca));
    const pool = await createDatabasePool(urlFor('localhost', files.ca), { maximumPoolSize: 1 });
    try {
      const session = await pool.one(sessionRow);
      expect(session.role).toBe('spendsense_app');
      expect(await usesTls(session.pid)).toBe(true);
    } finally {
      await pool.end();
    }
  });

  it('refuses a server whose certificate another CA signed, in both drivers', async () => {
    const url = urlFor('localhost', files.otherCa);
    await expect(migrate(url)).rejects.toThrow(/unable to verify the first certificate/);
    await expect(queryThroughPool(url)).rejects.toThrow(/unable to verify the first certificate/);
  });

  it('refuses a certificate for another name (verify-full checks the host), in both drivers', async () => {
    // The certificate names localhost only; 127.0.0.1 is the same server under a name it lacks.
    const url = urlFor('127.0.0.1', files.ca);
    await expect(migrate(url)).rejects.toThrow(/IP: 127\.0\.0\.1 is not in the cert's list/);
    await expect(queryThroughPool(url)).rejects.toThrow(/IP: 127\.0\.0\.1 is not in the cert's list/);
  });

  it('fails with the file name when the CA file is missing', async () => {
    await expect(queryThroughPool(urlFor('localhost', `${certDirectory}/missing.pem`))).rejects.toThrow(
      /cannot read .*missing\.pem \(ENOENT\)/,
    );
  });
});
