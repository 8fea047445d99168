import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { asOwner } from './helpers/database.ts';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** The server's maintenance database: a database refusing connections cannot be reached through itself. */
function serverUrl(): string {
  const url = process.env.SPENDSENSE_TEST_SERVER_URL;
  if (!url) throw new Error('SPENDSENSE_TEST_SERVER_URL is not set: run the tests with `npm test`');
  return url;
}

/** Asks /readyz until it answers `status` (the pool needs a moment to reconnect), at most ~5 s. */
async function readinessUntil(status: number) {
  let response = await t.api.get('/readyz');
  for (let attempt = 0; attempt < 25 && response.status !== status; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    response = await t.api.get('/readyz');
  }
  return response;
}

describe('GET /healthz', () => {
  it('answers 200 {status: ok}', async () => {
    const response = await t.api.get('/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });
});

describe('GET /readyz', () => {
  it('answers 200 with the database and migration checks when all is well', async () => {
    const response = await t.api.get('/readyz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', checks: { database: 'ok', migrations: 'ok' } });
  });

  it('answers 503 problem+json while the database refuses connections (liveness stays 200), and 200 once it accepts them again', async () => {
    const name = t.database.name;
    await asOwner(serverUrl(), `alter database ${name} allow_connections false`);
    try {
      await asOwner(serverUrl(), 'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
      const down = await readinessUntil(503);
      expect(down.status).toBe(503);
      expect(down.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(down.body).toMatchObject({ type: '/problems/service-unavailable', status: 503 });
      // Liveness must not depend on the database, or an outage would restart every task.
      expect((await t.api.get('/healthz')).status).toBe(200);
    } finally {
      await asOwner(serverUrl(), `alter database ${name} allow_connections true`);
    }
    const recovered = await readinessUntil(200);
    expect(recovered.status).toBe(200);
    expect(recovered.body).toMatchObject({ status: 'ok' });
  });

  it('answers 503 while a migration file has not been applied', async () => {
    const [removed] = (await asOwner<{ version: number; name: string }>(t.database.url, 'delete from schema_migrations where version = 1 returning version, name')).rows;
    expect(removed).toBeDefined();
    try {
      const response = await t.api.get('/readyz');
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ type: '/problems/service-unavailable', status: 503 });
      expect(response.body.detail).toMatch(/migration/);
    } finally {
      await asOwner(t.database.url, 'insert into schema_migrations (version, name) values ($1, $2)', [removed!.version, removed!.name]);
    }
    expect((await t.api.get('/readyz')).status).toBe(200);
  });
});

describe('security headers', () => {
  it("sends helmet's headers on API answers and problems alike", async () => {
    for (const response of [await t.api.get('/healthz'), await t.api.get('/v1/no-such-route')]) {
      expect(response.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'x-frame-options': 'SAMEORIGIN',
        'cross-origin-resource-policy': 'same-origin',
        'referrer-policy': 'no-referrer',
      });
      expect(response.headers['x-powered-by']).toBeUndefined();
      expect(response.headers['content-security-policy']).toBeUndefined();
    }
  });
});

describe('X-Request-Id', () => {
  it('echoes a well-formed id the client sends', async () => {
    const response = await t.api.get('/healthz', { headers: { 'X-Request-Id': 'client-req_42.a:b' } });
    expect(response.headers['x-request-id']).toBe('client-req_42.a:b');
  });

  it('names problem bodies with the same request id as the header', async () => {
    const response = await t.api.get('/v1/no-such-route', { headers: { 'X-Request-Id': 'trace-404' } });
    expect(response.status).toBe(404);
    expect(response.headers['x-request-id']).toBe('trace-404');
    expect(response.body.request_id).toBe('trace-404');
  });

  it('generates a UUID when the client sends none', async () => {
    const first = await t.api.get('/healthz');
    const second = await t.api.get('/healthz');
    expect(first.headers['x-request-id']).toMatch(uuidPattern);
    expect(second.headers['x-request-id']).toMatch(uuidPattern);
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });

  it.each([
    ['longer than 128 characters', 'a'.repeat(200)],
    ['containing spaces', 'has spaces in it'],
    ['containing markup', '<script>alert(1)</script>'],
  ])('replaces an id %s with a generated UUID', async (_why, sent) => {
    const response = await t.api.get('/healthz', { headers: { 'X-Request-Id': sent } });
    expect(response.headers['x-request-id']).toMatch(uuidPattern);
  });
});
