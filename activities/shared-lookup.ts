/**
 * One SePay read shared by everyone who needs it: concurrent callers wait for the same request, and
 * its answer is reused until it is older than `maxAgeMs`, so a burst of invoices costs one call.
 * Failures are never kept: the next caller asks again.
 */
import { abortable } from '../sepay/token-provider.js';

export interface Answer<T> {
  readonly value: T;
  /** Kept from a request made before this caller asked, rather than read (or joined) for it. */
  readonly kept: boolean;
}

interface Kept<T> extends Answer<T> {
  readonly kept: true;
  readonly readAt: number;
}

export class SharedLookup<T> {
  readonly #load: () => Promise<T>;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #kept: Kept<T> | undefined;
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
    const kept = this.#fresh();
    if (kept) return Promise.resolve(kept.value);
    // Not tied to any caller's signal: one caller giving up must not fail the others' request.
    this.#inFlight ??= this.#request();
    return abortable(this.#inFlight, signal);
  }

  /** Like `get`, saying whether the answer was kept: a caller about to refuse on it can `reread` first. */
  async read(signal?: AbortSignal): Promise<Answer<T>> {
    const kept = signal?.aborted ? undefined : this.#fresh();
    return kept ?? { value: await this.get(signal), kept: false };
  }

  /**
   * An answer newer than `stale` (one `read` returned): a new request, or one already under way, or
   * what another caller's reread kept meanwhile, so a burst of callers doubting the same answer
   * costs one request.
   */
  reread(stale: Answer<T>, signal?: AbortSignal): Promise<Answer<T>> {
    if (this.#kept === stale) this.#kept = undefined;
    return this.read(signal);
  }

  invalidate(): void {
    this.#generation++;
    this.#kept = undefined;
    this.#inFlight = undefined;
  }

  #fresh(): Kept<T> | undefined {
    return this.#kept && this.#now() - this.#kept.readAt < this.#maxAgeMs ? this.#kept : undefined;
  }

  async #request(): Promise<T> {
    const generation = this.#generation;
    try {
      const value = await this.#load();
      if (generation === this.#generation) this.#kept = { value, kept: true, readAt: this.#now() };
      return value;
    } finally {
      if (generation === this.#generation) this.#inFlight = undefined;
    }
  }
}
