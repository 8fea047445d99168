// Swagger UI at /docs, read and driven the way a person would: tags, operations, "Try it out".
import type { Page } from 'playwright-core';
import type { ContractOperation } from './contract.ts';

export const swaggerOperationSelector = '.opblock';

/** Every operation the page lists, with the tag section it sits in. */
export function listedOperations(page: Page): Promise<{ tag: string; method: string; path: string }[]> {
  return page.locator('.opblock-tag-section').evaluateAll((sections) =>
    sections.flatMap((section) => {
      const tag = section.querySelector('.opblock-tag')?.getAttribute('data-tag') ?? '';
      return [...section.querySelectorAll('.opblock')].map((block) => ({
        tag,
        method: block.querySelector('.opblock-summary-method')?.textContent ?? '',
        path: block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '',
      }));
    }),
  );
}

export type Execution = { status: number; body: string; requestUrl: string };

/** Expands the operation, presses "Try it out", fills the body, executes, and reads the live answer. */
export async function tryItOut(page: Page, operation: ContractOperation, body?: unknown): Promise<Execution> {
  const block = page.locator(`#operations-${operation.tag}-${operation.operationId}`);
  await block.locator('.opblock-summary-control').click();
  await block.locator('button.try-out__btn').click();
  if (body !== undefined) await block.locator('textarea.body-param__text').fill(JSON.stringify(body, null, 2));
  await block.locator('button.execute').click();
  const answer = block.locator('.live-responses-table .response').first();
  const status = answer.locator('.response-col_status');
  await status.waitFor();
  return {
    status: Number((await status.textContent())?.trim()),
    body: (await answer.locator('.response-col_description pre.microlight').first().textContent()) ?? '',
    requestUrl: (await block.locator('.request-url pre').textContent())?.trim() ?? '',
  };
}

/** Authorize → bearer token → Authorize → Close, as in the dialog. */
export async function authorize(page: Page, token: string): Promise<void> {
  await page.locator('.auth-wrapper button.authorize').click();
  const dialog = page.locator('.modal-ux');
  await dialog.locator('input').fill(token);
  await dialog.locator('button.authorize').click();
  await dialog.locator('button.btn-done').click();
  await dialog.waitFor({ state: 'detached' });
}

/** The padlock on the page's Authorize button is closed once a credential is set. */
export const isAuthorized = async (page: Page): Promise<boolean> =>
  (await page.locator('.auth-wrapper button.authorize').getAttribute('class'))?.split(' ').includes('locked') ?? false;
