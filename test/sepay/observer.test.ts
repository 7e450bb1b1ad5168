/** The transport's observer hook (the worker counts SePay calls with it), against the simulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SepayClient, TokenProvider, type SepayExchange } from '../../sepay/index.js';
import { SimulatorControl } from '../../simulator/control-client.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../simulator/defaults.js';
import { startSimulator, type RunningSimulator } from '../../simulator/server.js';
import { failure } from './helpers.js';

describe('observing SePay requests', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
  });
  afterAll(() => simulator?.close());

  function observedClient(timeoutMs = 2_000) {
    const exchanges: SepayExchange[] = [];
    const transport = { environment: { baseUrl: simulator.baseUrl }, timeoutMs, observer: (exchange: SepayExchange) => exchanges.push(exchange) };
    const tokens = new TokenProvider({ ...transport, clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET });
    return { client: new SepayClient({ ...transport, tokenProvider: tokens }), exchanges };
  }

  it('reports each request once, by endpoint template and HTTP status, answered or refused', async () => {
    const { client, exchanges } = observedClient();
    await client.getUsage();
    await failure(client.getInvoice('NO-SUCH-CODE'));
    expect(exchanges.map(({ endpoint, status }) => ({ endpoint, status }))).toEqual([
      { endpoint: 'POST /v1/token', status: 200 },
      { endpoint: 'GET /v1/usage', status: 200 },
      { endpoint: 'GET /v1/invoices/{reference_code}', status: 404 },
    ]);
    for (const { durationMs } of exchanges) expect(durationMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a request that got no answer in time as a timeout', async () => {
    const { client, exchanges } = observedClient(200);
    await client.getUsage();
    await new SimulatorControl(simulator.baseUrl).addFault({ endpoint: 'usage', kind: 'latency', latencyMs: 2_000, times: 1 });
    expect((await failure(client.getUsage())).kind).toBe('timeout');
    expect(exchanges.at(-1)).toMatchObject({ endpoint: 'GET /v1/usage', status: 'timeout' });
  });
});
