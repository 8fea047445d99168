// Request budgets: the limiter against the real store (leases, windows, concurrency, two
// limiters sharing one budget), the API's headers and 429s, and two server processes on one
// database sharing a user's budget.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DatabasePool } from 'slonik';
import { ConfigError, loadConfig } from '../src/config.ts';
import { freePort } from '../src/db/embedded.ts';
import { createDatabasePool } from '../src/db/pool.ts';
import { leaseSize, RateLimiter } from '../src/http/rate-limit.ts';
import type { RateLimitPolicy, RateLimits } from '../src/http/rate-limit-policies.ts';
import { rateLimitStore } from '../src/http/rate-limit-store.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { createTestDatabase, asOwner, type TestDatabase } from './helpers/database.ts';
import { newUser } from './helpers/factories.ts';
import { startServerProcess, type ServerProcess } from './helpers/server-process.ts';

const policy = (quota: number, windowSeconds = 60, bucket: RateLimitPolicy['bucket'] = 'user'): RateLimitPolicy => ({
  name: 'requests',
  bucket,
  quota,
  windowSeconds,
});

/** A clock the test moves by hand, starting mid-window so no window ends by accident. */
function manualClock() {
  let now = Date.UTC(2026, 11, 2, 12, 0, 30);
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

async function allowedOf(limiter: RateLimiter, limit: RateLimitPolicy, subject: string, requests: number): Promise<number> {
  let allowed = 0;
  for (let index = 0; index < requests; index += 1) if ((await limiter.take(limit, subject)).allowed) allowed += 1;
  return allowed;
}

describe('the limiter on the real store', () => {
  let database: TestDatabase;
  let pool: DatabasePool;
  beforeAll(async () => {
    database = await createTestDatabase();
    pool = await createDatabasePool(database.url, { maximumPoolSize: 4 });
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('admits the quota, refuses the rest until the window ends, then admits again', async () => {
    const clock = manualClock();
    const limiter = new RateLimiter(rateLimitStore(pool), clock.now);
    const limit = policy(5);
    const decisions = [];
    for (let index = 0; index < 7; index += 1) decisions.push(await limiter.take(limit, 'window-user'));
    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, true, true, false, false]);
    expect(decisions.map((decision) => decision.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0]);
    expect(decisions[5]!.resetSeconds).toBe(30);
    clock.advance(30_000);
    expect(await limiter.take(limit, 'window-user')).toMatchObject({ allowed: true, remaining: 4, resetSeconds: 60 });
  });

  it('keeps subjects and buckets apart', async () => {
    const limiter = new RateLimiter(rateLimitStore(pool), manualClock().now);
    expect(await allowedOf(limiter, policy(2), 'apart-a', 3)).toBe(2);
    expect(await allowedOf(limiter, policy(2), 'apart-b', 3)).toBe(2);
    expect(await allowedOf(limiter, policy(2, 60, 'address'), 'apart-a', 3)).toBe(2);
  });

  it('claims a lease at a time: one round trip per lease, not per request', async () => {
    const store = rateLimitStore(pool);
    let claims = 0;
    const counting = { ...store, claim: (...args: Parameters<typeof store.claim>) => ((claims += 1), store.claim(...args)) };
    const limiter = new RateLimiter(counting, manualClock().now);
    const limit = policy(600);
    expect(leaseSize(limit)).toBe(12);
    expect(await allowedOf(limiter, limit, 'lease-user', 120)).toBe(120);
    expect(claims).toBe(10);
  });

  it('admits exactly the quota to concurrent requests', async () => {
    const limiter = new RateLimiter(rateLimitStore(pool), manualClock().now);
    const decisions = await Promise.all(Array.from({ length: 60 }, () => limiter.take(policy(25), 'burst-user')));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(25);
  });

  it('two limiters (two processes) never admit more than the quota between them', async () => {
    const clock = manualClock();
    const [first, second] = [new RateLimiter(rateLimitStore(pool), clock.now), new RateLimiter(rateLimitStore(pool), clock.now)];
    const limit = policy(500);
    let allowed = 0;
    for (let index = 0; index < 600; index += 1) {
      if ((await (index % 2 ? first : second).take(limit, 'shared-user')).allowed) allowed += 1;
    }
    // Each may end the window holding an unspent part of its last lease, never more.
    expect(allowed).toBeLessThanOrEqual(500);
    expect(allowed).toBeGreaterThanOrEqual(500 - 2 * (leaseSize(limit) - 1));
    const [row] = (await asOwner<{ claimed: number }>(database.url, `select claimed from rate_limit_windows where bucket = 'user:shared-user'`)).rows;
    expect(row!.claimed).toBeGreaterThanOrEqual(500);
  });

  it('sweeps windows that have ended', async () => {
    await asOwner(database.url, `insert into rate_limit_windows values ('user:old', 1, 3, now() - interval '2 minutes')`);
    await rateLimitStore(pool).sweep();
    expect((await asOwner(database.url, `select 1 from rate_limit_windows where bucket = 'user:old'`)).rows).toHaveLength(0);
  });
});

describe('configuration', () => {
  const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', JWT_SECRET: 'x'.repeat(32) };
  it('is on outside tests, with lower budgets for imports and exports, and can be switched off', () => {
    const limits = loadConfig(production).rateLimits!;
    expect(limits.perUser).toMatchObject({ name: 'requests', quota: 600, windowSeconds: 60 });
    expect(limits.imports.quota * 3600 / limits.imports.windowSeconds).toBeLessThan(limits.perUser.quota * 3600 / limits.perUser.windowSeconds);
    expect(loadConfig({ ...production, RATE_LIMITS: 'off' }).rateLimits).toBeNull();
    expect(loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32) }).rateLimits).toBeNull();
    expect(loadConfig({ ...production, RATE_LIMIT_PER_USER: '5/10s' }).rateLimits!.perUser).toMatchObject({ quota: 5, windowSeconds: 10 });
    expect(loadConfig({ ...production, RATE_LIMIT_EXPORTS: '2/1h' }).rateLimits!.exports).toMatchObject({ quota: 2, windowSeconds: 3600 });
  });

  it.each([['RATE_LIMITS', 'maybe'], ['RATE_LIMIT_PER_USER', '600'], ['RATE_LIMIT_PER_USER', '0/1m'], ['RATE_LIMIT_IMPORTS', '5/2d'], ['RATE_LIMIT_EXPORTS', '5/90000s']])(
    'refuses %s=%s with a message naming it',
    (name, value) => {
      expect(() => loadConfig({ ...production, [name]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ ...production, [name]: value })).toThrow(name);
    },
  );
});

