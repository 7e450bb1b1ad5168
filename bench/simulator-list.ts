/**
 * `npx tsx bench/simulator-list.ts [--count 10000] [--per-page 100]`: how long the simulator takes
 * to hold N invoices (bulk control call) and to page through all of them over HTTP with the typed
 * client, as reconciliation does. Figures go to stdout; nothing is asserted.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { SepayClient } from '../sepay/client.js';
import { SimulatorControl } from '../simulator/control-client.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSimulator } from '../simulator/server.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '10000' }, 'per-page': { type: 'string', default: '100' } } });
const count = Number(values.count);
const perPage = Number(values['per-page']);

const simulator = await startSimulator({ port: 0 });
try {
  const control = new SimulatorControl(simulator.baseUrl);
  const client = new SepayClient({ environment: { baseUrl: simulator.baseUrl }, clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET });
  await client.getUsage(); // the token, outside the timings

  let started = performance.now();
  await control.addBulkInvoices({ count, status: 'issued', issuedFrom: '2026-01-01 08:00:00', issuedStepSeconds: 60 });
  const createMs = performance.now() - started;

  started = performance.now();
  let listed = 0;
  for await (const invoice of client.iterateInvoices({ perPage })) if (invoice.reference_code) listed++;
  const pageMs = performance.now() - started;
  const pages = Math.ceil(listed / perPage);

  started = performance.now();
  await client.listInvoices({ page: 1, perPage });
  const firstPageMs = performance.now() - started;
  started = performance.now();
  await client.listInvoices({ page: pages, perPage });
  const lastPageMs = performance.now() - started;

  console.log(
    JSON.stringify(
      {
        invoices: count,
        listed,
        perPage,
        pages,
        bulkCreateMs: Math.round(createMs),
        pageThroughAllMs: Math.round(pageMs),
        perPageMs: +(pageMs / pages).toFixed(2),
        firstPageMs: +firstPageMs.toFixed(2),
        lastPageMs: +lastPageMs.toFixed(2),
      },
      null,
      2,
    ),
  );
} finally {
  await simulator.close();
}
