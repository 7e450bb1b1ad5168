/**
 * What clients and workflows saw of each disruption, for the production test's report:
 *  - a probe calls the frontend every 250 ms (a describe, which needs history and PostgreSQL, and
 *    a visibility count, which needs PostgreSQL) and records every failure with its time;
 *  - the errors the test's own client calls retried through (test/chaos/outage-retry.ts);
 *  - from the finished histories, the longest stretch with no workflow event at all around each
 *    disruption: how long the whole system stood still.
 */
import type { OutageError } from '../chaos/outage-retry.js';
import { outageErrorOf } from '../chaos/outage-retry.js';

export interface Disruption {
  kind: 'kill-worker' | 'restart-history' | 'restart-postgres';
  /** When the signal was sent. */
  atMs: number;
  /** When the part was started again and listening. */
  backAtMs: number;
  detail?: Record<string, unknown>;
}

interface ProbeFailure extends OutageError {
  probe: string;
}

export class AvailabilityProbe {
  readonly failures: ProbeFailure[] = [];
  readonly successes = new Map<string, number[]>();
  private timer?: NodeJS.Timeout;
  private inFlight = new Set<string>();

  constructor(private readonly probes: Record<string, () => Promise<unknown>>) {}

  start(intervalMs = 250): void {
    this.timer = setInterval(() => {
      for (const [name, probe] of Object.entries(this.probes)) {
        if (this.inFlight.has(name)) continue;
        this.inFlight.add(name);
        probe().then(
          () => {
            const list = this.successes.get(name) ?? [];
            list.push(Date.now());
            this.successes.set(name, list);
          },
          (error: unknown) => this.failures.push({ probe: name, ...outageErrorOf(error) }),
        ).finally(() => this.inFlight.delete(name));
      }
    }, intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Per probe, from a disruption until `untilMs` (the next one): failures seen, and when it
   * answered again after the last of them.
   */
  around(disruption: Disruption, untilMs: number): Record<string, { failures: number; errors: string[]; answeringAgainAfterMs: number | null }> {
    const report: Record<string, { failures: number; errors: string[]; answeringAgainAfterMs: number | null }> = {};
    for (const name of Object.keys(this.probes)) {
      const failures = this.failures.filter((f) => f.probe === name && f.atMs >= disruption.atMs && f.atMs < untilMs);
      const lastFailure = Math.max(disruption.atMs, ...failures.map((f) => f.atMs));
      const nextSuccess = (this.successes.get(name) ?? []).find((at) => at >= lastFailure);
      report[name] = {
        failures: failures.length,
        errors: distinct(failures.map((f) => `${f.code}: ${f.message.slice(0, 160)}`)),
        answeringAgainAfterMs: failures.length === 0 ? 0 : nextSuccess === undefined ? null : nextSuccess - disruption.atMs,
      };
    }
    return report;
  }
}

export function distinct(messages: string[]): string[] {
  const counts = new Map<string, number>();
  for (const message of messages) counts.set(message, (counts.get(message) ?? 0) + 1);
  return [...counts].map(([message, count]) => (count > 1 ? `${message} (×${count})` : message));
}

/** The longest gap between consecutive workflow events (over all runs) from a disruption until `untilMs`. */
export function longestStall(eventTimesMs: readonly number[], disruption: Disruption, untilMs: number): { stallMs: number; from: number; to: number } {
  const times = eventTimesMs.filter((t) => t >= disruption.atMs - 1_000 && t < untilMs).sort((a, b) => a - b);
  let best = { stallMs: 0, from: disruption.atMs, to: disruption.atMs };
  for (let i = 1; i < times.length; i++) {
    const gap = times[i]! - times[i - 1]!;
    if (gap > best.stallMs) best = { stallMs: gap, from: times[i - 1]!, to: times[i]! };
  }
  return best;
}
