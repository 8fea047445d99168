// The typed client (`spendsense/client`) against the real app listening on an ephemeral port, with
// a real PostgreSQL: auth, cursor pages, Idempotency-Key and its retry, ProblemError, the money
// helpers, and the package export itself — built, installed under node_modules, type-checked
// strictly and run by Node as a consumer would.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  createSpendSenseClient,
  formatMoney,
  fromDecimalString,
  ProblemError,
  toDecimalString,
  type components,
  type SpendSenseClientOptions,
} from '../src/client/index.ts';
import { currencyExponents } from '../src/money/currencies.ts';
import { projectRoot } from '../src/paths.ts';
import { listenOnLoopback, startTestApp, type TestApp } from './helpers/app.ts';

type Transaction = components['schemas']['Transaction'];

let t: TestApp;
let listening: Awaited<ReturnType<typeof listenOnLoopback>>;
let api: string;
beforeAll(async () => {
  t = await startTestApp();
  listening = await listenOnLoopback(t.app);
  api = listening.origin;
});
afterAll(async () => {
  await listening.close();
  await t.close();
});

const password = 'correct horse battery';
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const client = (options: SpendSenseClientOptions = {}) => createSpendSenseClient({ baseUrl: api, ...options });

/** A client signed up as a new user, and that user's email. */
async function signedUp(options: SpendSenseClientOptions = {}) {
  const signedIn = client(options);
  const email = `client-${randomUUID()}@example.com`;
  await signedIn.signUp({ email, password, default_currency: 'EUR' });
  return { client: signedIn, email };
}

async function euroAccount(owner: ReturnType<typeof client>, name = `Everyday ${randomUUID()}`) {
  const { data } = await owner.POST('/v1/accounts', { body: { name, type: 'checking', currency: 'EUR', opening_balance: 0 } });
  return data;
}

const coffee = (accountId: string, fields: Partial<components['schemas']['TransactionCreate']> = {}) => ({
  account_id: accountId,
  date: '2026-03-14',
  amount: -450,
  description: 'CARD 4411 BLUE BOTTLE COFFEE SF',
  status: 'posted' as const,
  ...fields,
});

/** A fetch that hands every request to `answer` with its attempt number (1-based), after noting it. */
function scriptedFetch(answer: (request: Request, attempt: number) => Promise<Response>) {
  const sent: Request[] = [];
  const fetch = (request: Request) => {
    sent.push(request);
    return answer(request, sent.length);
  };
  return { fetch, sent };
}

const unavailable = (retryAfter: string) =>
  new Response(JSON.stringify({ type: '/problems/service-unavailable', title: 'Service unavailable', status: 503 }), {
    status: 503,
    headers: { 'Content-Type': 'application/problem+json', 'Retry-After': retryAfter },
  });

async function thrown(call: Promise<unknown>): Promise<ProblemError> {
  const error = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ProblemError)) throw new Error(`expected a ProblemError, got ${String(error)}`);
  return error;
}

describe('client auth', () => {
  it('signs up, then sends the token it got with every call', async () => {
    const { client: signedIn, email } = await signedUp();
    expect(signedIn.token).toEqual(expect.any(String));
    const { data: me } = await signedIn.GET('/v1/me');
    expect(me.email).toBe(email);
  });

  it('signs in with email and password on a fresh client, and stops sending a token it was told to drop', async () => {
    const { email } = await signedUp();
    const fresh = client();
    expect((await thrown(fresh.GET('/v1/me'))).status).toBe(401);
    await fresh.signIn(email, password);
    expect((await fresh.GET('/v1/me')).data.email).toBe(email);
    fresh.setToken(undefined);
    expect((await thrown(fresh.GET('/v1/me'))).type).toBe('/problems/unauthorized');
  });

  it('signs out: the token it held stops working and it sends none', async () => {
    const { client: signedIn } = await signedUp();
    const token = signedIn.token!;
    await signedIn.signOut();
    expect(signedIn.token).toBeUndefined();
    expect((await thrown(client({ token }).GET('/v1/me'))).status).toBe(401);
  });

  it('authenticates with a personal API key given as the token', async () => {
    const { client: owner, email } = await signedUp();
    const { data: key } = await owner.POST('/v1/api-keys', { body: { name: 'client test' } });
    expect(key.secret).toMatch(/^ss_/);
    const withKey = client({ token: key.secret });
    expect((await withKey.GET('/v1/me')).data.email).toBe(email);
  });
});

