/**
 * Every failure of a SePay call is a `SepayError`. Callers branch on `kind` (derived from the HTTP
 * status, as the API reference advises: SePay's `error.code` strings are only partly documented)
 * and on `retryable`; `code` is kept for logs and for the few cases where it matters.
 *
 * Errors are built from status, code and SePay's own message only — never from request headers or
 * bodies — so neither the client secret nor the access token can leak through them.
 */
import { type z } from 'zod';

/** `error.code` strings that SePay sends. */
export const SepayErrorCode = {
  // Documented (API reference §15.3).
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  EINVOICE_DOCUMENT_EXISTED: 'EINVOICE_DOCUMENT_EXISTED',
  REGISTRATION_NOT_TAX_APPROVED: 'REGISTRATION_NOT_TAX_APPROVED',
  INVOICE_DATE_BEFORE_TAX_APPROVAL: 'INVOICE_DATE_BEFORE_TAX_APPROVAL',
  // Not documented; assumed by the simulator (API reference §22.11).
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;
export type SepayErrorCode = (typeof SepayErrorCode)[keyof typeof SepayErrorCode];

/**
 * Codes this client makes up when SePay sent none. A non-2xx body that is not SePay's error
 * envelope gets `HTTP_<status>` instead.
 */
export const ClientErrorCode = {
  NETWORK_ERROR: 'NETWORK_ERROR',
  TIMEOUT: 'TIMEOUT',
  INVALID_RESPONSE: 'INVALID_RESPONSE',
  INVALID_REQUEST: 'INVALID_REQUEST',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/**
 * - `network` and `timeout`: no response arrived, so the request MAY have been committed; before
 *   repeating a create, look the invoice up by its reference code.
 * - `bad-request` also covers a request body that failed validation before it was sent
 *   (`status` undefined, code `INVALID_REQUEST`).
 */
export type SepayErrorKind =
  | 'auth'
  | 'bad-request'
  | 'quota'
  | 'not-found'
  | 'method-not-allowed'
  | 'conflict'
  | 'unprocessable'
  | 'rate-limited'
  | 'unavailable'
  | 'network'
  | 'timeout'
  | 'invalid-response';

const RETRYABLE_KINDS: ReadonlySet<SepayErrorKind> = new Set(['rate-limited', 'unavailable', 'network', 'timeout']);

export interface SepayErrorInit {
  kind: SepayErrorKind;
  /** e.g. `POST /v1/invoices/create`; path parameters stay as placeholders. */
  endpoint: string;
  code: string;
  message: string;
  status?: number;
  retryAfterMs?: number;
}

export class SepayError extends Error {
  override readonly name = 'SepayError';
  readonly kind: SepayErrorKind;
  readonly endpoint: string;
  /** HTTP status; undefined when no response arrived or the request was never sent. */
  readonly status: number | undefined;
  readonly code: string;
  readonly retryable: boolean;
  /** From the `Retry-After` header, when the server sent one. */
  readonly retryAfterMs?: number;

  constructor(init: SepayErrorInit) {
    super(`${init.endpoint}: ${init.message}`);
    this.kind = init.kind;
    this.endpoint = init.endpoint;
    this.status = init.status;
    this.code = init.code;
    this.retryable = RETRYABLE_KINDS.has(init.kind);
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** A request this client refused to send: found before any I/O, so nothing reached SePay. */
export function invalidRequest(endpoint: string, message: string): SepayError {
  return new SepayError({ kind: 'bad-request', endpoint, code: ClientErrorCode.INVALID_REQUEST, message });
}

const KIND_BY_STATUS: Readonly<Record<number, SepayErrorKind>> = {
  400: 'bad-request',
  401: 'auth',
  403: 'quota',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  422: 'unprocessable',
  429: 'rate-limited',
};

/**
 * The kind of a non-2xx status. Other 4xx mean the request as sent will not succeed; 1xx/3xx are
 * outside the protocol altogether.
 */
export function kindForStatus(status: number): SepayErrorKind {
  if (status >= 500) return 'unavailable';
  return KIND_BY_STATUS[status] ?? (status >= 400 ? 'bad-request' : 'invalid-response');
}

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** `items[0].quantity: at most 2 decimal places; buyer.email: Invalid email address` */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join('; ');
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}
