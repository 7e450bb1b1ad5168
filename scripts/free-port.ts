import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `preferred` when nothing listens on it, else a free port: the demo keeps familiar ports when it can. */
export function preferredPort(preferred: number): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(freePort()));
    server.listen(preferred, '127.0.0.1', () => server.close(() => resolve(preferred)));
  });
}

/**
 * A free TCP port on 127.0.0.1 below 32768, for the Temporal server's membership ports: it stores
 * them in a PostgreSQL `smallint` column, and the ports the OS hands out (32768 and up on Linux)
 * do not fit. Random tries in 10000-32767, each checked by binding it.
 */
export async function freePortBelow32768(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const candidate = 10_000 + Math.floor(Math.random() * (32_768 - 10_000));
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.unref();
      server.once('error', () => resolve(false));
      server.listen(candidate, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return candidate;
  }
  throw new Error('no free port below 32768 on 127.0.0.1 after 100 tries');
}