describe('client.paginate', () => {
  let owner: ReturnType<typeof client>;
  let accountId: string;
  let created: Transaction[];
  beforeAll(async () => {
    ({ client: owner } = await signedUp());
    accountId = (await euroAccount(owner)).id;
    const otherAccount = await euroAccount(owner);
    // Rows share dates, so the order also rests on the id tie-break; another account's rows must stay out.
    const bodies = Array.from({ length: 120 }, (_, i) => coffee(accountId, { date: `2026-03-${String((i % 28) + 1).padStart(2, '0')}`, amount: -(i + 1) }));
    created = [];
    for (let start = 0; start < bodies.length; start += 12) {
      const batch = bodies.slice(start, start + 12).map((body) => owner.POST('/v1/transactions', { body }));
      created.push(...(await Promise.all(batch)).map(({ data }) => data));
    }
    await Promise.all([1, 2, 3].map(() => owner.POST('/v1/transactions', { body: coffee(otherAccount.id) })));
  });

  it('walks 120 transactions across pages without gaps or repeats, in the list order, keeping the filter', async () => {
    const seen: Transaction[] = [];
    for await (const transaction of owner.paginate('/v1/transactions', { params: { query: { account_id: accountId, limit: 25 } } })) {
      seen.push(transaction);
    }
    const listOrder = [...created].sort((a, b) => (a.date !== b.date ? (a.date < b.date ? 1 : -1) : a.id < b.id ? 1 : -1));
    expect(seen.map((transaction) => transaction.id)).toEqual(listOrder.map((transaction) => transaction.id));
    expect(new Set(seen.map((transaction) => transaction.id)).size).toBe(120);
  });

  it('yields whole pages with client.pages, the last with next_cursor null', async () => {
    const sizes: number[] = [];
    const cursors: (string | null)[] = [];
    for await (const page of owner.pages('/v1/transactions', { params: { query: { account_id: accountId, limit: 50 } } })) {
      sizes.push(page.data.length);
      cursors.push(page.next_cursor);
    }
    expect(sizes).toEqual([50, 50, 20]);
    expect(cursors.map((cursor) => cursor === null)).toEqual([false, false, true]);
  });
});

