/**
 * One HTTP exchange with SePay: build the URL, send with a timeout, and turn whatever comes back
 * (or does not) into either parsed `data` or a `SepayError`. Shared by the token provider and the
 * client so that both fail the same way.
 */
import { type z } from 'zod';
import { resolveBaseUrl, type SepayEnvironment } from './environment.js';
import { ClientErrorCode, SepayError, describeIssues, invalidRequest, kindForStatus, parseRetryAfter } from './errors.js';
import { ErrorEnvelope, envelope } from './schemas.js';

export interface TransportOptions {
  environment: SepayEnvironment;
  /** Limit for one HTTP request, body included. Default 15 000 ms. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  userAgent?: string;
  /** Told about every request when it ends, answered or not (the worker's metrics). */
  observer?: SepayObserver;
}

/** One finished request: `endpoint` as in `SepayError.endpoint`, `status` the HTTP status if any. */
export interface SepayExchange {
  endpoint: string;
  status: number | 'timeout' | 'network';
  durationMs: number;
}

export type SepayObserver = (exchange: SepayExchange) => void;

export interface HttpRequest<S extends z.ZodType> {
  method: 'GET' | 'POST';
  /** Path template such as `/v1/invoices/{reference_code}`; with `method` it names the endpoint. */
  route: string;
  params?: Readonly<Record<string, string>>;
  query?: Readonly<Record<string, string | number | undefined>>;
  /** Sent as JSON; already validated by the caller. */
  body?: unknown;
  authorization: string;
  /** Schema of the envelope's `data`. */
  data: S;
  signal?: AbortSignal;
}

/** The token endpoint: a POST that changes nothing at SePay. */
export const TOKEN_ROUTE = '/v1/token';

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_USER_AGENT = 'sepay-einvoice-temporal';

export class HttpTransport {
  readonly #baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #userAgent: string;
  readonly #observer: SepayObserver | undefined;

  constructor(options: TransportOptions) {
    this.#baseUrl = resolveBaseUrl(options.environment);
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.#observer = options.observer;
  }

  async request<S extends z.ZodType>(request: HttpRequest<S>): Promise<z.output<S>> {
    const endpoint = `${request.method} ${request.route}`;
    const url = this.#url(endpoint, request);
    const deadline = this.#deadline(request.signal);
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: request.authorization,
      'user-agent': this.#userAgent,
    };
    if (request.body !== undefined) headers['content-type'] = 'application/json';

    let response: Response;
    let text: string;
    const started = performance.now();
    const observe = (status: SepayExchange['status']) => this.#observer?.({ endpoint, status, durationMs: performance.now() - started });
    try {
      response = await this.#fetch(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: deadline.signal,
      });
      text = await response.text();
    } catch (error) {
      // The caller's own abort is not a SePay failure: surface it as the caller's reason.
      request.signal?.throwIfAborted();
      const timedOut = deadline.timedOut();
      observe(timedOut ? 'timeout' : 'network');
      const what = timedOut ? `no response within ${this.#timeoutMs} ms` : describeCauses(error);
      throw new SepayError({
        kind: timedOut ? 'timeout' : 'network',
        endpoint,
        code: timedOut ? ClientErrorCode.TIMEOUT : ClientErrorCode.NETWORK_ERROR,
        message: `${what}; ${changesState(request.method, request.route) ? 'the request may have been committed' : 'nothing was changed at SePay by this request'}`,
      });
    } finally {
      deadline.clear();
    }

    observe(response.status);
    if (!response.ok) throw errorFromResponse(endpoint, response, text);
    const json = parseJson(text);
    const parsed = envelope(request.data).safeParse(json);
    if (!parsed.success) {
      throw new SepayError({
        kind: 'invalid-response',
        endpoint,
        status: response.status,
        code: ClientErrorCode.INVALID_RESPONSE,
        message: json === undefined ? 'response body is not JSON' : describeIssues(parsed.error),
      });
    }
    // TypeScript cannot see through `envelope` for a generic S; the key is always there.
    return (parsed.data as { data: z.output<S> }).data;
  }

  /**
   * The request's timeout joined with the caller's signal, released as soon as the exchange ends.
   * Not `AbortSignal.timeout` + `AbortSignal.any`: on Node 20 each check would leave a timer and a
   * composite signal alive for the whole timeout, thousands of them while a burst of invoices waits.
   */
  #deadline(callerSignal: AbortSignal | undefined): { signal: AbortSignal; timedOut: () => boolean; clear: () => void } {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException(`no response within ${this.#timeoutMs} ms`, 'TimeoutError'));
    }, this.#timeoutMs);
    const follow = () => controller.abort(callerSignal?.reason);
    if (callerSignal?.aborted) follow();
    else callerSignal?.addEventListener('abort', follow, { once: true });
    return {
      signal: controller.signal,
      timedOut: () => timedOut,
      clear: () => {
        clearTimeout(timer);
        callerSignal?.removeEventListener('abort', follow);
      },
    };
  }

  #url(endpoint: string, request: HttpRequest<z.ZodType>): string {
    const path = request.route.replace(/\{(\w+)\}/g, (_, name: string) =>
      encodePathParam(endpoint, name, request.params?.[name]),
    );
    const url = new URL(this.#baseUrl + path);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.href;
  }
}

/** An empty, `.` or `..` segment would silently address another endpoint once URLs normalise. */
function encodePathParam(endpoint: string, name: string, value: string | undefined): string {
  if (value === undefined || value === '' || value === '.' || value === '..') {
    throw invalidRequest(endpoint, `${name}: must be a non-empty code, got ${JSON.stringify(value)}`);
  }
  return encodeURIComponent(value);
}

function errorFromResponse(endpoint: string, response: Response, text: string): SepayError {
  const body = ErrorEnvelope.safeParse(parseJson(text));
  const code = body.success ? body.data.error.code : `HTTP_${response.status}`;
  const detail = body.success ? body.data.error.message : response.statusText || 'no SePay error body';
  return new SepayError({
    kind: kindForStatus(response.status),
    endpoint,
    status: response.status,
    code,
    message: `HTTP ${response.status} ${code}: ${detail}`,
    retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `fetch failed: other side closed (UND_ERR_SOCKET)`: the messages only, not the error objects. */
function describeCauses(error: unknown): string {
  const parts: string[] = [];
  for (let e = error; e instanceof Error && parts.length < 5; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${e.message} (${code})` : e.message);
  }
  return parts.join(': ') || String(error);
}

/**
 * Only a request that changes an invoice can have been committed unseen; a read or the token
 * request changes nothing, and saying otherwise sent operators looking for invoices that a
 * SePay they could not reach had never created.
 */
function changesState(method: HttpRequest<z.ZodType>['method'], route: string): boolean {
  return method === 'POST' && route !== TOKEN_ROUTE;
}
