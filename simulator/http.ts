/**
 * The SePay envelope and the HTTP plumbing around it: every answer, success or error, goes out
 * through `send`, so no code path can answer outside the documented envelope (§1.2).
 */
import { type IncomingMessage, type ServerOptions, type ServerResponse } from 'node:http';
import { type z } from 'zod';

/**
 * How long a client may take before the server cuts it off. The simulator imports nothing of
 * ours, so it keeps its own copy of what `worker/http-guards.ts` does for our other servers.
 */
export interface SlowClientLimits {
  /** Request line and headers (then 400 in the envelope, and closed). */
  headersTimeoutMs: number;
  /** The whole request, body included. */
  requestTimeoutMs: number;
  /** No traffic either way for this long destroys the socket; above any latency fault a test injects. */
  idleTimeoutMs: number;
}

export const DEFAULT_SLOW_CLIENT_LIMITS: SlowClientLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, idleTimeoutMs: 120_000 };

/**
 * Connections open at once; more are closed as soon as they are accepted. Far above what a burst
 * of benchmark workers opens (a few hundred), far below the process's file descriptor limit.
 */
export const DEFAULT_MAX_CONNECTIONS = 2_048;

/** `createServer` options for the limits; the idle timeout is `server.setTimeout(idleTimeoutMs)`. */
export function slowClientServerOptions(limits: SlowClientLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
    // Node checks the two timeouts every 30 s by default, far coarser than they are.
    connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
  };
}

export interface ApiResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const CODES: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'RATE_LIMITED',
  500: 'INTERNAL_ERROR',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};

/** Generic error codes; SePay documents only a few, the rest are the simulator's choice (§23 #1). */
export function codeForStatus(status: number): string {
  return CODES[status] ?? `HTTP_${status}`;
}

/** Thrown anywhere in a handler; becomes an error envelope. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new ApiError(400, 'BAD_REQUEST', message);
export const notFound = (message: string) => new ApiError(404, 'NOT_FOUND', message);

export function ok(data: unknown): ApiResponse {
  return { status: 200, body: { success: true, data } };
}

export function errorResponse(error: ApiError): ApiResponse {
  return {
    status: error.status,
    body: { success: false, error: { code: error.code, message: error.message } },
    headers: error.headers,
  };
}

/** Unexpected exceptions become a 500 envelope; the server keeps running. */
export function asErrorResponse(error: unknown, onUnexpected: (error: unknown) => void): ApiResponse {
  if (error instanceof ApiError) return errorResponse(error);
  onUnexpected(error);
  return errorResponse(new ApiError(500, 'INTERNAL_ERROR', 'Lỗi hệ thống, vui lòng thử lại sau'));
}

/** A Buffer body is sent as is (files); anything else as JSON. */
export function send(res: ServerResponse, response: ApiResponse): void {
  if (res.headersSent || res.destroyed) return;
  const raw = Buffer.isBuffer(response.body);
  const data = raw ? (response.body as Buffer) : Buffer.from(JSON.stringify(response.body));
  res.writeHead(response.status, {
    ...(raw ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    ...response.headers,
    'content-length': data.length,
  });
  res.end(data);
}

/**
 * Reads the whole body. Past `limit` bytes it keeps draining (so the client can read the answer
 * instead of getting a reset mid-upload) and then refuses with 413.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > limit) {
        reject(
          new ApiError(413, 'PAYLOAD_TOO_LARGE', `Nội dung yêu cầu quá lớn (tối đa ${limit} byte)`, { connection: 'close' }),
        );
      } else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

export function isJsonContentType(header: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(header?.trim() ?? '');
}

export function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw badRequest('Thiếu nội dung yêu cầu (body JSON)');
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw badRequest('Nội dung yêu cầu không phải JSON hợp lệ');
  }
}

/** Body or query checked against a zod schema; a 400 names the first few invalid fields. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 3).map((issue) => {
    const field = issue.path.map((p) => String(p).slice(0, 60)).join('.') || 'body';
    return `${field}: ${issue.message}`;
  });
  throw badRequest(`Thiếu hoặc sai định dạng trường bắt buộc — ${problems.join('; ')}`.slice(0, 1000));
}
