/**
 * A worker process with its Prometheus endpoint on a free port, loading a workflow bundle built
 * once into a temporary folder (a process would bundle the sources again at start): what a test
 * that scrapes `/metrics` needs. `stop()` stops the worker and removes the folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { freePort } from '../../scripts/free-port.js';
import { WORKFLOWS_PATH } from '../../worker/create-worker.js';
import { startWorkerProcess, suiteWorkerEnv, type WorkerProcess } from './worker-process.js';

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

export interface MeteredWorker {
  worker: WorkerProcess;
  metricsUrl: string;
  stop(): Promise<void>;
}

export async function startMeteredWorker(taskQueue: string, simulatorBaseUrl: string): Promise<MeteredWorker> {
  const bundleDir = mkdtempSync(join(tmpdir(), 'sepay-metered-'));
  try {
    const bundlePath = join(bundleDir, 'workflow-bundle.js');
    writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: silent })).code);
    const metricsPort = await freePort();
    const worker = await startWorkerProcess({
      ...suiteWorkerEnv(taskQueue, simulatorBaseUrl),
      WORKER_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
      WORKFLOW_BUNDLE_PATH: bundlePath,
    });
    return {
      worker,
      metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
      async stop() {
        await worker.stop().finally(() => rmSync(bundleDir, { recursive: true, force: true }));
      },
    };
  } catch (error) {
    rmSync(bundleDir, { recursive: true, force: true });
    throw error;
  }
}
