/**
 * Access tokens for the SePay eInvoice API (`POST /v1/token`, valid 24 h).
 *
 * The token is cached and reused until shortly before it expires; concurrent callers share one
 * refresh, and after a 401 `invalidate(token)` lets exactly one refresh happen however many calls
 * saw the same stale token. Credentials and tokens live in `#private` fields, so they never show
 * up in `JSON.stringify`, `util.inspect` or error messages.
 */
import { HttpTransport, TOKEN_ROUTE, type TransportOptions } from './http.js';
import { TokenData } from './schemas.js';

export interface TokenProviderOptions extends TransportOptions {
  clientId: string;
  clientSecret: string;
  /** Refresh this long before the token expires. Default 5 minutes. */
  refreshMarginMs?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

interface CachedToken {
  token: string;
  expiresAt: number;
  refreshAt: number;
}

const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

export class TokenProvider {
  readonly #http: HttpTransport;
  readonly #basicAuthorization: string;
  readonly #refreshMarginMs: number;
  readonly #now: () => number;
  #cached: CachedToken | undefined;
  #refreshing: Promise<CachedToken> | undefined;

  constructor(options: TokenProviderOptions) {
    this.#http = new HttpTransport(options);
    const credentials = Buffer.from(`${options.clientId}:${options.clientSecret}`, 'utf8').toString('base64');
    this.#basicAuthorization = `Basic ${credentials}`;
    this.#refreshMarginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.#now = options.now ?? Date.now;
  }

  /** When the cached token expires (ms since the epoch); undefined while none is cached. */
  get expiresAt(): number | undefined {
    return this.#cached?.expiresAt;
  }

  async getToken(options: { signal?: AbortSignal } = {}): Promise<string> {
    options.signal?.throwIfAborted(); // before starting a refresh nobody is waiting for
    const cached = this.#cached;
    if (cached && this.#now() < cached.refreshAt) return cached.token;
    // Not tied to any caller's signal: one caller giving up must not fail the others' refresh.
    this.#refreshing ??= this.#fetchToken().finally(() => {
      this.#refreshing = undefined;
    });
    const fresh = await abortable(this.#refreshing, options.signal);
    return fresh.token;
  }

  /** Drops the cached token only if it is still `token`, so a burst of 401s refreshes once. */
  invalidate(token: string): void {
    if (this.#cached?.token === token) this.#cached = undefined;
  }

  async #fetchToken(): Promise<CachedToken> {
    const requestedAt = this.#now();
    const data = await this.#http.request({
      method: 'POST',
      route: TOKEN_ROUTE,
      authorization: this.#basicAuthorization,
      data: TokenData,
    });
    const lifetimeMs = data.expires_in * 1000;
    // A margin longer than half the lifetime (short-lived test tokens) would refresh on every call.
    const marginMs = Math.min(this.#refreshMarginMs, lifetimeMs / 2);
    this.#cached = {
      token: data.access_token,
      expiresAt: requestedAt + lifetimeMs,
      refreshAt: requestedAt + lifetimeMs - marginMs,
    };
    return this.#cached;
  }
}

/** Waits for `promise`, or rejects with the signal's reason once it aborts; the signal must not be aborted yet. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.finally(() => signal.removeEventListener('abort', onAbort)).then(resolve, reject);
  });
}
