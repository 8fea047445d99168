import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ConfigError } from './config-error.ts';
import { rateLimitsFrom, type RateLimits } from './http/rate-limit-policies.ts';
import { paths } from './paths.ts';

export { ConfigError };

export type Config = {
  env: 'production' | 'development' | 'test';
  port: number;
  /** Absent: npm start runs an embedded PostgreSQL in .data/. */
  databaseUrl: string | undefined;
  /** A read replica of it for reports and insights (DATABASE_READ_URL or DB_READ_HOST); absent: the primary answers them. */
  databaseReadUrl?: string | undefined;
  databasePoolSize: number;
  jwtSecret: string;
  jwtTtlSeconds: number;
  logLevel: string;
  webConcurrency: number;
  /** Express `trust proxy`: how many proxies (load balancers) to trust for the client address. */
  trustProxy: number;
  /** Hold every response to the contract (development and test); a mismatch answers 500. */
  validateResponses: boolean;
  /** Apply pending migrations at start (DATABASE_URL; the embedded database always is). Off in production, where a one-off task migrates as the owner. */
  migrateOnStart: boolean;
  /** Origins a browser page may call the API from (CORS); `*` for any. */
  corsOrigins: readonly string[];
  /** Request budgets per caller, shared across processes; null when RATE_LIMITS=off. */
  rateLimits: RateLimits | null;
  /** The port of the Prometheus endpoint (GET /metrics), apart from the app's; null when METRICS_PORT=off. */
  metricsPort: number | null;
  dataDir: string;
};

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}`);
  }
  return value;
}

/**
 * METRICS_PORT (default 9464, the usual port of an OpenTelemetry Prometheus exporter; 0: any free one); `off`
 * or empty: no endpoint. Never the app's port: the public load balancer must not reach the metrics.
 */
function metricsPort(env: Env, port: number): number | null {
  const raw = env.METRICS_PORT?.trim().toLowerCase();
  if (raw === '' || raw === 'off') return null;
  const value = integer(env, 'METRICS_PORT', 9464, 0, 65535);
  if (value !== 0 && value === port) throw new ConfigError('METRICS_PORT must differ from PORT: the metrics are not served on the public port');
  return value;
}

/** What DB_SSLMODE may say: what both drivers understand (slonik via db/verified-tls.ts). */
const sslModes = ['disable', 'no-verify', 'require', 'verify-ca', 'verify-full'];

/**
 * DATABASE_URL as given, or one assembled from DB_HOST/DB_PORT/DB_NAME/DB_USER/DB_PASSWORD (ECS
 * secrets) with DB_SSLMODE and DB_SSL_ROOT_CERT (a CA file, libpq's sslrootcert). A CA file
 * without a mode means verify-full: giving the CA is asking for the certificate to be checked.
 */
export function databaseUrl(env: Env): string | undefined {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  if (!env.DB_HOST) return undefined;
  const user = encodeURIComponent(env.DB_USER ?? 'postgres');
  const password = env.DB_PASSWORD ? `:${encodeURIComponent(env.DB_PASSWORD)}` : '';
  const name = encodeURIComponent(env.DB_NAME ?? 'spendsense');
  const sslMode = env.DB_SSLMODE || (env.DB_SSL_ROOT_CERT ? 'verify-full' : undefined);
  if (sslMode !== undefined && !sslModes.includes(sslMode)) throw new ConfigError(`DB_SSLMODE must be one of ${sslModes.join(', ')}`);
  const tls = new URLSearchParams();
  if (sslMode) tls.set('sslmode', sslMode);
  if (env.DB_SSL_ROOT_CERT) tls.set('sslrootcert', env.DB_SSL_ROOT_CERT);
  return `postgres://${user}${password}@${env.DB_HOST}:${env.DB_PORT ?? '5432'}/${name}${tls.size ? `?${tls}` : ''}`;
}

/** DATABASE_READ_URL, or DB_READ_HOST (and DB_READ_PORT) with the primary's other DB_* settings: the same credentials. */
function databaseReadUrl(env: Env): string | undefined {
  if (env.DATABASE_READ_URL) return env.DATABASE_READ_URL;
  if (!env.DB_READ_HOST) return undefined;
  return databaseUrl({ ...env, DATABASE_URL: undefined, DB_HOST: env.DB_READ_HOST, DB_PORT: env.DB_READ_PORT ?? env.DB_PORT });
}

/**
 * JWT_SECRET_FILE: a file holding the secret (a mounted secret, as docker-compose.yml does), read
 * without its trailing newline. Giving JWT_SECRET as well is refused: neither would plainly win.
 */
