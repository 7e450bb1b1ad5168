/** Order statistics for benchmark figures: percentiles of one run, medians and spread across runs. */

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A figure measured over several runs: its median and the range the runs spread over. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), runs: values.length };
}

/** The median of each key over several count maps (a key missing from a run counts as 0 there). */
export function medianPerKey(maps: readonly Record<string, number>[]): Record<string, number> {
  const keys = [...new Set(maps.flatMap((map) => Object.keys(map)))].sort();
  return Object.fromEntries(keys.map((key) => [key, median(maps.map((map) => map[key] ?? 0))]));
}

/** Each count divided by `by` (counts per invoice). */
export function perUnit(counts: Record<string, number>, by: number): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([key, value]) => [key, value / by]));
}

/** `after - before` for every key of `after`, zeros dropped. */
export function countDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([key, value]): [string, number] => [key, value - (before[key] ?? 0)])
      .filter(([, value]) => value !== 0),
  );
}
