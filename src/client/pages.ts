// Cursor pages as async iterators: the client follows `next_cursor` until it is null, keeping the
// caller's filters on every page, so `for await` sees each item once, in the list's order.
import type { InitArgument, CallInit, PagedPath, PageItem, PageOf } from './types.ts';

type Page = { data: unknown[]; next_cursor: string | null };
type QueryInit = { params?: { query?: Record<string, unknown> } & Record<string, unknown> } & Record<string, unknown>;
/** The client's GET as this file needs it; the public signatures below keep the types. */
export type PageFetcher = (url: string, init: QueryInit) => Promise<{ data: Page }>;

async function* pagesFrom(get: PageFetcher, url: string, init: QueryInit = {}): AsyncGenerator<Page, void, undefined> {
  let cursor: string | null = null;
  do {
    const query: Record<string, unknown> = { ...init.params?.query, ...(cursor === null ? {} : { cursor }) };
    const { data: page } = await get(url, { ...init, params: { ...init.params, query } });
    yield page;
    cursor = page.next_cursor;
  } while (cursor !== null);
}

export type Pages = <Path extends PagedPath>(url: Path, ...init: InitArgument<CallInit<Path, 'get'>>) => AsyncGenerator<PageOf<Path>, void, undefined>;
export type Paginate = <Path extends PagedPath>(url: Path, ...init: InitArgument<CallInit<Path, 'get'>>) => AsyncGenerator<PageItem<Path>, void, undefined>;

/** Every page of a list, first to last. */
export function pagesWith(get: PageFetcher): Pages {
  return ((url: string, init?: QueryInit) => pagesFrom(get, url, init)) as Pages;
}

/** Every item of a list across its pages. */
export function paginateWith(get: PageFetcher): Paginate {
  return async function* (url: string, init?: QueryInit) {
    for await (const page of pagesFrom(get, url, init)) yield* page.data;
  } as Paginate;
}
