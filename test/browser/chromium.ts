// Headless Debian Chromium driven by playwright-core (no browser download), and pages that record
// what they must not do: reach past 127.0.0.1, or log an error.
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { paths } from '../../src/paths.ts';

/** Debian's `chromium` package; `.ci/run` installs it when missing. The binary, not the wrapper script. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`no Chromium at ${chromiumPath}: \`apt-get install chromium\` (what .ci/run does), or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // CI runs as root in a container: no user-namespace sandbox, and a small /dev/shm.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

export type WatchedPage = {
  context: BrowserContext;
  page: Page;
  /** Every request for another host, aborted before it left. */
  offOrigin: string[];
  /** Console errors and uncaught exceptions, with where they came from. */
  errors: string[];
  close: () => Promise<void>;
};

/** A page in a fresh context (empty cache and storage) that only reaches `host`. */
export async function watchedPage(browser: Browser, host = '127.0.0.1'): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const offOrigin: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).hostname === host) return route.continue();
    offOrigin.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return { context, page, offOrigin, errors, close: () => context.close() };
}

/** A screenshot for the CI artifacts, in .data/browser/ (git-ignored). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(paths.browserArtifacts, { recursive: true });
  const path = `${paths.browserArtifacts}/${name}.png`;
  await page.screenshot({ path, fullPage: false });
  return path;
}
