/** Request counts per endpoint and status, so benchmarks can count SePay calls per invoice. */
export interface SimStats {
  total: number;
  /** Responses destroyed by a `drop-after-commit` fault (also counted under their status). */
  dropped: number;
  endpoints: Record<string, number>;
  statuses: Record<string, number>;
  endpointStatuses: Record<string, Record<string, number>>;
}

/** Requests that match no SePay path are counted under this name. */
export const UNMATCHED = 'unmatched';

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

export class Stats {
  private stats = Stats.empty();

  private static empty(): SimStats {
    return { total: 0, dropped: 0, endpoints: {}, statuses: {}, endpointStatuses: {} };
  }

  record(endpoint: string, status: number, dropped: boolean): void {
    const s = this.stats;
    s.total++;
    if (dropped) s.dropped++;
    bump(s.endpoints, endpoint);
    bump(s.statuses, String(status));
    bump((s.endpointStatuses[endpoint] ??= {}), String(status));
  }

  snapshot(): SimStats {
    return structuredClone(this.stats);
  }

  reset(): void {
    this.stats = Stats.empty();
  }
}
