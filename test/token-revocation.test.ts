// A user whose password leaked must be able to lock the thief out: a password change and
// POST /v1/auth/logout end every access token issued before, here at once and everywhere within a second.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { createApp } from '../src/app.ts';
import { createDatabasePool } from '../src/db/pool.ts';
import { contractClient, signUp, startTestApp, testConfig, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

const password = 'correct horse battery';

async function signIn(email: string, secret = password): Promise<string> {
  const response = await t.api.post('/v1/auth/token', { email, password: secret });
  expect(response.status).toBe(200);
  return response.body.access_token as string;
}

describe('ending access tokens', () => {
  it('a password change ends every earlier token, the one used included; API keys and new sign-ins work', async () => {
    const { token, email } = await signUp(t.api);
    const other = await signIn(email);
    const key = await t.api.post('/v1/api-keys', { name: 'script' }, { token });
    const changed = await t.api.patch('/v1/me', { current_password: password, new_password: 'a brand new passphrase' }, { token });
    expect(changed.status).toBe(200);
    for (const ended of [token, other]) expect((await t.api.get('/v1/me', { token: ended })).status).toBe(401);
    expect((await t.api.get('/v1/me', { token: key.body.secret as string })).status).toBe(200);
    expect((await t.api.post('/v1/auth/token', { email, password })).status).toBe(401);
    const fresh = await signIn(email, 'a brand new passphrase');
    expect((await t.api.get('/v1/me', { token: fresh })).status).toBe(200);
  });

  it('a change without a new password ends nothing', async () => {
    const { token } = await signUp(t.api);
    expect((await t.api.patch('/v1/me', { name: 'Ada' }, { token })).status).toBe(200);
    expect((await t.api.get('/v1/me', { token })).status).toBe(200);
  });

  it('POST /v1/auth/logout ends every token issued so far and leaves the user able to sign in', async () => {
    const { token, email } = await signUp(t.api);
    const second = await signIn(email);
    expect((await t.api.post('/v1/auth/logout', undefined, { token })).status).toBe(204);
    for (const ended of [token, second]) {
      const response = await t.api.get('/v1/accounts', { token: ended });
      expect(response.status).toBe(401);
      expect(response.body.detail).toMatch(/signed out/);
    }
    const again = await signIn(email);
    expect((await t.api.get('/v1/accounts', { token: again })).status).toBe(200);
    expect((await t.api.post('/v1/auth/logout')).status).toBe(401);
  });

  it('holds in another API process on the same database within a second', async () => {
    const pool = await createDatabasePool(t.database.url, { maximumPoolSize: 2 });
    const userPool = await createDatabasePool(t.database.url, { maximumPoolSize: 2 });
    try {
      const other = contractClient(await createApp({ config: testConfig, pool, userPool, logger: pino({ level: 'silent' }) }));
      const { token } = await signUp(t.api);
      expect((await other.get('/v1/me', { token })).status).toBe(200); // names the caller on the other process's connection
      expect((await t.api.post('/v1/auth/logout', undefined, { token })).status).toBe(204);
      await sleep(1100);
      expect((await other.get('/v1/me', { token })).status).toBe(401);
    } finally {
      await Promise.all([pool.end(), userPool.end()]);
    }
  });
});
