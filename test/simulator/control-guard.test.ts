/**
 * The control API refuses state changes a web page could send (issue #12): a foreign Host (DNS
 * rebinding) is 403, a body not declared JSON (a form or `text/plain` fetch, which browsers send
 * without a CORS preflight) is 415, both in the error envelope and with nothing changed.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { expectError, useSimulator, type Reply } from './harness.js';

const sim = useSimulator();

/** node:http, because fetch does not let a caller choose the Host header. */
function controlCall(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: sim.simulator.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const contentType = String(res.headers['content-type'] ?? '');
        resolve({
          status: res.statusCode ?? 0,
          headers: new Headers(res.headers as Record<string, string>),
          body: contentType.includes('json') && text ? JSON.parse(text) : text,
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const FAULT = JSON.stringify({ endpoint: 'usage', kind: 'error', status: 500 });

describe('control API guard', () => {
  it.each([
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['no content type', undefined],
  ])('answers 415 to a state change sent as %s, and changes nothing', async (_name, contentType) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${sim.simulator.port}` };
    if (contentType) headers['content-type'] = contentType;
    expectError(await controlCall('POST', '/__sim/faults', headers, FAULT), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await controlCall('DELETE', '/__sim/stats', headers), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await controlCall('PUT', '/__sim/quota', headers, '{"quota":0}'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await sim.control.faults()).toEqual([]);
    expect((await sim.api.call('GET', '/v1/usage')).body.data.quota_remaining).toBe('10000');
  });

  it.each(['evil.example', 'evil.example:4010', '127.0.0.1.evil.example', '10.0.0.5:4010', '127.0.0.1@evil.example'])(
    'answers 403 to a state change with Host "%s", even declared JSON',
    async (host) => {
      const reply = await controlCall('POST', '/__sim/faults', { host, 'content-type': 'application/json' }, FAULT);
      expectError(reply, 403, 'FORBIDDEN');
      expect(await sim.control.faults()).toEqual([]);
    },
  );

  it.each(['127.0.0.1', 'localhost:4010', 'LOCALHOST', '[::1]:65535'])('accepts JSON state changes with Host "%s"', async (host) => {
    const reply = await controlCall('POST', '/__sim/faults', { host, 'content-type': 'application/json' }, FAULT);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(await sim.control.faults()).toMatchObject([{ endpoint: 'usage', kind: 'error' }]);
  });

  it('lets reads through without a content type (a foreign Host is refused on every route: host-guard.test.ts)', async () => {
    const stats = await controlCall('GET', '/__sim/stats', { host: `localhost:${sim.simulator.port}` });
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ total: expect.any(Number) });
  });

  it('SimulatorControl sends what the guard wants, also for changes without a body', async () => {
    await sim.control.addFault({ endpoint: 'usage', kind: 'latency', latencyMs: 1 });
    await sim.control.clearFaults();
    await sim.control.resetStats();
    await sim.control.expireTokens();
    sim.api.forgetToken();
    expect(await sim.control.faults()).toEqual([]);
  });
});