describe('Idempotency-Key on creates', () => {
  it('gives each create a fresh UUID key, and none to reads or sign-in', async () => {
    const { email } = await signedUp();
    const recorder = scriptedFetch((request) => globalThis.fetch(request));
    const recorded = client({ fetch: recorder.fetch });
    await recorded.signIn(email, password);
    const account = await euroAccount(recorded);
    await recorded.POST('/v1/transactions', { body: coffee(account.id) });
    await recorded.GET('/v1/accounts');
    const keys = recorder.sent.map((request) => [`${request.method} ${new URL(request.url).pathname}`, request.headers.get('idempotency-key')]);
    expect(keys).toEqual([
      ['POST /v1/auth/token', null],
      ['POST /v1/accounts', expect.stringMatching(uuid)],
      ['POST /v1/transactions', expect.stringMatching(uuid)],
      ['GET /v1/accounts', null],
    ]);
    expect(keys[1]![1]).not.toBe(keys[2]![1]);
  });

  it("keeps the caller's key: the same key replays the first create, marked Idempotent-Replayed", async () => {
    const { client: owner } = await signedUp();
    const account = await euroAccount(owner);
    const key = randomUUID();
    const init = { body: coffee(account.id), params: { header: { 'Idempotency-Key': key } } };
    const first = await owner.POST('/v1/transactions', init);
    const again = await owner.POST('/v1/transactions', init);
    expect(again.data.id).toBe(first.data.id);
    expect(first.response.headers.get('idempotent-replayed')).toBeNull();
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
  });

  it('resends a create after a 503, waiting its Retry-After, under the same key, and the create is recorded once', async () => {
    const { client: signedIn } = await signedUp();
    // The first attempt reaches the API and commits, but its answer is lost behind a 503.
    const flaky = scriptedFetch(async (request, attempt) => {
      const real = await globalThis.fetch(request);
      if (attempt > 1) return real;
      await real.arrayBuffer();
      return unavailable('1');
    });
    const owner = client({ token: signedIn.token!, fetch: flaky.fetch });
    const account = await euroAccount(signedIn);
    const started = performance.now();
    const { data, response } = await owner.POST('/v1/transactions', { body: coffee(account.id) });
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(flaky.sent.map((request) => request.headers.get('idempotency-key'))).toEqual([expect.stringMatching(uuid), flaky.sent[0]!.headers.get('idempotency-key')]);
    expect(response.headers.get('idempotent-replayed')).toBe('true');
    const { data: list } = await owner.GET('/v1/transactions', { params: { query: { account_id: account.id } } });
    expect(list.data.map((transaction) => transaction.id)).toEqual([data.id]);
  });

  it('resends a create after a network error under the same key, recording it once', async () => {
    const { client: signedIn } = await signedUp();
    const dropped = scriptedFetch(async (request, attempt) => {
      const real = await globalThis.fetch(request);
      if (attempt > 1) return real;
      await real.arrayBuffer();
      throw new TypeError('fetch failed');
    });
    const owner = client({ token: signedIn.token!, fetch: dropped.fetch, retry: { baseDelayMs: 5 } });
    const account = await euroAccount(signedIn);
    const { data } = await owner.POST('/v1/transactions', { body: coffee(account.id) });
    expect(dropped.sent).toHaveLength(2);
    const { data: list } = await owner.GET('/v1/transactions', { params: { query: { account_id: account.id } } });
    expect(list.data.map((transaction) => transaction.id)).toEqual([data.id]);
  });

  it('does not resend a POST without a key, nor wait out a long Retry-After, and stops after its retries', async () => {
    const always503 = (retryAfter: string) => scriptedFetch(async () => unavailable(retryAfter));
    const signIn = always503('0');
    const error = await thrown(client({ fetch: signIn.fetch }).signIn('nobody@example.com', password));
    expect([error.status, error.retryAfterSeconds, signIn.sent.length]).toEqual([503, 0, 1]);

    const long = always503('120');
    expect((await thrown(client({ fetch: long.fetch }).GET('/v1/accounts'))).retryAfterSeconds).toBe(120);
    expect(long.sent).toHaveLength(1);

    const short = always503('0');
    await thrown(client({ fetch: short.fetch, retry: { retries: 2 } }).GET('/v1/accounts'));
    expect(short.sent).toHaveLength(3);
  });

  it('waits out a rate limit (429) even on a POST without a key: the refused request changed nothing', async () => {
    const limited = scriptedFetch(async (request, attempt) =>
      attempt > 1
        ? globalThis.fetch(request)
        : new Response(JSON.stringify({ type: '/problems/too-many-requests', title: 'Too many requests', status: 429 }), {
            status: 429,
            headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '1' },
          }),
    );
    const result = await client({ fetch: limited.fetch }).signUp({ email: `limited-${Date.now()}@example.com`, password, default_currency: 'EUR' });
    expect(limited.sent.map((request) => request.method)).toEqual(['POST', 'POST']);
    expect(limited.sent[0]!.headers.get('idempotency-key')).toBeNull();
    expect(result.user.email).toMatch(/^limited-/);
  });
});

