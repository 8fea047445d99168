import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { signUp, startTestApp, type TestApp } from './helpers/app.ts';
import { asOwner } from './helpers/database.ts';
import { type Answer, expectUnauthorized, problemShape } from './helpers/expectations.ts';
import { uniqueEmail } from './helpers/factories.ts';

// Every request in this file comes from the same client address, so each test starts with the
// throttle table empty: failures from one test must not count against the next.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
beforeEach(async () => {
  await clearThrottle();
});

const password = 'correct horse battery staple';
const wrongPassword = 'incorrect horse battery staple';

const clearThrottle = () => asOwner(t.database.url, 'delete from login_throttle');
const signIn = (email: string, secret: string) => t.api.post('/v1/auth/token', { email, password: secret });

async function registered(prefix?: string): Promise<string> {
  const email = uniqueEmail(prefix);
  await signUp(t.api, { email, password });
  return email;
}

/** A 429 problem with a Retry-After of whole seconds, at most the 15-minute block. */
function expectThrottled(response: Answer, what = ''): number {
  expect({ what, status: response.status }).toEqual({ what, status: 429 });
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ type: '/problems/too-many-requests', title: expect.any(String), status: 429 });
  expect(response.body).not.toHaveProperty('access_token');
  const retryAfter = response.headers['retry-after'];
  expect(retryAfter).toMatch(/^\d+$/);
  const seconds = Number(retryAfter);
  expect(seconds).toBeGreaterThan(0);
  expect(seconds).toBeLessThanOrEqual(15 * 60);
  return seconds;
}

async function failTimes(email: string, times: number): Promise<void> {
  for (let attempt = 1; attempt <= times; attempt += 1) expectUnauthorized(await signIn(email, wrongPassword), `failure ${attempt} for ${email}`);
}

describe('per-account throttling', () => {
  it('blocks an email after 5 wrong passwords, even for the right password, with Retry-After', async () => {
    const email = await registered();
    await failTimes(email, 5);

    const blocked = await signIn(email, password);
    const seconds = expectThrottled(blocked, '6th attempt, right password');
    expect(seconds).toBeGreaterThan(60);
    expect(blocked.body.detail).toEqual(expect.any(String));
    // The block is on the account, whatever case the email is written in.
    expectThrottled(await signIn(email.toUpperCase(), password), 'upper-case email');
    expectThrottled(await signIn(email, wrongPassword), 'another wrong password');
  });

  it('lets other emails from the same client sign in while one is blocked', async () => {
    const blockedEmail = await registered('blocked');
    const otherEmail = await registered('other');
    await failTimes(blockedEmail, 5);
    expectThrottled(await signIn(blockedEmail, password));

    const other = await signIn(otherEmail, password);
    expect(other.status).toBe(200);
    expect(other.body.access_token).toEqual(expect.any(String));
    expectUnauthorized(await signIn(uniqueEmail('unknown'), password), 'an unknown email is answered, not blocked');
  });

  it('lets the right password in again once the block is cleared', async () => {
    const email = await registered();
    await failTimes(email, 5);
    expectThrottled(await signIn(email, password));

    await clearThrottle();
    const response = await signIn(email, password);
    expect(response.status).toBe(200);
    expect(response.body.token_type).toBe('Bearer');
  });

  it('does not block after 4 failures (the control for the limit of 5)', async () => {
    const email = await registered();
    await failTimes(email, 4);
    expect((await signIn(email, password)).status).toBe(200);
  });

  it("resets an email's failure count on a successful sign-in", async () => {
    const email = await registered();
    await failTimes(email, 4);
    expect((await signIn(email, password)).status).toBe(200);
    // Without the reset, the first of these would reach 5 failures and the second would be 429.
    await failTimes(email, 4);
    expect((await signIn(email, password)).status).toBe(200);
  });

  it('allows no more than 5 wrong passwords for one email even when they arrive at once', async () => {
    const email = await registered('parallel');
    const answers = await Promise.all(Array.from({ length: 20 }, () => signIn(email, wrongPassword)));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    // Each 401 is a password actually checked: the limit must hold however the guesses are timed.
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5);
    expectThrottled(await signIn(email, password));
  });

  it('throttles an unknown email like a known one', async () => {
    const email = uniqueEmail('nobody');
    await failTimes(email, 5);
    expectThrottled(await signIn(email, password));
  });
});

describe('wrong password and unknown email', () => {
  it('get the same 401 body', async () => {
    const email = await registered();
    const wrong = await signIn(email, wrongPassword);
    const unknown = await signIn(uniqueEmail('nobody'), wrongPassword);
    expectUnauthorized(wrong);
    expectUnauthorized(unknown);
    expect(problemShape(wrong)).toEqual(problemShape(unknown));
  });

  it('take comparable time (both do the argon2 work)', async () => {
    const email = await registered();
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const timed = async (attempt: () => Promise<Answer>) => {
      await clearThrottle();
      const start = process.hrtime.bigint();
      const response = await attempt();
      const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
      expectUnauthorized(response);
      return elapsed;
    };
    // Warm up both paths (the decoy hash is computed on first use).
    await timed(() => signIn(email, wrongPassword));
    await timed(() => signIn(uniqueEmail('nobody'), wrongPassword));

    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      wrong.push(await timed(() => signIn(email, wrongPassword)));
      unknown.push(await timed(() => signIn(uniqueEmail('nobody'), wrongPassword)));
    }
    const [wrongMedian, unknownMedian] = [median(wrong), median(unknown)];
    const ratio = Math.max(wrongMedian, unknownMedian) / Math.min(wrongMedian, unknownMedian);
    expect({ wrong, unknown, ratio: ratio < 3 }).toEqual({ wrong, unknown, ratio: true });
  }, 60_000);
});

describe('per-address throttling', () => {
  it('blocks the client after 50 failures across different emails, even for a fresh email with the right password', async () => {
    const fresh = await registered('fresh');
    const bystander = await registered('bystander');
    for (let attempt = 1; attempt <= 49; attempt += 1) {
      expectUnauthorized(await signIn(uniqueEmail(`spray${attempt}`), wrongPassword), `failure ${attempt}`);
    }
    // 49 failures: still allowed, and a success does not reset the address's count.
    expect((await signIn(bystander, password)).status).toBe(200);
    expectUnauthorized(await signIn(uniqueEmail('spray50'), wrongPassword), 'failure 50');

    expectThrottled(await signIn(fresh, password), 'a fresh email after 50 failures');
    expectThrottled(await signIn(uniqueEmail('another'), wrongPassword), 'an unknown email after 50 failures');

    const rows = await asOwner<{ key: string }>(t.database.url, "select key from login_throttle where key like 'ip:%' and blocked_until > now()");
    expect(rows.rows.map((row) => row.key)).toEqual([expect.stringMatching(/^ip:(::ffff:)?127\.0\.0\.1$|^ip:::1$/)]);

    await clearThrottle();
    expect((await signIn(fresh, password)).status).toBe(200);
  }, 120_000);
});
