// Walking a cursor-paginated list the way a client would.
import { expect } from '@jest/globals';
import type { ContractClient } from './app.ts';

export type Page<Item> = { data: Item[]; next_cursor: string | null };

/** Every page of a list, following next_cursor from the first to the last (at most `maxPages`). */
export async function pagesOf<Item>(api: ContractClient, path: string, token: string, maxPages = 100): Promise<Page<Item>[]> {
  const pages: Page<Item>[] = [];
  const separator = path.includes('?') ? '&' : '?';
  let cursor: string | null = null;
  do {
    const response = await api.get(cursor === null ? path : `${path}${separator}cursor=${cursor}`, { token });
    expect(response.status).toBe(200);
    pages.push(response.body as Page<Item>);
    cursor = (response.body as Page<Item>).next_cursor;
  } while (cursor !== null && pages.length < maxPages);
  return pages;
}
