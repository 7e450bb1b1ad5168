/**
 * Everything an invoice integration test needs, all real: the suite's Temporal dev server, an
 * in-process worker with the real activities, and a SePay simulator over HTTP on a free port.
 * `close()` stops the worker and the simulator, also when the test failed.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, Connection, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { InvoiceWorker } from '../../worker/invoice-worker.js';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { dataConverterFromEnv, FAILURE_CONVERTER_PATH } from '../../codec/data-converter.js';
import { SimulatorControl } from '../../simulator/control-client.js';
import { simulatorWorkerEnv } from '../../simulator/worker-env.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../simulator/server.js';
import { loadWorkerConfig } from '../../worker/config.js';
import { createInvoiceWorker, WORKFLOWS_PATH, type InvoiceWorkerOptions } from '../../worker/create-worker.js';
import type { InvoiceContent, IssueInvoiceInput } from '../../contract/input.js';
import type { issueInvoiceWorkflow } from '../../workflows/index.js';
import { workflowIdFor } from '../../contract/reference-code.js';

export const sampleInvoice: InvoiceContent = JSON.parse(
  readFileSync(new URL('../../examples/invoice.json', import.meta.url), 'utf8'),
) as InvoiceContent;

/** Polls fast so a test waits milliseconds, not the production seconds. */
export const fastPolling = { pollInitialInterval: '50ms', pollMaximumInterval: '200ms' } as const;

export interface InvoiceTestEnv {
  client: Client;
  sim: SimulatorControl;
  simulator: RunningSimulator;
  taskQueue: string;
  /** Every Bearer token the worker sent to SePay, to prove none reaches the history. */
  bearerTokensSeen: Set<string>;
  start(invoiceKey: string, options?: IssueInvoiceInput['options'], invoice?: unknown): Promise<WorkflowHandleWithFirstExecutionRunId<typeof issueInvoiceWorkflow>>;
  /** Replaces the worker (same task queue and simulator) with one configured by `workerEnv`; `client` is unchanged. */
  restartWorker(workerEnv: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export interface InvoiceTestEnvOptions {
  /** Extra worker variables, e.g. PAYLOAD_ENCRYPTION_KEYS (which `client` then uses as well). */
  workerEnv?: Record<string, string>;
  /**
   * Wraps or replaces individual activities of the real worker (kept across `restartWorker`), so a
   * test can hold a step on a gate and make a race happen in the order it chooses.
   */
  activities?: InvoiceWorkerOptions['activities'];
}

/** One bundle per failure converter: payload encryption bundles its own (see create-worker.ts). */
const sharedBundles = new Map<string | undefined, Promise<WorkflowBundleWithSourceMap>>();
const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

function bundleFor(failureConverterPath: string | undefined): Promise<WorkflowBundleWithSourceMap> {
  let bundle = sharedBundles.get(failureConverterPath);
  if (!bundle) {
    bundle = bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, failureConverterPath, logger: silent });
    sharedBundles.set(failureConverterPath, bundle);
  }
  return bundle;
}

export async function startInvoiceTestEnv(simulatorOptions: SimulatorOptions = {}, { workerEnv = {}, activities }: InvoiceTestEnvOptions = {}): Promise<InvoiceTestEnv> {
  const address = inject('temporalAddress');
  const namespace = inject('temporalNamespace');
  // Jobs nobody checks (their response was lost) settle quickly, so recovery tests run in seconds.
  const simulator = await startSimulator({ port: 0, jobSettleMs: 1_000, ...simulatorOptions });
  const sim = new SimulatorControl(simulator.baseUrl);
  const taskQueue = `invoices-${randomUUID()}`;
  const baseWorkerEnv = {
    SEPAY_TASK_QUEUE: taskQueue,
    ...simulatorWorkerEnv(simulator.baseUrl),
    SEPAY_REQUEST_TIMEOUT_MS: '2000',
    // Tests change the simulator's accounts between runs: the worker must not keep an old view.
    SEPAY_ACCOUNT_CACHE_TTL: '1ms',
    WORKER_SHUTDOWN_GRACE: '2s',
  };
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace, dataConverter: dataConverterFromEnv(workerEnv) });
  const bearerTokensSeen = new Set<string>();
  const recordingFetch: typeof fetch = (url, init) => {
    const authorization = new Headers(init?.headers).get('authorization');
    if (authorization?.startsWith('Bearer ')) bearerTokensSeen.add(authorization.slice('Bearer '.length));
    return fetch(url, init);
  };
  let worker: InvoiceWorker | undefined;
  let running: Promise<void> | undefined;
  const runWorker = async (extraEnv: Record<string, string>) => {
    const config = loadWorkerConfig({ ...baseWorkerEnv, ...extraEnv });
    const workflowBundle = await bundleFor(config.payloadEncryption && FAILURE_CONVERTER_PATH);
    worker = await createInvoiceWorker({ config, connection: nativeConnection, namespace, workflowBundle, fetch: recordingFetch, activities });
    running = worker.run();
  };
  const stopWorker = async () => {
    worker?.shutdown();
    await running?.catch(() => undefined);
  };
  try {
    await runWorker(workerEnv);
  } catch (error) {
    await Promise.allSettled([nativeConnection.close(), connection.close(), simulator.close()]);
    throw error;
  }

  return {
    client,
    sim,
    simulator,
    taskQueue,
    bearerTokensSeen,
    start: (invoiceKey, options = {}, invoice = sampleInvoice) =>
      client.workflow.start<typeof issueInvoiceWorkflow>('issueInvoiceWorkflow', {
        taskQueue,
        workflowId: workflowIdFor(invoiceKey),
        // Invalid invoices are passed through on purpose: the workflow validates its input itself.
        args: [{ invoiceKey, invoice: invoice as InvoiceContent, options: { ...fastPolling, ...options } }],
      }),
    async restartWorker(extraEnv) {
      await stopWorker();
      await runWorker(extraEnv);
    },
    async close() {
      await stopWorker();
      await Promise.allSettled([nativeConnection.close(), connection.close(), simulator.close()]);
    },
  };
}

/** A business key no other test (or earlier run on the same server) has used. */
export function uniqueKey(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/**
 * One environment for a test file: started before its tests, its simulator reset before each
 * test, closed after them (also when they fail). The returned object is filled in by `beforeAll`.
 */
export function useInvoiceTestEnv(simulatorOptions: SimulatorOptions = {}, options: InvoiceTestEnvOptions = {}): InvoiceTestEnv {
  const env = {} as InvoiceTestEnv;
  beforeAll(async () => {
    Object.assign(env, await startInvoiceTestEnv(simulatorOptions, options));
  });
  afterAll(async () => {
    await env.close?.();
  });
  beforeEach(async () => {
    await env.sim.reset();
  });
  return env;
}
