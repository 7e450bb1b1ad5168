/**
 * A remote codec for the Temporal Web UI and CLI (the codec server protocol): `POST …/encode` and
 * `POST …/decode` take and return `{"payloads": [...]}` as protobuf JSON (bytes in base64); only
 * the last path segment picks the operation, so the server can sit behind any path prefix.
 *
 * Only callers with the token get an answer: `Authorization: Bearer <token>` (CLI, SDKs, a proxy),
 * or the token as the path segment just before the operation (`/<token>/decode`) for browsers,
 * since the Web UI sends an Authorization header only with its own OIDC access token. Browsers
 * may call from the configured origins only (CORS).
 *
 * Whoever can reach the port can send anything, token or not, so: an unreadable request target is
 * a 400, a body is read only up to a limit and holds a bounded number of payloads, slow and idle
 * clients are cut off, the connections open at once are capped, and the log holds method,
 * operation and status only (a path or a header may hold the token).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { z } from 'zod';
import { createGuardedServer, originFormPath, type SlowClientLimits } from '../worker/http-guards.js';
import { PayloadDecryptionError, UnknownEncryptionKeyError } from './aes-gcm-codec.js';

const { Payloads } = proto.temporal.api.common.v1;

/**
 * Temporal refuses more than 2 MB of payloads in one field by default, which is 2.7 MB as base64
 * in JSON: 4 MiB holds the largest legitimate request with room to spare.
 */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** One field of one history event holds a handful; millions of empty ones cost seconds of CPU. */
export const DEFAULT_MAX_PAYLOADS = 1_000;
/** Generous for a 4 MiB upload over a slow link, short enough that idle sockets do not pile up. */
export const CODEC_SLOW_CLIENT_LIMITS: SlowClientLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, idleTimeoutMs: 30_000 };
/**
 * A browser opens up to 6 connections to one origin, so this serves about ten operators' Web UIs at
 * once; it also bounds the bodies read at once (64 × 4 MiB) and the file descriptors held.
 */
export const CODEC_MAX_CONNECTIONS = 64;
const OPERATIONS = ['encode', 'decode'] as const;
type Operation = (typeof OPERATIONS)[number];

const PayloadsJsonSchema = z.object({
  payloads: z.array(z.looseObject({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() })),
});

export interface CodecServerLogger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface CodecServerOptions {
  codec: PayloadCodec;
  token: string;
  /** Browser origins allowed to call (the Web UI's), exactly as the browser sends them. */
  corsOrigins?: readonly string[];
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /**
   * One `info` line per answer: method, operation (or `unknown`), status, payload count. Request
   * paths and header values are never logged (they may hold the token). Default: silent except
   * for unexpected errors, which are reported by name and stack only.
   */
  logger?: CodecServerLogger;
  /** A larger body is refused with 413 and not read further. */
  maxBodyBytes?: number;
  /** More payloads in one request are refused with 413. */
  maxPayloads?: number;
  /** Tests shorten these. */
  slowClientLimits?: SlowClientLimits;
  /** Connections open at once; more are closed as soon as they are accepted. */
  maxConnections?: number;
}

