// Redoc 3 at /reference: its sidebar (tags, then each tag's operations) and its pages.
import type { Locator, Page } from 'playwright-core';

type MenuEntry = { label: string; href: string };
export type MenuOperation = MenuEntry & { method: string };

const tagItems = (page: Page) => page.locator('[data-component-name="Menu/MenuItem"].menu-item-type-group');
const tagItem = (page: Page, tag: string) => tagItems(page).filter({ has: page.locator(`:scope > a span[data-text="${tag}"]`) });

/** The heading Redoc gives a tag's or an operation's page, linked to itself. */
export const pageHeading = (page: Page, title: string): Locator => page.locator(`h2 a[aria-label="link to ${title}"]`);

/** The first operation of the first tag page, as listed in its Operations panel. */
export const firstListedOperation = (page: Page): Locator => page.locator('[data-testid="items-navigation-list"] a').first();

/** The sidebar's tags, in order, and the hash route of each. */
export function menuTags(page: Page): Promise<MenuEntry[]> {
  return tagItems(page).evaluateAll((items) =>
    items.map((item) => {
      const link = item.querySelector(':scope > a');
      return { label: link?.querySelector('span[data-text]')?.getAttribute('data-text') ?? '', href: link?.getAttribute('href') ?? '' };
    }),
  );
}

/** Follows an in-page route the way a link does, without the sidebar's expand animation. */
export async function followRoute(page: Page, href: string): Promise<void> {
  await page.evaluate((hash) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = hash;
  }, href.replace(/^#/, ''));
}

/** A tag's operations as the sidebar lists them once the tag is open. */
export async function menuOperations(page: Page, tag: string): Promise<MenuOperation[]> {
  const operations = tagItem(page, tag).locator('.menu-item-type-operation');
  await operations.first().waitFor();
  return operations.evaluateAll((items) =>
    items.map((item) => ({
      label: item.querySelector('span[data-text]')?.getAttribute('data-text') ?? '',
      href: item.querySelector('a')?.getAttribute('href') ?? '',
      method: item.querySelector('[data-component-name="Tags/HttpTag"]')?.textContent?.toUpperCase() ?? '',
    })),
  );
}

/** `METHOD path` of every entry in the Operations panels rendered (a tag page has one), folded entries unfolded. */
export async function panelOperations(page: Page): Promise<{ method: string; path: string }[]> {
  const showMore = page.locator('[data-testid="show-more-operations"]');
  for (const button of await showMore.all()) await button.click();
  await showMore.first().waitFor({ state: 'detached' });
  return page.locator('[data-testid="items-navigation-list"] a').evaluateAll((links) =>
    links.map((link) => {
      const spans = link.querySelectorAll('span');
      return {
        method: link.querySelector('[data-component-name="Tag/Tag"]')?.textContent?.toUpperCase() ?? '',
        path: spans[spans.length - 1]?.textContent ?? '',
      };
    }),
  );
}

/** Opens Redoc's search and returns the titles of what it finds. */
export async function search(page: Page, query: string): Promise<string[]> {
  await page.locator('[data-testid="search-trigger"]').click();
  const dialog = page.locator('[data-testid="search-dialog"]');
  await dialog.locator('input').fill(query);
  const results = dialog.locator('[data-component-name="Search/SearchItem"]');
  await results.first().waitFor();
  return results.evaluateAll((items) => items.map((item) => item.textContent ?? ''));
}