describe('the API', () => {
  const limits: RateLimits = {
    perUser: policy(8),
    perAddress: policy(6, 60, 'address'),
    imports: { name: 'imports', bucket: 'imports', quota: 2, windowSeconds: 3600 },
    exports: { name: 'exports', bucket: 'exports', quota: 2, windowSeconds: 3600 },
  };
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ rateLimits: limits });
  });
  afterAll(() => t.close());

  it('says the budget on every /v1 answer and answers 429 problem+json once it is spent', async () => {
    // The address budget pays for the sign-up; the user's own budget starts with the first call.
    const user = await newUser(t.api);
    const answers = [];
    for (let index = 0; index < 9; index += 1) answers.push(await t.api.get('/v1/accounts', { token: user.token }));
    expect(answers.slice(0, 8).map((answer) => answer.status)).toEqual(Array(8).fill(200));
    expect(answers[0]!.headers['ratelimit-policy']).toBe('"requests";q=8;w=60');
    expect(answers[0]!.headers.ratelimit).toMatch(/^"requests";r=7;t=\d+$/);
    expect(answers[7]!.headers.ratelimit).toMatch(/^"requests";r=0;t=\d+$/);
    const refused = answers[8]!;
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.body).toMatchObject({ type: '/problems/too-many-requests', status: 429, instance: '/v1/accounts' });
    expect(refused.body.detail).toContain('"requests" limit of 8 requests per 60 seconds');
    // A spent budget answers before validation and changes nothing.
    const create = await t.api.post('/v1/accounts', { name: 'Spent', type: 'checking', currency: 'USD' }, { token: user.token });
    expect(create.status).toBe(429);
    const [row] = (await asOwner<{ count: number }>(t.database.url, 'select count(*)::int as count from accounts where user_id = $1', [user.id])).rows;
    expect(row!.count).toBe(0);
    // Another user has a budget of their own.
    const other = await newUser(t.api);
    expect((await t.api.get('/v1/accounts', { token: other.token })).status).toBe(200);
  });

  it('limits public operations and failed authentication per client address; probes never', async () => {
    const fresh = await startTestApp({ rateLimits: limits });
    try {
      const statuses = [];
      for (let index = 0; index < 4; index += 1) statuses.push((await fresh.api.get('/v1/currencies')).status);
      for (let index = 0; index < 3; index += 1) statuses.push((await fresh.api.get('/v1/accounts', { token: 'forged' })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 401, 401, 429]);
      const signUp = await fresh.api.post('/v1/auth/signup', { email: 'late@example.com', password: 'correct horse battery' });
      expect(signUp.status).toBe(429);
      expect(signUp.headers['ratelimit-policy']).toBe('"requests";q=6;w=60');
      const probe = await fresh.api.get('/healthz');
      expect(probe.status).toBe(200);
      expect(probe.headers.ratelimit).toBeUndefined();
    } finally {
      await fresh.close();
    }
  });

  it('gives exports their own, lower budget on top of the caller’s', async () => {
    const user = await newUser(t.api);
    const exports = [];
    for (let index = 0; index < 3; index += 1) exports.push(await t.api.get('/v1/transactions/export?format=json', { token: user.token }));
    expect(exports.map((answer) => answer.status)).toEqual([200, 200, 429]);
    expect(exports[0]!.headers['ratelimit-policy']).toBe('"requests";q=8;w=60, "exports";q=2;w=3600');
    expect(exports[1]!.headers.ratelimit).toMatch(/^"requests";r=6;t=\d+, "exports";r=0;t=\d+$/);
    expect(exports[2]!.body.detail).toContain('"exports" limit of 2 requests per 3600 seconds');
    expect((await t.api.get('/v1/accounts', { token: user.token })).status).toBe(200);
  });
});

describe('two server processes on one database', () => {
  let database: TestDatabase;
  const servers: ServerProcess[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.kill()));
    await database.drop();
  });

  it('share one budget per user', async () => {
    const env = { DATABASE_URL: database.url, RATE_LIMITS: 'on', RATE_LIMIT_PER_USER: '10/1m' };
    for (let index = 0; index < 2; index += 1) servers.push(startServerProcess({ ...env, PORT: String(await freePort()) }));
    const ports = await Promise.all(servers.map((server) => server.listening()));
    const [first, second] = ports.map((port) => `http://127.0.0.1:${port}`);
    const signUp = await fetch(`${first}/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'shared-budget@example.com', password: 'correct horse battery' }),
    });
    const { access_token: token } = (await signUp.json()) as { access_token: string };
    const statuses: number[] = [];
    for (let index = 0; index < 14; index += 1) {
      const origin = index % 2 ? second : first;
      statuses.push((await fetch(`${origin}/v1/accounts`, { headers: { authorization: `Bearer ${token}` } })).status);
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.slice(10)).toEqual([429, 429, 429, 429]);
  }, 90_000);
});
