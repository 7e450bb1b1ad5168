/**
 * One SePay read shared by everyone who needs it: concurrent callers wait for the same request, and
 * its answer is reused until it is older than `maxAgeMs`, so a burst of invoices costs one call.
 * Failures are never kept: the next caller asks again.
 */
import { abortable } from '../sepay/token-provider.js';

export class SharedLookup<T> {
  readonly #load: () => Promise<T>;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #kept: { value: T; readAt: number } | undefined;
  #inFlight: Promise<T> | undefined;
  /** Bumped by `invalidate()`, so an answer to a request sent before it is not kept. */
  #generation = 0;

  constructor(load: () => Promise<T>, maxAgeMs: number, now: () => number) {
    this.#load = load;
    this.#maxAgeMs = maxAgeMs;
    this.#now = now;
  }

  /** The kept answer while fresh, else the shared request's; the signal gives up only this caller's wait. */
  get(signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason as unknown);
    if (this.#kept && this.#now() - this.#kept.readAt < this.#maxAgeMs) return Promise.resolve(this.#kept.value);
    // Not tied to any caller's signal: one caller giving up must not fail the others' request.
    this.#inFlight ??= this.#request();
    return abortable(this.#inFlight, signal);
  }

  invalidate(): void {
    this.#generation++;
    this.#kept = undefined;
    this.#inFlight = undefined;
  }

  async #request(): Promise<T> {
    const generation = this.#generation;
    try {
      const value = await this.#load();
      if (generation === this.#generation) this.#kept = { value, readAt: this.#now() };
      return value;
    } finally {
      if (generation === this.#generation) this.#inFlight = undefined;
    }
  }
}
