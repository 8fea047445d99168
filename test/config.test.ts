import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../src/config.ts';

const secret = 'a-production-secret-of-32-chars!';
const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db.internal/spendsense', JWT_SECRET: secret };

const dataDirs: string[] = [];
afterAll(() => {
  for (const directory of dataDirs) rmSync(directory, { recursive: true, force: true });
});

function tempDataDir(): string {
  const directory = mkdtempSync(`${tmpdir()}/spendsense-config-`);
  dataDirs.push(directory);
  return directory;
}

describe('loadConfig', () => {
  it('defaults to development on port 8000, checking every response against the contract', () => {
    const config = loadConfig({ JWT_SECRET: secret });
    expect(config).toMatchObject({
      env: 'development',
      port: 8000,
      databaseUrl: undefined,
      validateResponses: true,
      webConcurrency: 1,
      jwtSecret: secret,
    });
  });

  it('stops checking responses in production unless asked to', () => {
    expect(loadConfig(production).validateResponses).toBe(false);
    expect(loadConfig({ ...production, VALIDATE_RESPONSES: 'true' }).validateResponses).toBe(true);
  });

  it('allows the usual local front-end origins outside production and none in production, unless CORS_ORIGINS says', () => {
    expect(loadConfig({ JWT_SECRET: secret }).corsOrigins).toContain('http://localhost:5173');
    expect(loadConfig(production).corsOrigins).toEqual([]);
    expect(loadConfig({ ...production, CORS_ORIGINS: 'https://app.example.com, http://localhost:3000' }).corsOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:3000',
    ]);
    expect(loadConfig({ ...production, CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    expect(loadConfig({ JWT_SECRET: secret, CORS_ORIGINS: '' }).corsOrigins).toEqual([]);
  });

  it.each(['app.example.com', 'https://app.example.com/', 'https://app.example.com/path', 'ftp://files.example.com'])(
    'rejects CORS_ORIGINS=%s, naming it',
    (origin) => {
      expect(() => loadConfig({ JWT_SECRET: secret, CORS_ORIGINS: origin })).toThrow(ConfigError);
      expect(() => loadConfig({ JWT_SECRET: secret, CORS_ORIGINS: origin })).toThrow(/CORS_ORIGINS/);
    },
  );

  it('reads PORT as an integer', () => {
    expect(loadConfig({ JWT_SECRET: secret, PORT: '3000' }).port).toBe(3000);
    expect(loadConfig({ JWT_SECRET: secret, PORT: '' }).port).toBe(8000);
  });

  it.each(['abc', '70000', '-1', '80.5'])('rejects PORT=%s', (port) => {
    expect(() => loadConfig({ JWT_SECRET: secret, PORT: port })).toThrow(ConfigError);
    expect(() => loadConfig({ JWT_SECRET: secret, PORT: port })).toThrow(/PORT/);
  });

  it('requires a database in production', () => {
    const { DATABASE_URL: _omitted, ...withoutDatabase } = production;
    expect(() => loadConfig(withoutDatabase)).toThrow(ConfigError);
    expect(() => loadConfig(withoutDatabase)).toThrow(/DATABASE_URL/);
  });

  it('requires JWT_SECRET in production rather than generating one', () => {
    const dataDir = tempDataDir();
    const { JWT_SECRET: _omitted, ...withoutSecret } = production;
    expect(() => loadConfig({ ...withoutSecret, DATA_DIR: dataDir })).toThrow(ConfigError);
    expect(() => loadConfig({ ...withoutSecret, DATA_DIR: dataDir })).toThrow(/JWT_SECRET/);
    expect(existsSync(`${dataDir}/jwt-secret`)).toBe(false);
  });

  it('rejects a JWT_SECRET shorter than 32 characters, in any environment', () => {
    expect(() => loadConfig({ ...production, JWT_SECRET: 'x'.repeat(31) })).toThrow(ConfigError);
    expect(() => loadConfig({ JWT_SECRET: 'x'.repeat(31) })).toThrow(/at least 32/);
    expect(loadConfig({ JWT_SECRET: 'x'.repeat(32) }).jwtSecret).toBe('x'.repeat(32));
  });

  it('assembles the database URL from DB_* variables, with the password URL-encoded', () => {
    const config = loadConfig({
      ...production,
      DATABASE_URL: undefined,
      DB_HOST: 'db.internal',
      DB_PORT: '6432',
      DB_USER: 'spendsense',
      DB_PASSWORD: 'p@ss/w:rd#1',
      DB_NAME: 'ledger',
      DB_SSLMODE: 'require',
    });
    expect(config.databaseUrl).toBe('postgres://spendsense:p%40ss%2Fw%3Ard%231@db.internal:6432/ledger?sslmode=require');
    const parsed = new URL(config.databaseUrl!);
    expect(decodeURIComponent(parsed.password)).toBe('p@ss/w:rd#1');
    expect(parsed.hostname).toBe('db.internal');
    expect(parsed.pathname).toBe('/ledger');
  });

  it('prefers DATABASE_URL over DB_* variables', () => {
    expect(loadConfig({ ...production, DB_HOST: 'elsewhere' }).databaseUrl).toBe(production.DATABASE_URL);
  });

  it('in development without JWT_SECRET, generates a secret into DATA_DIR/jwt-secret and reuses it', () => {
    const dataDir = `${tempDataDir()}/not-yet-created`;
    const first = loadConfig({ DATA_DIR: dataDir });
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(`${dataDir}/jwt-secret`, 'utf8')).toBe(first.jwtSecret);
    // Only the owner may read it.
    expect(statSync(`${dataDir}/jwt-secret`).mode & 0o077).toBe(0);
    expect(loadConfig({ DATA_DIR: dataDir }).jwtSecret).toBe(first.jwtSecret);
  });

  it('generates a different secret for each fresh data directory', () => {
    expect(loadConfig({ DATA_DIR: tempDataDir() }).jwtSecret).not.toBe(loadConfig({ DATA_DIR: tempDataDir() }).jwtSecret);
  });
});
