// `npm run test:browser`: /docs and /reference in headless Chromium against the real API on an
// ephemeral port, with every request past 127.0.0.1 aborted and recorded. Screenshots and load
// figures go to .data/browser/ (CI artifacts).
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { paths } from '../../src/paths.ts';
import { startApiServer, type ApiServer } from './api-server.ts';
import { launchChromium, screenshot, watchedPage, type WatchedPage } from './chromium.ts';
import { contractOperations, contractTags, operationById, operationLines } from './contract.ts';
import { callApiFromPage, startFrontEnd, type FrontEnd } from './front-end.ts';
import { describeLoad, measurePageLoad, type PageLoad } from './page-load.ts';
import { firstListedOperation, followRoute, menuOperations, menuTags, pageHeading, panelOperations, search } from './redoc.ts';
import { authorize, isAuthorized, listedOperations, swaggerOperationSelector, tryItOut } from './swagger-ui.ts';

let server: ApiServer;
let browser: Browser;
let allowedFrontEnd: FrontEnd;
let otherFrontEnd: FrontEnd;
const loads: PageLoad[] = [];

before(async () => {
  rmSync(paths.browserArtifacts, { recursive: true, force: true }); // this run's screenshots only
  browser = await launchChromium(); // first: a missing Chromium then leaves no server behind
  [allowedFrontEnd, otherFrontEnd] = await Promise.all([startFrontEnd(), startFrontEnd()]);
  server = await startApiServer({ CORS_ORIGINS: allowedFrontEnd.origin });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await Promise.all([allowedFrontEnd?.close(), otherFrontEnd?.close()]);
  mkdirSync(paths.browserArtifacts, { recursive: true });
  writeFileSync(`${paths.browserArtifacts}/page-loads.json`, `${JSON.stringify(loads, null, 2)}\n`);
  for (const load of loads) console.log(describeLoad(load));
});

/** Runs a check on a fresh watched page; whatever the check did, nothing may have left 127.0.0.1 or logged an error. */
async function onPage(name: string, check: (watched: WatchedPage) => Promise<void>): Promise<void> {
  const watched = await watchedPage(browser);
  try {
    await check(watched);
    await screenshot(watched.page, name);
  } catch (error) {
    await screenshot(watched.page, `${name}-failed`).catch(() => undefined);
    throw error;
  } finally {
    await watched.close();
  }
  assert.deepEqual(watched.offOrigin, [], 'requests to other hosts');
  assert.deepEqual(watched.errors, [], 'console errors');
}

const stillUnder = (watched: WatchedPage, pathname: string) => assert.equal(new URL(watched.page.url()).pathname, pathname);

describe('/docs (Swagger UI)', () => {
  it('renders every tag and every operation of the contract', () =>
    onPage('docs', async ({ page }) => {
      const load = await measurePageLoad(page, `${server.origin}/docs/`, page.locator(swaggerOperationSelector).first());
      loads.push(load);
      assert.notEqual(load.firstOperationMs, undefined, 'no operation appeared');
      assert.equal(await page.locator('.swagger-ui .info .title').first().isVisible(), true);
      const listed = await listedOperations(page);
      assert.deepEqual([...new Set(listed.map((operation) => operation.tag))], contractTags);
      assert.deepEqual(operationLines(listed), operationLines(contractOperations));
      for (const tag of contractTags) {
        const inTag = (operation: { tag: string }) => operation.tag === tag;
        assert.deepEqual(operationLines(listed.filter(inTag)), operationLines(contractOperations.filter(inTag)), `operations under ${tag}`);
      }
    }));

  it('runs sign-up → Authorize → create an account → list accounts on this origin, not :8000', () =>
    onPage('docs-authorized-after-reload', async ({ page }) => {
      assert.notEqual(server.port, 8000);
      await page.goto(`${server.origin}/docs/`);
      const email = `browser-${Date.now()}@example.com`;
      const signUp = await tryItOut(page, operationById('registerUser'), { email, password: 'correct horse battery staple', name: 'Ada' });
      assert.equal(signUp.status, 201, signUp.body);
      assert.equal(signUp.requestUrl, `${server.origin}/v1/auth/signup`);
      const token = (JSON.parse(signUp.body) as { access_token: string }).access_token;

      await authorize(page, token);
      assert.equal(await isAuthorized(page), true);
      const name = `Browser check ${Date.now()}`;
      const created = await tryItOut(page, operationById('createAccount'), { name, type: 'checking', currency: 'EUR', opening_balance: 125000 });
      assert.equal(created.status, 201, created.body);
      const account = JSON.parse(created.body) as { id: string; name: string };
      assert.equal(account.name, name);

      const listed = await tryItOut(page, operationById('listAccounts'));
      assert.equal(listed.status, 200, listed.body);
      assert.match(listed.requestUrl, new RegExp(`^${server.origin}/v1/accounts`));
      const ids = (JSON.parse(listed.body) as { data: { id: string }[] }).data.map((entry) => entry.id);
      assert.deepEqual(ids, [account.id]);
      await page.locator('.live-responses-table').last().scrollIntoViewIfNeeded();
      await screenshot(page, 'docs-try-it-out');

      // persistAuthorization: a reload keeps the token (in this browser's storage only).
      await page.reload();
      await page.locator(swaggerOperationSelector).first().waitFor();
      assert.equal(await isAuthorized(page), true);
    }));
});