describe('ProblemError', () => {
  let owner: ReturnType<typeof client>;
  let accountId: string;
  beforeAll(async () => {
    ({ client: owner } = await signedUp());
    accountId = (await euroAccount(owner)).id;
  });

  it('is thrown for a body the contract refuses (400), naming the field by pointer', async () => {
    const error = await thrown(owner.POST('/v1/transactions', { body: coffee(accountId, { amount: 4.5 }) }));
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'ProblemError', status: 400, type: '/problems/validation-error', title: expect.any(String) });
    expect(error.errorAt('#/amount')).toMatchObject({ pointer: '#/amount', in: 'body', message: expect.any(String) });
    expect(error.request_id).toBe(error.response.headers.get('x-request-id'));
    expect(error.message).toMatch(/^400 /);
    expect(error.retryAfterSeconds).toBeUndefined();
  });

  it('names a bad query parameter', async () => {
    const error = await thrown(owner.GET('/v1/transactions', { params: { query: { limit: 0 } } }));
    expect(error.status).toBe(400);
    expect(error.errorAt('limit')).toMatchObject({ parameter: 'limit', in: 'query' });
  });

  it('is thrown for an unknown id (404)', async () => {
    const error = await thrown(owner.GET('/v1/transactions/{id}', { params: { path: { id: randomUUID() } } }));
    expect([error.status, error.type, error.errors]).toEqual([404, '/problems/not-found', []]);
  });

  it('still describes an answer that is not problem+json', async () => {
    const proxy = scriptedFetch(async () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    const error = await thrown(client({ fetch: proxy.fetch }).GET('/v1/accounts'));
    expect(error).toMatchObject({ status: 502, type: 'about:blank', title: 'Bad Gateway', detail: '<html>bad gateway</html>' });
  });
});

