/**
 * The issuances left at SePay (`GET /v1/usage`), read once per batch of runs: concurrent callers
 * share one request and its answer is reused for a short while, so 1,000 invoices waiting on quota
 * do not poll SePay 1,000 times.
 */
import { type RequestOptions, type SepayClient } from '../sepay/index.js';
import { toApplicationFailure } from './sepay-failure.js';
import { SharedLookup } from './shared-lookup.js';

/** Short: a top-up should be seen within seconds, and a batch of runs starts within one window. */
export const DEFAULT_QUOTA_MAX_AGE_MS = 2_000;

export interface QuotaGaugeOptions {
  sepay: Pick<SepayClient, 'getUsage'>;
  /** How long one reading is reused; default 2 seconds. */
  maxAgeMs?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

export class QuotaGauge {
  readonly #sepay: QuotaGaugeOptions['sepay'];
  readonly #reading: SharedLookup<number>;
  #lastKnown: number | undefined;

  constructor(options: QuotaGaugeOptions) {
    this.#sepay = options.sepay;
    this.#reading = new SharedLookup(() => this.#read(), options.maxAgeMs ?? DEFAULT_QUOTA_MAX_AGE_MS, options.now ?? Date.now);
  }

  /** Issuances left, a whole number from 0. A failed read rejects with its typed `ApplicationFailure`. */
  async remaining(options: RequestOptions = {}): Promise<number> {
    try {
      return await this.#reading.get(options.signal);
    } catch (error) {
      throw toApplicationFailure(error);
    }
  }

  /** The next `remaining()` asks SePay, e.g. after a `quotaToppedUp` signal or a QUOTA_EXCEEDED answer. */
  invalidate(): void {
    this.#reading.invalidate();
  }

  /** The latest reading however old, for metrics; undefined before the first one. */
  lastKnown(): number | undefined {
    return this.#lastKnown;
  }

  async #read(): Promise<number> {
    // SePay sends a string ("9999"); the client parses it to a number. Never negative, never fractional.
    const remaining = Math.max(0, Math.trunc(await this.#sepay.getUsage()));
    this.#lastKnown = remaining;
    return remaining;
  }
}
