/**
 * A remote codec for the Temporal Web UI and CLI (the codec server protocol): `POST …/encode` and
 * `POST …/decode` take and return `{"payloads": [...]}` as protobuf JSON (bytes in base64); only
 * the last path segment picks the operation, so the server can sit behind any path prefix.
 *
 * Only callers with the token get an answer: `Authorization: Bearer <token>` (CLI, SDKs, a proxy),
 * or the token as the path segment just before the operation (`/<token>/decode`) for browsers,
 * since the Web UI sends an Authorization header only with its own OIDC access token. Browsers
 * may call from the configured origins only (CORS).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { z } from 'zod';
import { PayloadDecryptionError, UnknownEncryptionKeyError } from './aes-gcm-codec.js';

const { Payloads } = proto.temporal.api.common.v1;

/** Far above one history event's payloads (Temporal caps a payload at 2 MB by default). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
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
  /** Default: silent except for unexpected errors. Request paths are never logged (they may hold the token). */
  logger?: CodecServerLogger;
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

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => (size > MAX_BODY_BYTES ? reject(new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`, { connection: 'close' })) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

function parsePayloads(body: Buffer): Payload[] {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
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
  const corsOrigins = new Set(options.corsOrigins ?? []);
  const isToken = tokenMatcher(options.token);

  function corsHeaders(req: IncomingMessage): OutgoingHttpHeaders {
    const origin = req.headers.origin;
    if (!origin || !corsOrigins.has(origin)) return { vary: 'Origin' };
    // Credentials too: the Web UI's "include cross-origin credentials" option sends cookies.
    return { vary: 'Origin', 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' };
  }

  async function answer(req: IncomingMessage): Promise<Answer> {
    const segments = new URL(req.url ?? '/', 'http://codec.invalid').pathname.split('/').filter((segment) => segment !== '');
    const operation = segments.at(-1) as Operation | undefined;
    if (!operation || !OPERATIONS.includes(operation)) return { status: 404, body: { error: 'not found: POST …/encode or …/decode' } };

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
      logger.info(`${operation} refused: no valid token (401), namespace ${String(req.headers['x-namespace'] ?? '-')}`);
      return { status: 401, body: { error: 'a valid token is required' }, headers: { 'www-authenticate': 'Bearer realm="codec"' } };
    }

    const payloads = parsePayloads(await readBody(req));
    let converted: Payload[];
    try {
      converted = await (operation === 'encode' ? codec.encode(payloads) : codec.decode(payloads));
    } catch (error) {
      // The key id is named, key material never: the message is safe to return.
      if (error instanceof UnknownEncryptionKeyError || error instanceof PayloadDecryptionError) throw new HttpError(422, error.message);
      throw error;
    }
    logger.info(`${operation} ${converted.length} payload(s), namespace ${String(req.headers['x-namespace'] ?? '-')}`);
    return { status: 200, body: Payloads.fromObject({ payloads: converted }).toJSON() };
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

  const server = createServer((req, res) => {
    answer(req)
      .catch((error: unknown): Answer => {
        if (error instanceof HttpError) return { status: error.status, body: { error: error.message }, headers: error.headers };
        logger.error('codec server: unexpected error', error);
        return { status: 500, body: { error: 'internal error' } };
      })
      .then((result) => send(req, res, result))
      .catch((error: unknown) => logger.error('codec server: cannot answer', error));
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
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

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