describe('money helpers', () => {
  it('write minor units as decimal strings by the ISO 4217 exponent', () => {
    expect(toDecimalString(125000, 'EUR')).toBe('1250.00');
    expect(toDecimalString(1200, 'JPY')).toBe('1200');
    expect(toDecimalString(1500, 'KWD')).toBe('1.500');
    expect(toDecimalString(-450, 'USD')).toBe('-4.50');
    expect(toDecimalString(-5, 'BHD')).toBe('-0.005');
    expect(toDecimalString(0, 'CLF')).toBe('0.0000');
    expect(formatMoney(125000, 'EUR')).toBe('€1,250.00');
  });

  it('read decimal strings as minor units, exactly', () => {
    expect(fromDecimalString('12.34', 'USD')).toBe(1234);
    expect(fromDecimalString('12.3', 'USD')).toBe(1230);
    expect(fromDecimalString('12', 'USD')).toBe(1200);
    expect(fromDecimalString('-0.05', 'USD')).toBe(-5);
    expect(fromDecimalString('1200', 'JPY')).toBe(1200);
    expect(fromDecimalString('1.5', 'KWD')).toBe(1500);
    expect(Object.is(fromDecimalString('-0.00', 'EUR'), 0)).toBe(true);
    expect(fromDecimalString('90071992547409.91', 'USD')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([
    ['12.345', 'USD', /more than 2 decimal/],
    ['1.5', 'JPY', /more than 0 decimal/],
    ['90071992547409.92', 'USD', /beyond the largest/],
    ['', 'USD', /not a decimal/],
    ['12.', 'USD', /not a decimal/],
    ['.5', 'USD', /not a decimal/],
    ['1e3', 'USD', /not a decimal/],
    ['1,50', 'EUR', /not a decimal/],
    ['+1', 'USD', /not a decimal/],
    ['1', 'XYZ', /not an ISO 4217/],
  ])('refuse %j %s', (decimal, currency, message) => {
    expect(() => fromDecimalString(decimal, currency)).toThrow(message);
  });

  it('refuse amounts that are not safe integers, and unknown currencies', () => {
    expect(() => toDecimalString(4.5, 'USD')).toThrow(RangeError);
    expect(() => toDecimalString(Number.MAX_SAFE_INTEGER + 1, 'USD')).toThrow(RangeError);
    expect(() => toDecimalString(100, 'XYZ')).toThrow(/not an ISO 4217/);
  });

  const currencies = fc.constantFrom(...Object.keys(currencyExponents));
  const amounts = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

  it('round-trip every safe amount in every currency, with exactly the exponent’s decimals', () => {
    fc.assert(
      fc.property(currencies, amounts, (currency, minor) => {
        const decimal = toDecimalString(minor, currency);
        const exponent = (currencyExponents as Record<string, number>)[currency]!;
        expect(decimal).toMatch(exponent === 0 ? /^-?\d+$/ : new RegExp(`^-?\\d+\\.\\d{${exponent}}$`));
        expect(BigInt(decimal.replace('.', ''))).toBe(BigInt(minor));
        expect(fromDecimalString(decimal, currency)).toBe(minor);
      }),
      { numRuns: 500 },
    );
  });
});

const execute = promisify(execFile);
const tsc = (project: string) => execute(process.execPath, [`${projectRoot}node_modules/typescript/bin/tsc`, '-p', project]);

/** Every file under `directory`, as paths relative to `root`. */
function filesUnder(root: string, directory: string): string[] {
  return readdirSync(`${root}/${directory}`, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(root, `${directory}/${entry.name}`) : [`${directory}/${entry.name}`],
  );
}

describe('the spendsense/client export', () => {
  it('builds, installs under node_modules, type-checks a strict consumer and runs it on Node', async () => {
    const project = mkdtempSync(`${tmpdir()}/spendsense-consumer-`);
    try {
      const installed = `${project}/node_modules/spendsense`;
      await execute(process.execPath, [`${projectRoot}node_modules/typescript/bin/tsc`, '-p', `${projectRoot}tsconfig.client.json`, '--outDir', `${installed}/dist`]);
      const manifest = JSON.parse(readFileSync(`${projectRoot}package.json`, 'utf8')) as { files: string[]; exports: Record<string, unknown> };
      writeFileSync(`${installed}/package.json`, JSON.stringify(manifest));
      // What `npm pack` would ship: every built file must be listed in `files`.
      const shipped = (path: string) => manifest.files.some((entry) => new RegExp(`^${entry.replaceAll('.', '\\.').replaceAll('*', '[^/]*')}(/|$)`).test(path));
      expect(filesUnder(installed, 'dist').filter((path) => !shipped(path))).toEqual([]);
      expect(manifest.exports['./client']).toEqual({ types: './dist/client/index.d.ts', default: './dist/client/index.js' });

      for (const dependency of ['openapi-fetch', 'openapi-typescript-helpers']) {
        symlinkSync(`${projectRoot}node_modules/${dependency}`, `${project}/node_modules/${dependency}`);
      }
      copyFileSync(`${projectRoot}examples/client/first-session.ts`, `${project}/first-session.ts`);
      copyFileSync(`${projectRoot}examples/client/tsconfig.json`, `${project}/tsconfig.json`);
      writeFileSync(`${project}/package.json`, JSON.stringify({ name: 'consumer', private: true, type: 'module' }));

      await tsc(project);
      const run = "const { firstSession } = await import('./first-session.ts'); await firstSession(process.env.SPENDSENSE_URL, console.log);";
      const { stdout } = await execute(process.execPath, ['--input-type=module', '-e', run], { cwd: project, env: { ...process.env, SPENDSENSE_URL: api } });
      expect(stdout.trim().split('\n')).toEqual([
        'opening balance: €1,250.00',
        '2026-03-14 -4.50 EUR Blue Bottle Coffee',
        '404 /problems/not-found',
      ]);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }, 60_000);
});
