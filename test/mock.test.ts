// The Prism mock (npm run mock) is what client developers build against before the API exists:
// its answers must be ones the real API may give, or the contract's examples have drifted.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { freePort } from '../src/db/embedded.ts';
import { paths, projectRoot } from '../src/paths.ts';
import { assertContract } from './helpers/app.ts';

const startupTimeoutMs = 30_000;

let prism: ChildProcess;
let baseUrl: string;
let output = '';

async function waitUntilAnswering(url: string): Promise<void> {
  const deadline = Date.now() + startupTimeoutMs;
  while (Date.now() < deadline) {
    if (prism.exitCode !== null) throw new Error(`prism exited with ${prism.exitCode}:\n${output}`);
    try {
      await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`prism did not answer within ${startupTimeoutMs} ms:\n${output}`);
}

beforeAll(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const bin = `${projectRoot}node_modules/.bin`;
  prism = spawn(`${bin}/prism`, ['mock', '--host', '127.0.0.1', '--port', String(port), paths.bundledSpecJson], {
    cwd: projectRoot,
    // Prism runs on the project's Node (node_modules/.bin/node), not whatever the machine has.
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prism.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  prism.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitUntilAnswering(baseUrl);
}, 60_000);

afterAll(async () => {
  if (!prism || prism.exitCode !== null || prism.signalCode !== null) return;
  const exited = once(prism, 'exit');
  prism.kill('SIGTERM');
  await exited;
}, 60_000);

describe('the Prism mock of the contract', () => {
  it('answers GET /v1/accounts with a bearer token with a declared status and a conforming body', async () => {
    const response = await request(baseUrl).get('/v1/accounts').set('Authorization', 'Bearer x');
    expect(response.status).toBe(200);
    assertContract('GET', '/v1/accounts', response);
    expect(Array.isArray(response.body.data)).toBe(true);
  });

  it('answers POST /v1/auth/token with valid credentials with a conforming access token', async () => {
    const response = await request(baseUrl)
      .post('/v1/auth/token')
      .send({ email: 'ada@example.com', password: 'correct horse battery staple' });
    expect(response.status).toBe(200);
    assertContract('POST', '/v1/auth/token', response);
    expect(response.body.token_type).toBe('Bearer');
  });

  it('answers GET /v1/accounts without Authorization with a 401 problem', async () => {
    const response = await request(baseUrl).get('/v1/accounts');
    expect(response.status).toBe(401);
    assertContract('GET', '/v1/accounts', response);
  });

  it('answers POST /v1/auth/token with an invalid body with a declared 400/422 problem', async () => {
    const response = await request(baseUrl).post('/v1/auth/token').send({ email: 42 });
    expect([400, 422]).toContain(response.status);
    assertContract('POST', '/v1/auth/token', response);
  });
});