function jwtSecretFromFile(file: string, env: Env): string {
  if (env.JWT_SECRET !== undefined) throw new ConfigError('JWT_SECRET and JWT_SECRET_FILE are both set: give one of them');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ConfigError(`JWT_SECRET_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/**
 * In development a secret is generated once and kept in .data/ so tokens survive restarts and
 * every worker process agrees on it; production must bring its own.
 */
function jwtSecret(env: Env, appEnv: Config['env'], dataDir: string): string {
  const fromFile = env.JWT_SECRET_FILE ? jwtSecretFromFile(env.JWT_SECRET_FILE, env) : undefined;
  const secret = fromFile ?? env.JWT_SECRET;
  if (secret !== undefined) {
    if (secret.length < 32) throw new ConfigError(`${fromFile === undefined ? 'JWT_SECRET' : 'The secret in JWT_SECRET_FILE'} must be at least 32 characters`);
    return secret;
  }
  if (appEnv === 'production') throw new ConfigError('JWT_SECRET (or JWT_SECRET_FILE) is required in production');
  const file = `${dataDir}/jwt-secret`;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const generated = randomBytes(48).toString('base64url');
    writeFileSync(file, generated, { mode: 0o600, flag: 'wx' });
    return generated;
  }
}

/** Where front ends usually run while being developed: Vite, Create React App / Next, Angular, webpack. */
const developmentOrigins = [5173, 3000, 4200, 8080].flatMap((port) => [`http://localhost:${port}`, `http://127.0.0.1:${port}`]);

/**
 * CORS_ORIGINS: a comma-separated list of origins (`https://app.example.com`), or `*`. Unset: the
 * usual local development origins outside production, none in production.
 */
function corsOrigins(env: Env, appEnv: Config['env']): string[] {
  const raw = env.CORS_ORIGINS;
  if (raw === undefined) return appEnv === 'production' ? [] : developmentOrigins;
  const origins = raw.split(',').map((origin) => origin.trim()).filter((origin) => origin !== '');
  for (const origin of origins) {
    if (origin === '*') continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(`CORS_ORIGINS: ${JSON.stringify(origin)} is not an origin (scheme://host[:port], no path or trailing slash)`);
    }
  }
  return origins;
}

export function loadConfig(env: Env = process.env): Config {
  const appEnv = env.NODE_ENV === 'production' || env.NODE_ENV === 'test' ? env.NODE_ENV : 'development';
  const dataDir = env.DATA_DIR ?? paths.dataDir;
  const url = databaseUrl(env);
  if (appEnv === 'production' && url === undefined) {
    throw new ConfigError('DATABASE_URL (or DB_HOST and friends) is required in production');
  }
  const readUrl = databaseReadUrl(env);
  if (readUrl !== undefined && url === undefined) {
    throw new ConfigError('DATABASE_READ_URL (or DB_READ_HOST) names a replica of DATABASE_URL (or DB_HOST), which is not set');
  }
  return {
    env: appEnv,
    port: integer(env, 'PORT', 8000, 0, 65535),
    databaseUrl: url,
    databaseReadUrl: readUrl,
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
    jwtSecret: jwtSecret(env, appEnv, dataDir),
    jwtTtlSeconds: integer(env, 'JWT_TTL_SECONDS', 3600, 60, 86400),
    logLevel: env.LOG_LEVEL ?? (appEnv === 'test' ? 'silent' : 'info'),
    webConcurrency: integer(env, 'WEB_CONCURRENCY', 1, 1, 64),
    trustProxy: integer(env, 'TRUST_PROXY', 0, 0, 10),
    validateResponses: env.VALIDATE_RESPONSES ? env.VALIDATE_RESPONSES === 'true' : appEnv !== 'production',
    migrateOnStart: env.MIGRATE_ON_START ? env.MIGRATE_ON_START === 'true' : appEnv !== 'production',
    corsOrigins: corsOrigins(env, appEnv),
    rateLimits: rateLimitsFrom(env, appEnv),
    metricsPort: metricsPort(env, integer(env, 'PORT', 8000, 0, 65535)),
    dataDir,
  };
}

/** How long Node's HTTP server waits on a client. Kept out of Config: only server.ts reads it. */
export type HttpTimeouts = { headersMs: number; requestMs: number; keepAliveMs: number };

/**
 * Headers arrive in one packet from any real client, so 10 s is generous and ends a slowloris
 * early. A whole request may take 120 s: the largest body, a 20 MiB statement, still fits at
 * 1.4 Mbit/s (a poor ADSL uplink; 4G and cable upload at 5–50). Keep-alive outlasts the ALB's
 * 60 s idle timeout, so the load balancer, never Node, closes an idle connection (otherwise a
 * request can meet a socket Node is closing, and the ALB answers 502).
 */
export function loadHttpTimeouts(env: Env = process.env): HttpTimeouts {
  const headers = integer(env, 'HTTP_HEADERS_TIMEOUT_SECONDS', 10, 1, 600);
  const request = integer(env, 'HTTP_REQUEST_TIMEOUT_SECONDS', 120, 1, 3600);
  if (headers > request) {
    throw new ConfigError('HTTP_HEADERS_TIMEOUT_SECONDS must not exceed HTTP_REQUEST_TIMEOUT_SECONDS');
  }
  const keepAlive = integer(env, 'HTTP_KEEP_ALIVE_TIMEOUT_SECONDS', 65, 1, 3600);
  return { headersMs: headers * 1000, requestMs: request * 1000, keepAliveMs: keepAlive * 1000 };
}