describe('/reference (Redoc)', () => {
  it('renders every tag, and every operation on its own page, without leaving /reference', () =>
    onPage('reference', async (watched) => {
      const { page } = watched;
      // The first visit is a link to the first tag's page, where Redoc lists that tag's operations.
      const firstTag = contractTags[0]!;
      const firstTagLink = `${server.origin}/reference#/${firstTag.toLowerCase()}`;
      const load = await measurePageLoad(page, firstTagLink, firstListedOperation(page));
      loads.push(load);
      assert.notEqual(load.firstOperationMs, undefined, `no operation appeared at ${firstTagLink}`);
      await pageHeading(page, firstTag).waitFor();

      const tags = await menuTags(page);
      assert.deepEqual(tags.map((tag) => tag.label), contractTags);
      for (const tag of tags) {
        await followRoute(page, tag.href);
        await pageHeading(page, tag.label).waitFor();
        stillUnder(watched, '/reference');
        const expected = contractOperations.filter((operation) => operation.tag === tag.label);
        const menu = await menuOperations(page, tag.label);
        assert.deepEqual(
          menu.map((entry) => `${entry.method} ${entry.label}`).sort(),
          expected.map((operation) => `${operation.method} ${operation.summary}`).sort(),
          `sidebar under ${tag.label}`,
        );
        const panel = operationLines(await panelOperations(page));
        for (const line of operationLines(expected)) assert.ok(panel.includes(line), `${line} missing from the ${tag.label} page`);
        for (const entry of menu) {
          await followRoute(page, entry.href);
          await pageHeading(page, entry.label).waitFor();
        }
      }
      stillUnder(watched, '/reference');
    }));

  it('follows a click on a tag and a reload to the same page under /reference', () =>
    onPage('reference-click', async (watched) => {
      const { page } = watched;
      const tag = contractTags.at(-1)!;
      await page.goto(`${server.origin}/reference`);
      await page.locator(`[data-component-name="Menu/MenuItem"] > a:has(span[data-text="${tag}"])`).click();
      await pageHeading(page, tag).waitFor();
      stillUnder(watched, '/reference');
      const route = page.url();
      await page.reload();
      await pageHeading(page, tag).waitFor();
      assert.equal(page.url(), route);
    }));

  it('searches the contract offline', () =>
    onPage('reference-search', async ({ page }) => {
      await page.goto(`${server.origin}/reference`);
      const operation = operationById('listAccounts');
      const found = await search(page, operation.summary);
      assert.ok(found.some((text) => text.includes(operation.summary) && text.includes(operation.path)), found.join('\n'));
    }));
});

describe('a front end on another origin', () => {
  it('calls the API when its origin is in CORS_ORIGINS (preflight, token, exposed headers)', () =>
    onPage('front-end-allowed', async ({ page }) => {
      await page.goto(allowedFrontEnd.origin);
      const calls = await callApiFromPage(page, server.origin);
      assert.ok(!('failed' in calls), `the browser refused: ${JSON.stringify(calls)}`);
      assert.equal(calls.signup, 201);
      assert.equal(calls.me, 200);
      assert.match(calls.email ?? '', /^front-end-/);
      assert.ok(calls.requestId, 'X-Request-Id is exposed');
    }));

  it('is refused by the browser when its origin is not listed', async () => {
    const watched = await watchedPage(browser);
    try {
      await watched.page.goto(otherFrontEnd.origin);
      const calls = await callApiFromPage(watched.page, server.origin);
      assert.ok('failed' in calls, `an unlisted origin read the answer: ${JSON.stringify(calls)}`);
      assert.ok(watched.errors.some((error) => /CORS/i.test(error)), `no CORS refusal logged: ${watched.errors.join('; ')}`);
      await screenshot(watched.page, 'front-end-refused');
    } finally {
      await watched.close();
    }
  });
});
