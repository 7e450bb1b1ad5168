/**
 * What every HTTP server of ours (the worker's health endpoints, the codec server) puts up against
 * a hostile client on the same network: a request target is read without ever throwing, slow and
 * idle clients are cut off by timeouts instead of holding sockets for minutes (Node's defaults),
 * and the number of open connections is capped, so many clients together cannot use up the file
 * descriptors the process needs for its real work (Temporal, SePay).
 */
import { createServer, type RequestListener, type Server } from 'node:http';

/**
 * The path of an origin-form request target (`/livez?x=1` → `/livez`), or undefined for anything
 * else: absolute-form (`http://a/`), `*`, scheme-relative (`//x:99999/`), or what WHATWG URL
 * refuses. We are nobody's proxy, so only origin-form has a meaning here; the caller answers 400.
 */
export function originFormPath(target: string | undefined): string | undefined {
  // `//host` and `/\host` would be read as an authority (WHATWG treats `\` like `/` for http).
  if (!target?.startsWith('/') || target[1] === '/' || target[1] === '\\') return undefined;
  try {
    return new URL(target, 'http://request-target.invalid').pathname;
  } catch {
    return undefined;
  }
}

export interface SlowClientLimits {
  /** The request line and headers must arrive within this (Node answers 408, then closes). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (408, then closed). */
  requestTimeoutMs: number;
  /** A socket with no traffic either way for this long is destroyed (keep-alive included). */
  idleTimeoutMs: number;
}

/** Node's own checks run every 30 s by default, so a 5 s header timeout could take 35 s. */
const MAX_CHECK_INTERVAL_MS = 1_000;

/**
 * `createServer` with the limits applied (Node requires requestTimeout ≥ headersTimeout). Past
 * `maxConnections` open connections, Node closes each new one as soon as it is accepted, before
 * reading a byte; the idle timeout frees the slots that clients hold without using them.
 */
export function createGuardedServer(limits: SlowClientLimits, maxConnections: number, listener: RequestListener): Server {
  const headersTimeout = limits.headersTimeoutMs;
  const server = createServer(
    {
      headersTimeout,
      requestTimeout: Math.max(limits.requestTimeoutMs, headersTimeout),
      keepAliveTimeout: Math.min(5_000, limits.idleTimeoutMs),
      connectionsCheckingInterval: Math.max(10, Math.min(MAX_CHECK_INTERVAL_MS, Math.floor(headersTimeout / 4))),
    },
    listener,
  );
  // With no 'timeout' listener, Node destroys a socket idle this long, also one that never sent a byte.
  server.setTimeout(limits.idleTimeoutMs);
  server.maxConnections = maxConnections;
  return server;
}
