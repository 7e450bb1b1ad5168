/** §1.3 paging: `page` from 1, `per_page` clamped to 100 (not refused), Laravel-style counts. */
export const MAX_PER_PAGE = 100;

export interface PageQuery {
  page?: number;
  per_page?: number;
}

export function queryOf(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams);
}

function pageShape(total: number, query: PageQuery, defaultPerPage: number) {
  const per_page = Math.min(query.per_page ?? defaultPerPage, MAX_PER_PAGE);
  const current_page = query.page ?? 1;
  const page_count = Math.max(1, Math.ceil(total / per_page));
  const paging = { per_page, total, has_more: current_page < page_count, current_page, page_count };
  return { paging, start: (current_page - 1) * per_page, end: current_page * per_page };
}

export function paginate<T>(all: readonly T[], query: PageQuery, defaultPerPage: number) {
  const { paging, start, end } = pageShape(all.length, query, defaultPerPage);
  return { paging, items: all.slice(start, end) };
}

/**
 * One page, newest first, of the entries of `oldestFirst` (a Map or an array) that `matches`, without copying or
 * sorting the collection: one pass counts, a second keeps only the page. Each request costs two
 * cheap walks and a page of allocations, however many entries there are.
 */
export function paginateNewestFirst<T>(
  oldestFirst: { values(): Iterable<T> },
  matches: (entry: T) => boolean,
  query: PageQuery,
  defaultPerPage: number,
) {
  let total = 0;
  for (const entry of oldestFirst.values()) if (matches(entry)) total++;
  const { paging, start, end } = pageShape(total, query, defaultPerPage);
  // Newest-first positions [start, end) are oldest-first positions (total - end, total - start].
  const from = total - end;
  const to = total - start;
  const items: T[] = [];
  if (to > 0) {
    let position = 0;
    for (const entry of oldestFirst.values()) {
      if (!matches(entry)) continue;
      if (position >= from) items.push(entry);
      if (++position >= to) break;
    }
  }
  return { paging, items: items.reverse() };
}
