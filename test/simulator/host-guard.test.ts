/**
 * Reads are guarded like writes (issue #20): a web page the developer opens can rebind its own
 * DNS name to 127.0.0.1 and read whatever the simulator answers, buyers' names and PDFs included.
 * Its requests carry its own name in `Host`, so every route answers 403 to a Host that is not
 * loopback, the address the simulator is bound to, or a name it was told to answer to.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../simulator/server.js';
import { requestNamingHost } from '../support/host-request.js';
import { expectError, uniqueRef, useSimulator, type Reply } from './harness.js';

const sim = useSimulator({ allowedHosts: ['sepay-simulator'] });

function callWithHost(host: string, method: string, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return requestNamingHost(sim.simulator.port, host, method, path, headers);
}

const basic = `Basic ${Buffer.from(`${DEFAULT_CLIENT_ID}:${DEFAULT_CLIENT_SECRET}`).toString('base64')}`;

async function issuedInvoice(): Promise<{ referenceCode: string; bearer: Record<string, string> }> {
  const referenceCode = uniqueRef('host-guard');
  await sim.api.createDraft(referenceCode);
  await sim.api.issueDraft(referenceCode);
  return { referenceCode, bearer: { authorization: `Bearer ${await sim.api.accessToken()}` } };
}

describe('simulator Host guard', () => {
  it.each(['evil.example', 'evil.example:4010', '127.0.0.1.evil.example', '10.0.0.5:4010', 'simulator:4010'])(
    'answers 403 to Host "%s" on every route, reads and downloads included',
    async (host) => {
      const { referenceCode, bearer } = await issuedInvoice();
      const routes: [string, string, Record<string, string>][] = [
        ['GET', `/v1/invoices/${referenceCode}`, bearer],
        ['GET', `/v1/invoices/${referenceCode}/download?type=pdf`, bearer],
        ['GET', '/v1/invoices', bearer],
        ['GET', '/v1/provider-accounts', bearer],
        ['POST', '/v1/token', { authorization: basic }],
        ['GET', `/__sim/files/${referenceCode}.pdf`, {}],
        ['GET', '/__sim/invoices', {}],
        ['GET', '/__sim/stats', {}],
        ['GET', '/no-such-route', {}],
      ];
      for (const [method, path, headers] of routes) {
        const reply = await callWithHost(host, method, path, headers);
        expectError(reply, 403, 'FORBIDDEN');
        expect(JSON.stringify(reply.body), `${method} ${path}`).not.toContain(referenceCode);
      }
    },
  );

  it.each(['127.0.0.1', 'localhost:4010', 'LOCALHOST', '[::1]:65535', 'sepay-simulator', 'SEPAY-SIMULATOR:4010'])(
    'answers reads with Host "%s" (loopback, or a name it was told to answer to)',
    async (host) => {
      const { referenceCode, bearer } = await issuedInvoice();
      const detail = await callWithHost(host, 'GET', `/v1/invoices/${referenceCode}`, bearer);
      expect(detail.status, JSON.stringify(detail.body)).toBe(200);
      expect(detail.body.data.reference_code).toBe(referenceCode);
      expect((await callWithHost(host, 'GET', `/__sim/files/${referenceCode}.pdf`)).status).toBe(200);
    },
  );

  it('keeps state changes of the control API to loopback, also for a name it answers reads to', async () => {
    const reply = await callWithHost('sepay-simulator:4010', 'POST', '/__sim/reset', { 'content-type': 'application/json' });
    expectError(reply, 403, 'FORBIDDEN');
  });
});
