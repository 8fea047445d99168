import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { Express } from 'express';
import type { Operation } from 'openapi-backend';
import { pino } from 'pino';
import type { DatabasePool } from 'slonik';
import request from 'supertest';
import { createApp } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';
import { createDatabasePool } from '../../src/db/pool.ts';
import { createContractBackend, loadContract } from '../../src/http/contract.ts';
import type { components } from '../../src/generated/api.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

/** A schema of the contract, as the generated types have it: what tests read answers as. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

export const testConfig: Config = {
  env: 'test',
  port: 0,
  databaseUrl: undefined,
  databasePoolSize: 5,
  jwtSecret: 'test-secret-test-secret-test-secret-0123',
  jwtTtlSeconds: 900,
  logLevel: 'silent',
  webConcurrency: 1,
  trustProxy: 0,
  validateResponses: true,
  migrateOnStart: true,
  corsOrigins: ['http://localhost:5173'],
  rateLimits: null,
  // In-process tests record no request metrics; test/metrics.test.ts runs the real server.
  metricsPort: null,
  dataDir: '/nonexistent',
};

const contract = createContractBackend(loadContract());
await contract.init();

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const problemSchema = (contract.definition.components?.schemas as Record<string, object>).Problem!;
const validateProblem = ajv.compile(problemSchema);

/** Statuses any route may answer without declaring them: 405 (routing) and 500 (a bug, reported as such). */
const routeLevelStatuses = new Set([405, 500]);

/**
 * Holds every answer to the contract: the body of a status the operation declares must match its
 * schema; an error status it does not declare fails the test (unless route-level); every error is
 * problem+json with the Problem shape.
 */
export function assertContract(method: string, path: string, response: request.Response): void {
  const status = response.status;
  const where = `${method} ${path} → ${status}`;
  if (status >= 400) {
    if (!/^application\/problem\+json/.test(String(response.headers['content-type']))) {
      throw new Error(`${where}: error answered as ${response.headers['content-type']}, not problem+json`);
    }
    if (!validateProblem(response.body)) {
      throw new Error(`${where}: not a Problem: ${ajv.errorsText(validateProblem.errors)}`);
    }
  }
  const operation = contract.router.matchOperation({ method, path: path.split('?')[0]!, headers: {} }) as Operation | undefined;
  if (!operation) return;
  const responses = operation.responses ?? {};
  const declared = String(status) in responses || `${String(status)[0]}XX` in responses;
  if (!declared) {
    if (routeLevelStatuses.has(status)) return;
    throw new Error(`${where}: status not declared for ${operation.operationId}`);
  }
  const mediaType = String(response.headers['content-type'] ?? '').split(';')[0]!;
  if (mediaType && !/json$/.test(mediaType)) {
    // A non-JSON answer (a CSV export) is held to the media types its status declares, not to a JSON schema.
    const declaredTypes = Object.keys((responses as Record<string, { content?: object }>)[String(status)]?.content ?? {});
    if (!declaredTypes.includes(mediaType)) throw new Error(`${where}: answered ${mediaType}, declared ${declaredTypes.join(', ')}`);
    return;
  }
  const body = response.status === 204 || response.text === '' ? null : response.body;
  const result = contract.validateResponse(body, operation, status);
  if (result.errors?.length) {
    throw new Error(`${where}: body violates the contract: ${JSON.stringify(result.errors)}`);
  }
}

type Options = { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string; contentType?: string };

/** A supertest client whose every answer is checked against the contract. */
export function contractClient(app: Express) {
  const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', path: string, options: Options = {}) => {
    let pending = request(app)[method.toLowerCase() as 'get'](path);
    if (options.token) pending = pending.set('Authorization', `Bearer ${options.token}`);
    for (const [name, value] of Object.entries(options.headers ?? {})) pending = pending.set(name, value);
    if (options.raw !== undefined) {
      pending = pending.set('Content-Type', options.contentType ?? 'application/json').send(options.raw);
    } else if (options.body !== undefined) {
      pending = pending.send(options.body as object);
    }
    const response = await pending;
    assertContract(method, path, response);
    return response;
  };
  return {
    get: (path: string, options?: Options) => call('GET', path, options),
    post: (path: string, body?: unknown, options?: Options) => call('POST', path, { ...options, body }),
    patch: (path: string, body?: unknown, options?: Options) => call('PATCH', path, { ...options, body }),
    delete: (path: string, options?: Options) => call('DELETE', path, options),
    call,
  };
}
export type ContractClient = ReturnType<typeof contractClient>;

export type TestApp = {
  app: Express;
  api: ContractClient;
  pool: DatabasePool;
  database: TestDatabase;
  close: () => Promise<void>;
};

/** The app on a real HTTP origin (127.0.0.1, an ephemeral port), for clients that need one (fetch, curl, raw bytes). */
export async function listenOnLoopback(app: Express): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** The real app on its own fresh, migrated database. */
export async function startTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const pool = await createDatabasePool(database.url, { maximumPoolSize: 5 });
  const userPool = await createDatabasePool(database.url, { maximumPoolSize: 5 });
  const app = await createApp({ config: { ...testConfig, ...overrides }, pool, userPool, logger: pino({ level: overrides.logLevel ?? 'silent' }) });
  return {
    app,
    api: contractClient(app),
    pool,
    database,
    close: async () => {
      await Promise.all([pool.end(), userPool.end()]);
      await database.drop();
    },
  };
}

let userCounter = 0;

/** Signs a new user up and returns its token and id. */
export async function signUp(api: ContractClient, overrides: Record<string, unknown> = {}) {
  userCounter += 1;
  const email = `user${userCounter}-${Date.now()}@example.com`;
  const response = await api.post('/v1/auth/signup', { email, password: 'correct horse battery', ...overrides });
  if (response.status !== 201) throw new Error(`signup failed: ${response.status} ${response.text}`);
  return { token: response.body.access_token as string, user: response.body.user as { id: string; email: string }, email };
}
