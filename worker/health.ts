/**
 * The worker's health endpoints for an orchestrator: `GET /livez` answers 200 while the process
 * runs (restart it when this stops answering), `GET /readyz` answers 200 only while the worker
 * polls a reachable Temporal server and 503 otherwise (send it no traffic, but do not restart
 * it: it reconnects by itself). Both bodies are a small JSON object for people reading them.
 */
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { formatListenAddress, type ListenAddress } from './listen-address.js';

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

export async function startHealthServer(address: ListenAddress, readiness: () => Readiness): Promise<HealthServer> {
  const server = createServer((request, response) => {
    const reply = (status: number, body: object) => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : JSON.stringify(body) + '\n');
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return reply(405, { error: 'method not allowed' });
    const path = new URL(request.url ?? '/', 'http://health').pathname;
    if (path === '/livez') return reply(200, { live: true });
    if (path === '/readyz') {
      const current = readiness();
      return reply(current.ready ? 200 : 503, current);
    }
    return reply(404, { error: 'not found', endpoints: ['/livez', '/readyz'] });
  });
  server.listen(address.port, address.host);
  await once(server, 'listening');
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
