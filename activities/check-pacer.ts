/**
 * A worker-wide budget for job checks: at most `perSecond` leave this worker, in the order they
 * asked. A burst of invoices puts hundreds of waits on a worker at once; each checking on its own
 * schedule (every 0.5-2 s) would spend the worker's CPU, and SePay's patience, on answers that say
 * `Pending`, while the requests that move invoices on (create, issue, detail) queue behind them.
 * Paced, a wait checks less often the more waits share the worker, and requests are never held.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export const DEFAULT_CHECKS_PER_SECOND = 40;

export class CheckPacer {
  readonly #spacingMs: number;
  readonly #now: () => number;
  /** When the next check may leave: reserved in turn, so the longest-waiting check goes first. */
  #nextAt = 0;

  constructor(perSecond: number = DEFAULT_CHECKS_PER_SECOND, now: () => number = Date.now) {
    if (!(perSecond > 0)) throw new RangeError(`checks per second must be above 0, got ${perSecond}`);
    this.#spacingMs = 1000 / perSecond;
    this.#now = now;
  }

  /** Resolves when this check may go; rejects with the signal's reason when it is aborted first. */
  async turn(signal?: AbortSignal): Promise<void> {
    const now = this.#now();
    const at = Math.max(now, this.#nextAt);
    this.#nextAt = at + this.#spacingMs;
    if (at <= now) return;
    try {
      await sleep(at - now, undefined, { signal });
    } catch (error) {
      // The activity's own reason (its CancelledFailure), not node's generic AbortError.
      throw signal?.aborted ? signal.reason : error;
    }
  }
}
