// npm run categorizer:rebuild relearns a user's categorizer from the categories they set themselves.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { projectRoot } from '../src/paths.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { asOwner } from './helpers/database.ts';
import { categoryNamed, factoriesFor } from './helpers/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());
const { newUser, createAccount, categoriesOf } = factoriesFor(() => t);

describe('npm run categorizer:rebuild', () => {
  it('relearns from the user\'s own labels, reports progress, and takes the next version', async () => {
    const user = await newUser();
    const account = await createAccount(user);
    const restaurants = categoryNamed(await categoriesOf(user), 'Restaurants', 'Food & Drink');
    for (const day of ['01', '02', '03']) {
      await t.api.post('/v1/transactions', { account_id: account.id, date: `2026-02-${day}`, amount: -1500, description: `NOODLE HOUSE ${day}`, category_id: restaurants.id }, { token: user.token });
    }
    // Three labels wait as lessons (folded into the state every sixteen); lose them, as a damaged state would.
    const pending = await asOwner<{ n: number }>(t.database.url, 'select count(*)::int as n from categorizer_lessons where user_id = $1', [user.id]);
    expect(pending.rows[0]!.n).toBe(3);
    await asOwner(t.database.url, 'delete from categorizer_lessons where user_id = $1', [user.id]);
    const before = await asOwner<{ version: number }>(t.database.url, 'select version from categorizer_states where user_id = $1', [user.id]);
    const { stdout } = await promisify(execFile)(`${projectRoot}node_modules/.bin/node`, ['src/cli/rebuild-categorizer.ts'], {
      cwd: projectRoot, env: { ...process.env, DATABASE_URL: t.database.url, REBUILD_USER_ID: user.id, LOG_LEVEL: 'silent' },
    });
    expect(stdout).toMatch(/categorizers rebuilt: 1 users, 3 labels/);
    const after = await asOwner<{ version: number; label_count: number }>(t.database.url, 'select version, label_count from categorizer_states where user_id = $1', [user.id]);
    expect({ version: Number(after.rows[0]!.version), labels: after.rows[0]!.label_count }).toEqual({ version: Number(before.rows[0]?.version ?? 0) + 1, labels: 3 });
    const next = await t.api.post('/v1/transactions', { account_id: account.id, date: '2026-02-09', amount: -1500, description: 'NOODLE HOUSE 09' }, { token: user.token });
    const top = (await t.api.get(`/v1/transactions/${next.body.id}/category-suggestions`, { token: user.token })).body.data[0];
    expect(top.category_id).toBe(restaurants.id);
  }, 60_000);
});
