// What a front end on another origin meets: CORS from the allow-list, and compressed answers.
import { once } from 'node:events';
import { get, type IncomingMessage } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { listenOnLoopback, startTestApp, type TestApp } from './helpers/app.ts';
import { factoriesFor } from './helpers/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(); // allows http://localhost:5173 (test/helpers/app.ts)
});
afterAll(async () => t.close());
const { newUser, createAccount } = factoriesFor(() => t);

const allowed = 'http://localhost:5173';

describe('CORS', () => {
  it('answers a preflight from an allowed origin with what a front end needs, cached', async () => {
    const response = await request(t.app)
      .options('/v1/transactions')
      .set('Origin', allowed)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type, idempotency-key');
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(allowed);
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    const headers = String(response.headers['access-control-allow-headers']).toLowerCase();
    for (const header of ['authorization', 'content-type', 'idempotency-key', 'if-match']) expect(headers).toContain(header);
    expect(String(response.headers['access-control-allow-methods'])).toMatch(/PATCH/);
    expect(Number(response.headers['access-control-max-age'])).toBeGreaterThanOrEqual(600);
  });

  it('lets an allowed page read the answer and its headers', async () => {
    const user = await newUser();
    const response = await request(t.app).get('/v1/me').set('Origin', allowed).set('Authorization', `Bearer ${user.token}`);
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(allowed);
    const exposed = String(response.headers['access-control-expose-headers']).toLowerCase();
    for (const header of ['etag', 'location', 'x-request-id', 'retry-after', 'ratelimit', 'idempotent-replayed']) expect(exposed).toContain(header);
    expect(String(response.headers.vary)).toMatch(/Origin/i);
  });

  it('gives an origin that is not listed no CORS headers', async () => {
    const preflight = await request(t.app).options('/v1/me').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const user = await newUser();
    const response = await request(t.app).get('/v1/me').set('Origin', 'https://evil.example').set('Authorization', `Bearer ${user.token}`);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('routes an OPTIONS that is not a preflight like any other method (405)', async () => {
    const response = await request(t.app).options('/v1/me').set('Origin', allowed);
    expect(response.status).toBe(405);
  });
});

describe('compression', () => {
  async function pageOfTransactions() {
    const user = await newUser({}, { autoCategorize: false });
    const account = await createAccount(user);
    const items = Array.from({ length: 200 }, (_, i) => ({
      account_id: account.id,
      date: '2026-03-01',
      amount: -(100 + i),
      description: `COFFEE SHOP ${i}`,
    }));
    expect((await t.api.post('/v1/transactions/batch', { transactions: items }, { token: user.token })).status).toBe(201);
    return user;
  }

  /** The answer's bytes as they crossed the wire (supertest would decompress them). */
  async function rawGet(path: string, headers: Record<string, string>) {
    const listening = await listenOnLoopback(t.app);
    try {
      const [response] = (await once(get(`${listening.origin}${path}`, { headers }), 'response')) as [IncomingMessage];
      const chunks: Buffer[] = [];
      for await (const chunk of response) chunks.push(chunk as Buffer);
      return { status: response.statusCode, encoding: response.headers['content-encoding'], body: Buffer.concat(chunks) };
    } finally {
      await listening.close();
    }
  }

  const decoders: [string, (compressed: Buffer) => Buffer][] = [
    ['br', (compressed) => brotliDecompressSync(compressed)],
    ['gzip', (compressed) => gunzipSync(compressed)],
  ];
  it.each(decoders)('answers a 200-row page in %s when asked, several times smaller', async (encoding, decompress) => {
    const user = await pageOfTransactions();
    const response = await rawGet('/v1/transactions?limit=200', { authorization: `Bearer ${user.token}`, 'accept-encoding': encoding });
    expect(response.status).toBe(200);
    expect(response.encoding).toBe(encoding);
    const plain = decompress(response.body);
    expect(JSON.parse(plain.toString('utf8')).data).toHaveLength(200);
    expect(response.body.length * 4).toBeLessThan(plain.length);
  });

  it('sends identity to a client that asks for no encoding, and leaves small answers alone', async () => {
    const user = await pageOfTransactions();
    const plain = await request(t.app).get('/v1/transactions?limit=200').set('Authorization', `Bearer ${user.token}`).set('Accept-Encoding', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const small = await request(t.app).get('/healthz').set('Accept-Encoding', 'br, gzip');
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it('compresses a streamed export', async () => {
    const user = await pageOfTransactions();
    const response = await request(t.app).get('/v1/transactions/export?format=csv').set('Authorization', `Bearer ${user.token}`).set('Accept-Encoding', 'gzip');
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.text.split('\n').length).toBeGreaterThan(200);
  });
});
