import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/free-port.js';
import { startHealthServer, type HealthServer, type Readiness } from '../../worker/health.js';

describe('health endpoints', () => {
  let server: HealthServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('answers /livez always and /readyz by the current readiness, with its details', async () => {
    let readiness: Readiness = { ready: false, workerState: 'CONNECTING' };
    server = await startHealthServer({ host: '127.0.0.1', port: await freePort() }, () => readiness);

    expect((await fetch(`${server.url}/livez`)).status).toBe(200);
    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ ready: false, workerState: 'CONNECTING' });

    readiness = { ready: true, workerState: 'RUNNING' };
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, workerState: 'RUNNING' });
  });

  it('refuses other paths and methods', async () => {
    server = await startHealthServer({ host: '127.0.0.1', port: await freePort() }, () => ({ ready: true }));
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${server.url}/readyz`, { method: 'POST' })).status).toBe(405);
  });

  it('fails to start, naming the cause, when the port is taken', async () => {
    server = await startHealthServer({ host: '127.0.0.1', port: await freePort() }, () => ({ ready: true }));
    const port = Number(new URL(server.url).port);
    await expect(startHealthServer({ host: '127.0.0.1', port }, () => ({ ready: true }))).rejects.toThrow(/EADDRINUSE/);
  });
});
