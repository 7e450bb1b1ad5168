/** `paginateNewestFirst` pages without copying; it must agree with filter, reverse and slice. */
import { describe, expect, it } from 'vitest';
import { paginate, paginateNewestFirst } from '../../simulator/paging.js';

/** 0..n-1 where every third entry is hidden. */
const entries = (n: number) => Array.from({ length: n }, (_, i) => i);
const visible = (i: number) => i % 3 !== 1;

describe('paginateNewestFirst', () => {
  it.each([0, 1, 7, 99, 100, 101, 250])('matches the copying reference for %i entries', (n) => {
    const reference = entries(n).filter(visible).reverse();
    for (const perPage of [1, 3, 10, 100]) {
      const pages = Math.max(1, Math.ceil(reference.length / perPage)) + 1;
      for (let page = 1; page <= pages; page++) {
        const query = { page, per_page: perPage };
        expect(paginateNewestFirst(entries(n), visible, query, 10), `n=${n} per_page=${perPage} page=${page}`).toEqual(
          paginate(reference, query, 10),
        );
      }
    }
  });

  it('walks a Map in insertion order, as the simulator stores invoices', () => {
    const byCode = new Map(['a', 'b', 'c', 'd'].map((code) => [code, code]));
    expect(paginateNewestFirst(byCode, () => true, { page: 2, per_page: 3 }, 10).items).toEqual(['a']);
  });
});
