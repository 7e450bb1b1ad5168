/** §1.3 paging: `page` from 1, `per_page` clamped to 100 (not refused), Laravel-style counts. */
export const MAX_PER_PAGE = 100;

export function queryOf(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams);
}

export function paginate<T>(all: readonly T[], query: { page?: number; per_page?: number }, defaultPerPage: number) {
  const per_page = Math.min(query.per_page ?? defaultPerPage, MAX_PER_PAGE);
  const current_page = query.page ?? 1;
  const total = all.length;
  const page_count = Math.max(1, Math.ceil(total / per_page));
  return {
    paging: { per_page, total, has_more: current_page < page_count, current_page, page_count },
    items: all.slice((current_page - 1) * per_page, current_page * per_page),
  };
}
