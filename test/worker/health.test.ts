import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/free-port.js';
import { startHealthServer, type HealthServer, type Readiness } from '../../worker/health.js';
import { holdConnection, pause, type HeldConnection } from '../support/idle-connections.js';
import { sendRaw } from '../support/raw-http.js';

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

  it('a request target like //x:99999/readyz answers 400 and the health server keeps answering', async () => {
    // Issue #12: `new URL('//x:99999/readyz', base)` threw inside the handler and the worker exited.
    server = await startHealthServer({ host: '127.0.0.1', port: await freePort() }, () => ({ ready: true }));
    const { hostname: host, port } = new URL(server.url);
    for (const target of ['//x:99999/readyz', '/\\x:99999/readyz', 'http://x:99999/readyz', '*']) {
      const outcome = await sendRaw(
        { host, port: Number(port) },
        { parts: [`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`], deadlineMs: 5_000 },
      );
      expect(outcome, target).toMatchObject({ status: 400, end: 'answered' });
    }
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('cuts off a client that trickles its headers', async () => {
    const limits = { headersTimeoutMs: 300, requestTimeoutMs: 600, idleTimeoutMs: 2_000 };
    server = await startHealthServer({ host: '127.0.0.1', port: await freePort() }, () => ({ ready: true }), { limits });
    const { hostname: host, port } = new URL(server.url);
    const slowloris = [...'GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ' + 'a'.repeat(200)];
    const outcome = await sendRaw({ host, port: Number(port) }, { parts: slowloris, trickleMs: 20, deadlineMs: 5_000 });
    // Node answers 408 when the header timeout fires, then closes; either way the socket is gone.
    expect(outcome.end).not.toBe('deadline');
    if (outcome.status !== undefined) expect(outcome.status).toBe(408);
    expect((await fetch(`${server.url}/livez`)).status).toBe(200);
  });

  it('answers 500 without the request when readiness throws, and keeps serving', async () => {
    const reported: string[] = [];
    server = await startHealthServer(
      { host: '127.0.0.1', port: await freePort() },
      () => {
        throw new Error('supervisor gone');
      },
      { onUnexpectedError: (message) => reported.push(message) },
    );
    expect((await fetch(`${server.url}/readyz?secret=marker`)).status).toBe(500);
    expect(reported).toEqual(['health endpoint: unexpected error']);
    expect((await fetch(`${server.url}/livez`)).status).toBe(200);
  });

  it('closes idle connections after the idle timeout and refuses connections beyond the cap', async () => {
    // Issue #20: each idle connection holds a file descriptor the worker needs for Temporal and SePay.
    const limits = { headersTimeoutMs: 5_000, requestTimeoutMs: 5_000, idleTimeoutMs: 500 };
    server = await startHealthServer({ host: '127.0.0.1', port: await freePort() }, () => ({ ready: true }), { limits, maxConnections: 3 });
    const port = Number(new URL(server.url).port);

    // One keep-alive connection that made a request, two that never sent a byte: the cap is full.
    const keptAlive = await holdConnection(port);
    keptAlive.socket.write('GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const silent = [await holdConnection(port), await holdConnection(port)];
    await pause(100);
    const opened = Date.now();
    const beyondCap = [await holdConnection(port), await holdConnection(port)];

    const closedAfter = async (connection: HeldConnection) => (await connection.closed) - opened;
    for (const connection of beyondCap) expect(await closedAfter(connection)).toBeLessThan(300);
    for (const connection of [keptAlive, ...silent]) {
      const elapsed = await closedAfter(connection);
      expect(elapsed).toBeGreaterThanOrEqual(250);
      // A kept-alive socket: Node's keep-alive timeout (the idle timeout, at most 5 s) plus its 1 s margin.
      expect(elapsed).toBeLessThan(3_000);
    }
    expect(keptAlive.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(beyondCap.map((connection) => connection.received())).toEqual(['', '']);
    // The slots are free again.
    expect((await fetch(`${server.url}/livez`)).status).toBe(200);
  });
});