export interface RunningCodecServer {
  /** Base URL, e.g. http://127.0.0.1:8888; the endpoints are `${url}/encode` and `${url}/decode`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: OutgoingHttpHeaders;
  /** For the log line. */
  payloadCount?: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: OutgoingHttpHeaders = {},
  ) {
    super(message);
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant time whatever the candidate's length: both sides are hashed to 32 bytes first. */
function tokenMatcher(token: string): (candidate: string | undefined) => boolean {
  const expected = digest(token);
  return (candidate) => candidate !== undefined && timingSafeEqual(digest(candidate), expected);
}

/** Refuses as soon as the body is known to be too large, and stops reading it (the connection closes). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () => new HttpError(413, `body larger than ${limit} bytes`, { connection: 'close' });
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length']) > limit) return reject(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return chunks.push(chunk);
      req.off('data', onData);
      req.pause();
      reject(tooLarge());
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    // The client hung up or was cut off mid-body (timeout): its problem, not an unexpected error.
    req.on('error', () => reject(new HttpError(400, 'the request body was cut off')));
  });
}

/**
 * A payload is at most a few JSON objects and arrays (itself, its metadata, its external payload
 * references), so a body with far more `{` and `[` than the cap allows is refused before
 * JSON.parse builds millions of them (1.4 million empty payloads fit in 4 MiB and take a second to
 * parse). A flood of scalars parses fast and is refused by the count right after.
 */
function refuseContainerFlood(body: Buffer, maxPayloads: number): void {
  const maxContainers = 2 + 4 * maxPayloads;
  let containers = 0;
  // An index loop: iterating a Buffer with for…of is five times slower.
  for (let at = 0; at < body.length; at++) {
    const byte = body[at];
    if ((byte === 0x7b || byte === 0x5b) && ++containers > maxContainers) {
      throw new HttpError(413, `more than ${maxContainers} JSON objects and arrays: at most ${maxPayloads} payloads in one request`);
    }
  }
}

function parsePayloads(body: Buffer, maxPayloads: number): Payload[] {
  refuseContainerFlood(body, maxPayloads);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
  // Before validating each one: that is where millions of payloads would cost seconds.
  const count = (json as { payloads?: unknown } | null)?.payloads;
  if (Array.isArray(count) && count.length > maxPayloads) throw new HttpError(413, `more than ${maxPayloads} payloads in one request`);
  const envelope = PayloadsJsonSchema.safeParse(json);
  if (!envelope.success) {
    const problems = envelope.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
    throw new HttpError(400, `expected {"payloads": [{"metadata": {...}, "data": "<base64>"}]}: ${problems.join('; ')}`);
  }
  try {
    return Payloads.fromObject(envelope.data).payloads;
  } catch (error) {
    throw new HttpError(400, `invalid payloads: ${(error as Error).message}`);
  }
}

export async function startCodecServer(options: CodecServerOptions): Promise<RunningCodecServer> {
  const { codec } = options;
  const logger = options.logger ?? { info: () => {}, error: (message, error) => console.error(message, error) };
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxPayloads = options.maxPayloads ?? DEFAULT_MAX_PAYLOADS;
  const corsOrigins = new Set(options.corsOrigins ?? []);
  const isToken = tokenMatcher(options.token);

  function corsHeaders(req: IncomingMessage): OutgoingHttpHeaders {
    const origin = req.headers.origin;
    if (!origin || !corsOrigins.has(origin)) return { vary: 'Origin' };
    // Credentials too: the Web UI's "include cross-origin credentials" option sends cookies.
    return { vary: 'Origin', 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' };
  }

  async function answer(req: IncomingMessage, operation: Operation | undefined, segments: string[]): Promise<Answer> {
    if (!operation) return { status: 404, body: { error: 'not found: POST …/encode or …/decode' } };

    if (req.method === 'OPTIONS') {
      // A preflight carries no credentials; only the allowed origins get the go-ahead.
      if (!corsOrigins.has(req.headers.origin ?? '')) return { status: 403, body: { error: 'origin not allowed' } };
      return {
        status: 204,
        headers: {
          'access-control-allow-methods': 'POST, OPTIONS',
          'access-control-allow-headers': 'Authorization, Content-Type, X-Namespace',
          'access-control-max-age': '600',
          // Chrome asks before a public page (e.g. Temporal Cloud's UI) calls a server on 127.0.0.1.
          ...(req.headers['access-control-request-private-network'] === 'true' && { 'access-control-allow-private-network': 'true' }),
        },
      };
    }
    if (req.method !== 'POST') return { status: 405, body: { error: 'use POST' }, headers: { allow: 'POST, OPTIONS' } };

    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    const pathToken = segments.at(-2);
    if (!isToken(bearer) && !isToken(pathToken && safeDecode(pathToken))) {
      return { status: 401, body: { error: 'a valid token is required' }, headers: { 'www-authenticate': 'Bearer realm="codec"' } };
    }

    const payloads = parsePayloads(await readBody(req, maxBodyBytes), maxPayloads);
    let converted: Payload[];
    try {
      converted = await (operation === 'encode' ? codec.encode(payloads) : codec.decode(payloads));
    } catch (error) {
      // The key id is named, key material never: the message is safe to return.
      if (error instanceof UnknownEncryptionKeyError || error instanceof PayloadDecryptionError) throw new HttpError(422, error.message);
      throw error;
    }
    return { status: 200, body: Payloads.fromObject({ payloads: converted }).toJSON(), payloadCount: converted.length };
  }

  function send(req: IncomingMessage, res: ServerResponse, { status, body, headers }: Answer): void {
    if (res.headersSent || res.destroyed) return;
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    res.writeHead(status, {
      ...corsHeaders(req),
      ...headers,
      ...(data && { 'content-type': 'application/json; charset=utf-8', 'content-length': data.length }),
    });
    res.end(data);
  }

  const limits = options.slowClientLimits ?? CODEC_SLOW_CLIENT_LIMITS;
  const server = createGuardedServer(limits, options.maxConnections ?? CODEC_MAX_CONNECTIONS, (req, res) => {
    const segments = originFormPath(req.url)?.split('/').filter((segment) => segment !== '');
    const operation = OPERATIONS.find((name) => name === segments?.at(-1));
    const answered = segments ? answer(req, operation, segments) : Promise.resolve<Answer>({ status: 400, body: { error: 'bad request target: expected a path ending in /encode or /decode' } });
    answered
      .catch((error: unknown): Answer => {
        if (error instanceof HttpError) return { status: error.status, body: { error: error.message }, headers: error.headers };
        logger.error('codec server: unexpected error', stackOnly(error));
        return { status: 500, body: { error: 'internal error' } };
      })
      .then((result) => {
        // Method names are a fixed set (Node's parser refuses others); the path is never logged.
        logger.info(`${req.method} ${operation ?? 'unknown'} ${result.status}${result.payloadCount === undefined ? '' : ` (${result.payloadCount} payloads)`}`);
        send(req, res, result);
      })
      .catch((error: unknown) => logger.error('codec server: cannot answer', stackOnly(error)));
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      // From now on an 'error' (e.g. EMFILE on accept) must not become an uncaught exception.
      server.on('error', (error) => logger.error('codec server: server error', stackOnly(error)));
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/**
 * An error's own properties can hold the request (Node's URL errors carry `input`, the raw path
 * with the token): report the stack, which names the error and where it happened, and nothing else.
 */
function stackOnly(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.name) : typeof error;
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
