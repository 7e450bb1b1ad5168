/**
 * The worker's health endpoints for an orchestrator: `GET /livez` answers 200 while the process
 * runs (restart it when this stops answering), `GET /readyz` answers 200 only while the worker
 * polls a reachable Temporal server and 503 otherwise (send it no traffic, but do not restart
 * it: it reconnects by itself). Both bodies are a small JSON object for people reading them.
 *
 * Anyone on the network may reach it (compose binds 0.0.0.0), so no request may stop the process:
 * the handler never throws, an unreadable request target gets 400, slow and idle clients are cut
 * off, and at most `HEALTH_MAX_CONNECTIONS` connections are open at once (each is a file descriptor
 * of the worker process).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createGuardedServer, originFormPath, type SlowClientLimits } from './http-guards.js';
import { formatListenAddress, type ListenAddress } from './listen-address.js';

/** Probes are tiny and local: a client slower than this is not an orchestrator. */
export const HEALTH_SLOW_CLIENT_LIMITS: SlowClientLimits = { headersTimeoutMs: 5_000, requestTimeoutMs: 10_000, idleTimeoutMs: 10_000 };
/**
 * An orchestrator probes with one or two connections at a time; a client that fills the rest is
 * refused, and one that holds them idle is cut off after the idle timeout.
 */
export const HEALTH_MAX_CONNECTIONS = 32;

export interface HealthServerOptions {
  /** Tests shorten these. */
  limits?: SlowClientLimits;
  /** Connections open at once; more are closed as soon as they are accepted. */
  maxConnections?: number;
  /** Where an unexpected error is reported: a fixed message and the error, never the request. */
  onUnexpectedError?: (message: string, error: unknown) => void;
}

export interface Readiness {
  ready: boolean;
  /** Why, for the response body and the logs. */
  [detail: string]: unknown;
}

export interface HealthServer {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  close(): Promise<void>;
}

export async function startHealthServer(address: ListenAddress, readiness: () => Readiness, options: HealthServerOptions = {}): Promise<HealthServer> {
  const onUnexpectedError = options.onUnexpectedError ?? ((message, error) => console.error(message, error));
  const limits = options.limits ?? HEALTH_SLOW_CLIENT_LIMITS;
  const server = createGuardedServer(limits, options.maxConnections ?? HEALTH_MAX_CONNECTIONS, (request, response) => {
    try {
      answer(request, response, readiness);
    } catch (error) {
      onUnexpectedError('health endpoint: unexpected error', error);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end();
    }
  });
  server.listen(address.port, address.host);
  await once(server, 'listening');
  // After listening, an 'error' (e.g. EMFILE on accept) must not become an uncaught exception.
  server.on('error', (error) => onUnexpectedError('health endpoint: server error', error));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${formatListenAddress({ host: address.host, port })}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function answer(request: IncomingMessage, response: ServerResponse, readiness: () => Readiness): void {
  const reply = (status: number, body: object) => {
    response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : JSON.stringify(body) + '\n');
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') return reply(405, { error: 'method not allowed' });
  const path = originFormPath(request.url);
  if (path === undefined) return reply(400, { error: 'bad request target: expected a path such as /readyz' });
  if (path === '/livez') return reply(200, { live: true });
  if (path === '/readyz') {
    const current = readiness();
    return reply(current.ready ? 200 : 503, current);
  }
  return reply(404, { error: 'not found', endpoints: ['/livez', '/readyz'] });
}
