/**
 * `npm start`: the whole thing on the embedded default, no account needed. A Temporal dev server
 * with its Web UI, the SePay simulator, an invoice worker, and one sample invoice issued end to end.
 * Stays up until Ctrl-C so you can explore the Web UI; `--once` exits after the sample and prints
 * its result as JSON on the last line.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { InvoiceClient } from '../client/index.js';
import { applySchedules, scheduleSettingsFromEnv } from '../client/schedules.js';
import { dataConverterFromEnv } from '../codec/data-converter.js';
import { simulatorWorkerEnv } from '../simulator/worker-env.js';
import { startSimulator } from '../simulator/server.js';
import { loadWorkerConfig } from '../worker/config.js';
import { createInvoiceWorker } from '../worker/create-worker.js';
import type { InvoiceContent } from '../contract/input.js';
import { startDevServer } from './dev-server.js';
import { preferredPort } from './free-port.js';

const { values: flags } = parseArgs({ options: { once: { type: 'boolean', default: false } } });
const say = (line: string) => console.log(line);
// Ctrl-C is ours alone: the SDK's own handler would start draining the worker behind our back, and
// our shutdown would then find it DRAINING and throw. Repeats are ignored: a terminal delivers the
// signal to every process of the group, and tsx relays it too. Before the worker runs there is
// nothing to drain, so a signal then just leaves (the dev server goes with us: see dev-server.ts).
let workerStarted = false;
const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => (workerStarted ? resolve(signal) : process.exit(130)));
  }
});
// The demo's own lines are the interesting ones; the SDK speaks up only for warnings.
Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });

// In its own process group: the terminal's Ctrl-C must not stop it before the worker has.
const server = await startDevServer({ ui: true, port: await preferredPort(7233), uiPort: await preferredPort(8233), log: say, ownProcessGroup: true });
const simulator = await startSimulator({ port: await preferredPort(4010), jobChecksUntilDone: 1 });
const config = loadWorkerConfig({
  ...process.env,
  ...simulatorWorkerEnv(simulator.baseUrl),
});
const workerConnection = await NativeConnection.connect({ address: server.address });
const worker = await createInvoiceWorker({ config, connection: workerConnection, namespace: server.namespace });
const workerRun = worker.run();
workerStarted = true;
const connection = await Connection.connect({ address: server.address });
// The worker encrypts when PAYLOAD_ENCRYPTION_KEYS is set: the demo's client must read what it writes.
const client = new Client({ connection, namespace: server.namespace, dataConverter: dataConverterFromEnv(process.env) });
const invoices = new InvoiceClient({ client, taskQueue: config.taskQueue });

say(`Temporal dev server  ${server.address}`);
say(`Temporal Web UI      ${server.uiUrl}`);
say(`SePay simulator      ${simulator.baseUrl}`);

let exitCode = 0;
let resultLine: string | undefined;
try {
  // The quota and reconciliation watch, as a deployment sets it up (`npx sepay-invoice schedules apply`).
  const schedules = await applySchedules(client, { ...scheduleSettingsFromEnv(process.env), taskQueue: config.taskQueue });
  const every = schedules.map((schedule) => `${schedule.scheduleId} every ${String(schedule.every)}`).join(', ');
  say(`Schedules            ${server.uiUrl}/namespaces/${server.namespace}/schedules (${every})`);
  const invoiceKey = `demo-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
  const invoice = JSON.parse(readFileSync(new URL('../examples/invoice.json', import.meta.url), 'utf8')) as InvoiceContent;
  const { handle } = await invoices.issue(invoiceKey, invoice);
  const workflowUrl = `${server.uiUrl}/namespaces/${server.namespace}/workflows/${handle.workflowId}`;
  say(`Issuing sample invoice ${invoiceKey}: ${workflowUrl}`);
  const result = await handle.result();
  if (result.outcome === 'issued') {
    say(`Issued invoice number ${result.invoice.invoiceNumber} (${result.invoice.invoiceSeries ?? ''}), total ${result.invoice.totalAmount} VND`);
    say(`PDF: ${result.invoice.pdfUrl}`);
  }
  say(`Web UI: ${workflowUrl}`);
  if (flags.once) {
    resultLine = JSON.stringify({ invoiceKey, workflowId: handle.workflowId, workflowUrl, ...result });
  } else {
    say('Running until Ctrl-C: start more invoices with `npx sepay-invoice issue --key K --file examples/invoice.json`');
    say(`(from another terminal: TEMPORAL_ADDRESS=${server.address}; SEPAY_BASE_URL=${simulator.baseUrl} with the simulator's credentials)`);
    const signal = await stopRequested;
    say(`${signal}: stopping`);
  }
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  worker.shutdown();
  await workerRun;
  await Promise.allSettled([connection.close(), workerConnection.close(), simulator.close()]);
  await server.stop();
}
// Last, after shutdown, so scripts can read the result from the final line.
if (resultLine) console.log(resultLine);
process.exit(exitCode);
