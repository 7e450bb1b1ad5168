/**
 * The worker process as an orchestrator sees it: `worker/main.ts` in its own process, its
 * readiness on /readyz, its exit codes, and what it does when the Temporal server is not there
 * yet or dies (SIGKILL) mid-run. This file runs its own dev server on a SQLite file, so it can
 * kill it and start it again on the same port and data; the simulator runs here, over HTTP.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDevServer, type DevServer } from '../../scripts/dev-server.js';
import { freePort } from '../../scripts/free-port.js';
import { simulatorWorkerEnv } from '../../simulator/worker-env.js';
import { startSimulator, type RunningSimulator } from '../../simulator/server.js';
import { WORKFLOWS_PATH } from '../../worker/create-worker.js';
import type { issueInvoiceWorkflow } from '../../workflows/index.js';
import { approveIssuanceSignal } from '../../contract/messages.js';
import { workflowIdFor } from '../../contract/reference-code.js';
import { fastPolling, sampleInvoice, uniqueKey } from '../support/invoice-test-env.js';
import { waitForStage } from '../support/workflow-assertions.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
/** Generous: the worker notices a lost server within seconds, but this machine is shared. */
const STATE_CHANGE_TIMEOUT = { timeout: 60_000, interval: 200 };

interface ReadyzAnswer {
  status: number;
  body: { ready: boolean; workerState: string; temporalReachable: boolean };
}

async function readyz(healthUrl: string): Promise<ReadyzAnswer | 'no answer'> {
  try {
    const response = await fetch(`${healthUrl}/readyz`);
    return { status: response.status, body: (await response.json()) as ReadyzAnswer['body'] };
  } catch {
    return 'no answer';
  }
}

const statusOf = async (healthUrl: string) => {
  const answer = await readyz(healthUrl);
  return answer === 'no answer' ? answer : answer.status;
};

describe('the worker process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sepay-worker-process-'));
  const dbFile = join(dataDir, 'temporal.sqlite');
  const bundlePath = join(dataDir, 'workflow-bundle.js');
  const taskQueue = `worker-process-${uniqueKey('queue')}`;
  const workers: WorkerProcess[] = [];
  let server: DevServer | undefined;
  let port: number;
  let simulator: RunningSimulator;

  beforeAll(async () => {
    // One bundle for every worker process here: start-ups stay light on the shared CPU.
    writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: silent })).code);
    simulator = await startSimulator({ port: 0 });
    port = await freePort();
  });

  afterAll(async () => {
    await Promise.allSettled(workers.map((worker) => worker.stop()));
    await Promise.allSettled([server?.stop(), simulator?.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  function workerEnv(overrides: Record<string, string>): Record<string, string> {
    return {
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      SEPAY_TASK_QUEUE: taskQueue,
      ...simulatorWorkerEnv(simulator.baseUrl),
      SEPAY_REQUEST_TIMEOUT_MS: '2000',
      WORKER_SHUTDOWN_GRACE: '2s',
      WORKER_RECONNECT_MAX_INTERVAL: '2s',
      WORKFLOW_BUNDLE_PATH: bundlePath,
      ...overrides,
    };
  }

  it('waits for a Temporal server that is not up yet, survives its SIGKILL, and finishes the invoice it was running', async () => {
    const healthUrl = `http://127.0.0.1:${await freePort()}`;
    // Started before any server exists: "ready" comes only once it can poll.
    const starting = startWorkerProcess(workerEnv({ WORKER_HEALTH_ADDRESS: healthUrl.slice('http://'.length) }));
    starting.then((worker) => workers.push(worker), () => undefined);
    await expect.poll(() => readyz(healthUrl), STATE_CHANGE_TIMEOUT).toMatchObject({ status: 503, body: { workerState: 'CONNECTING' } });
    expect(await fetch(`${healthUrl}/livez`).then((response) => response.status)).toBe(200);

    server = await startDevServer({ dbFile, port });
    const worker = await starting;
    expect(worker.output()).toMatch(/worker not ready: cannot reach Temporal at 127\.0\.0\.1:\d+ \(attempt 1/);
    expect(await readyz(healthUrl)).toMatchObject({ status: 200, body: { ready: true, workerState: 'RUNNING', temporalReachable: true } });

    const connection = await Connection.connect({ address: server.address });
    try {
      const client = new Client({ connection, namespace: server.namespace });
      const invoiceKey = uniqueKey('outage');
      const run = await client.workflow.start<typeof issueInvoiceWorkflow>('issueInvoiceWorkflow', {
        taskQueue,
        workflowId: workflowIdFor(invoiceKey),
        args: [{ invoiceKey, invoice: sampleInvoice, options: { ...fastPolling, approval: 'manual' } }],
      });
      await waitForStage(run, 'awaiting-approval');

      process.kill(server.pid, 'SIGKILL');
      await expect.poll(() => readyz(healthUrl), STATE_CHANGE_TIMEOUT).toMatchObject({ status: 503, body: { workerState: 'RUNNING', temporalReachable: false } });
      expect(worker.output()).toContain('worker not ready: Temporal at');

      server = await startDevServer({ dbFile, port });
      await expect.poll(() => statusOf(healthUrl), STATE_CHANGE_TIMEOUT).toBe(200);

      await run.signal(approveIssuanceSignal, { approvedBy: 'worker-process-test' });
      expect(await run.result()).toMatchObject({ outcome: 'issued' });
    } finally {
      await connection.close();
    }
    // One process and one invoice worker all along (no restart, no re-creation), and a clean exit on SIGTERM
    // (an invoice worker is two SDK workers: its queue and its waits queue, each RUNNING once)
    expect(worker.output().match(/state: 'RUNNING'/g)).toHaveLength(2);
    expect(await worker.stop(), worker.output()).toEqual({ code: 0, signal: null });
    expect(await statusOf(healthUrl)).toBe('no answer');
  });

  it('exits 1, naming the problem, on what retrying cannot fix', async () => {
    const unknownNamespace = startWorkerProcess(workerEnv({ TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_NAMESPACE: 'no-such-namespace' }));
    await expect(unknownNamespace).rejects.toThrow(/exited while starting \(code 1[\s\S]*no-such-namespace/);

    const badConfig = startWorkerProcess(workerEnv({ WORKER_HEALTH_ADDRESS: 'localhost:http', SEPAY_CLIENT_ID: '' }));
    const problems = String(await badConfig.catch((error: unknown) => error));
    expect(problems).toMatch(/exited while starting \(code 1/);
    expect(problems).toMatch(/- WORKER_HEALTH_ADDRESS: /);
    expect(problems).toMatch(/- SEPAY_CLIENT_ID: /);
  });
});
