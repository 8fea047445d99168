// Walking a cursor-paginated list the way a client would.
import { randomBytes } from 'node:crypto';
import { expect } from '@jest/globals';
import type { ContractClient } from './app.ts';
import { base64url } from './expectations.ts';

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

/** Query strings every cursor-paged list answers with a 400 naming `parameter`: the page size and cursor rules they share. */
export const badPageQueries = [
  { case: 'limit=0', query: 'limit=0', parameter: 'limit' },
  { case: 'limit=201', query: 'limit=201', parameter: 'limit' },
  { case: 'limit=abc', query: 'limit=abc', parameter: 'limit' },
  { case: 'an unknown parameter', query: 'sort=name', parameter: 'sort' },
  { case: 'a cursor of characters outside base64url', query: 'cursor=%21%21not*a*cursor', parameter: 'cursor' },
  { case: 'a cursor of random base64url bytes', query: `cursor=${randomBytes(24).toString('base64url')}`, parameter: 'cursor' },
  { case: 'a cursor of JSON the list never issues', query: `cursor=${base64url({ after: 'everything' })}`, parameter: 'cursor' },
];
