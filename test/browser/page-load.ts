// A first visit's cost: the bytes on the wire (all assets, as encoded) and in memory (decoded),
// and the time from navigation until the first operation is on screen.
import type { Locator, Page, Request } from 'playwright-core';

export type PageLoad = {
  url: string;
  requests: number;
  transferredBytes: number;
  decodedBytes: number;
  /** Undefined when no operation appeared within the timeout. */
  firstOperationMs: number | undefined;
};

async function sizeOf(request: Request): Promise<{ transferred: number; decoded: number }> {
  const sizes = await request.sizes();
  const response = await request.response();
  const decoded = response ? (await response.body().catch(() => Buffer.alloc(0))).length : 0;
  return { transferred: sizes.responseHeadersSize + sizes.responseBodySize, decoded };
}

export async function measurePageLoad(page: Page, url: string, firstOperation: Locator, timeoutMs = 30_000): Promise<PageLoad> {
  const finished: Promise<{ transferred: number; decoded: number }>[] = [];
  const onFinished = (request: Request) => void finished.push(sizeOf(request));
  page.on('requestfinished', onFinished);
  const started = performance.now();
  await page.goto(url);
  const shown = await firstOperation.waitFor({ state: 'visible', timeout: timeoutMs }).then(
    () => true,
    () => false,
  );
  const firstOperationMs = shown ? Math.round(performance.now() - started) : undefined;
  // Whatever the page still fetches after the first paint belongs to the visit too.
  await page.waitForLoadState('networkidle');
  page.off('requestfinished', onFinished);
  const sizes = await Promise.all(finished);
  return {
    url,
    requests: sizes.length,
    transferredBytes: sizes.reduce((sum, size) => sum + size.transferred, 0),
    decodedBytes: sizes.reduce((sum, size) => sum + size.decoded, 0),
    firstOperationMs,
  };
}

const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

export const describeLoad = (load: PageLoad): string =>
  `${load.url}: ${load.requests} requests, ${kilobytes(load.transferredBytes)} transferred (${kilobytes(load.decodedBytes)} decoded), ` +
  `first operation ${load.firstOperationMs === undefined ? 'never shown' : `after ${load.firstOperationMs} ms`}`;
