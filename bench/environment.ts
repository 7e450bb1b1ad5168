/**
 * What every bench run shares: a fresh Temporal server — the in-memory dev server, or with
 * `--stack native` docker-compose.yml's topology run natively (PostgreSQL, one process per
 * Temporal service: scripts/native-stack.ts) — the SePay simulator at zero
 * latency (a job answers Success at its first check), a client, and the workflow bundles, each built
 * once so a run's worker process starts without webpack. `close()` stops all of it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startDevServer } from '../scripts/dev-server.js';
import { NativeStack } from '../scripts/native-stack.js';
import { SimulatorControl } from '../simulator/control-client.js';
import { type RunningSimulator, startSimulator } from '../simulator/server.js';
import { simulatorWorkerEnv } from '../simulator/worker-env.js';
import { WORKFLOWS_PATH } from '../worker/create-worker.js';
import { spawnWorker, type BenchWorker, type SpawnWorkerOptions } from './spawn-worker.js';

/** The workflow bundles a bench worker can run; each is built once, when first needed. */
export const WORKFLOW_SOURCES = {
  invoice: WORKFLOWS_PATH,
  baseline: fileURLToPath(new URL('./baseline-workflow.ts', import.meta.url)),
  'baseline-validating': fileURLToPath(new URL('./baseline-validating-workflow.ts', import.meta.url)),
  minimal: fileURLToPath(new URL('./minimal-workflow.ts', import.meta.url)),
} as const;
export type BundleName = keyof typeof WORKFLOW_SOURCES;

export interface StartWorkerOptions extends Omit<SpawnWorkerOptions, 'env' | 'bundlePath'> {
  taskQueue: string;
  bundle: BundleName;
  /** Where the worker reaches SePay; default the simulator (e.g. a `timed-sepay.ts` proxy in front of it). */
  sepayBaseUrl?: string;
}

/** Which Temporal the bench runs on: the CLI's dev server, or the compose topology run natively. */
export type BenchStack = 'dev' | 'native';

/** The Temporal server of a bench, whatever its shape. */
export interface BenchServer {
  address: string;
  namespace: string;
  /** Prometheus endpoints of every server process; their counters are summed. */
  metricsUrls: string[];
  /** Processes whose CPU (with their children's) is the server's. */
  pids(): number[];
}

export interface BenchEnvironment {
  stack: BenchStack;
  server: BenchServer;
  client: Client;
  sim: SimulatorControl;
  /** The simulator's own address (the SePay API and its `/__sim/` control API). */
  simulatorUrl: string;
  startWorker(options: StartWorkerOptions): Promise<BenchWorker>;
  close(): Promise<void>;
}

/** Enough for every invoice of a full bench: a run must never fail on an empty quota. */
const BENCH_QUOTA = 1_000_000_000;
const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

async function startServer(stack: BenchStack, log: (line: string) => void, cleanups: (() => Promise<void> | void)[]): Promise<BenchServer> {
  if (stack === 'native') {
    log('starting the compose topology natively (PostgreSQL, Temporal frontend/history/matching/worker processes)...');
    const native = await NativeStack.start({ apps: false, ui: false, metrics: true, log });
    cleanups.push(() => native.stop());
    return {
      address: native.temporalAddress,
      namespace: native.namespace,
      metricsUrls: native.metricsUrls,
      pids: () => [...[...native.services.values()].map((service) => service.pid), native.postgres.pid],
    };
  }
  log('starting a Temporal dev server (in memory)...');
  const server = await startDevServer({ log });
  cleanups.push(() => server.stop());
  return { address: server.address, namespace: server.namespace, metricsUrls: [server.metricsUrl], pids: () => [server.pid] };
}

export async function startBenchEnvironment(log: (line: string) => void, stack: BenchStack = 'dev'): Promise<BenchEnvironment> {
  const cleanups: (() => Promise<void> | void)[] = [];
  let closing: Promise<void> | undefined;
  // Once, however many callers (the run's end, Ctrl-C) ask.
  const close = () =>
    (closing ??= (async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    })());
  try {
    const bundleDir = mkdtempSync(join(tmpdir(), 'sepay-bench-'));
    cleanups.push(() => rmSync(bundleDir, { recursive: true, force: true }));
    const bundles = new Map<BundleName, Promise<string>>();
    const bundlePath = (name: BundleName) => {
      let built = bundles.get(name);
      if (!built) {
        log(`bundling the ${name} workflow...`);
        built = bundleWorkflowCode({ workflowsPath: WORKFLOW_SOURCES[name], logger: silent }).then(({ code }) => {
          const path = join(bundleDir, `${name}-workflows.js`);
          writeFileSync(path, code);
          return path;
        });
        bundles.set(name, built);
      }
      return built;
    };

    const server = await startServer(stack, log, cleanups);
    log('starting the SePay simulator (zero latency)...');
    // Jobs settle only when checked, so every check is counted and none is skipped by a background settle.
    const simulator: RunningSimulator = await startSimulator({ port: 0, jobChecksUntilDone: 0, jobSettleMs: null, quota: BENCH_QUOTA });
    cleanups.push(() => simulator.close());
    const connection = await Connection.connect({ address: server.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: server.namespace });

    const commonEnv = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: server.namespace,
      ...simulatorWorkerEnv(simulator.baseUrl),
      WORKER_SHUTDOWN_GRACE: '5 seconds',
    };
    const workers = new Set<BenchWorker>();
    cleanups.push(async () => {
      await Promise.allSettled([...workers].map((worker) => worker.stop()));
    });

    return {
      stack,
      server,
      client,
      sim: new SimulatorControl(simulator.baseUrl),
      simulatorUrl: simulator.baseUrl,
      async startWorker({ taskQueue, bundle, sepayBaseUrl, ...options }) {
        const env = { ...commonEnv, ...(sepayBaseUrl && simulatorWorkerEnv(sepayBaseUrl)), SEPAY_TASK_QUEUE: taskQueue };
        const worker = await spawnWorker({ ...options, bundlePath: await bundlePath(bundle), env });
        workers.add(worker);
        return {
          ...worker,
          stop: async () => {
            await worker.stop();
            workers.delete(worker);
          },
        };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
