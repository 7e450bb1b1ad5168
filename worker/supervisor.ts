/**
 * Keeps one invoice worker polling until asked to stop, whatever happens to the Temporal server.
 *
 * - Server down at start-up: `NativeConnection.connect` fails at once; try again with backoff.
 * - Server lost while running: the SDK retries its polls by itself and the worker stays
 *   `RUNNING`; only readiness changes (see `temporal-reachability.ts`). If `run()` ever rejects
 *   with a connection failure (polls refused for over a minute), connect and create a new worker.
 * - Anything retrying cannot fix (see `reconnect-policy.ts`) rejects `run()`: the process exits 1.
 *
 * In-flight work stays correct across a reconnect: activities the old worker could not report are
 * retried by Temporal after their timeouts, and the workflow code replays from history.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { InvoiceWorker } from './invoice-worker.js';
import type { WorkerConfig } from './config.js';
import { createInvoiceWorker, type InvoiceWorkerOptions } from './create-worker.js';
import type { Readiness } from './health.js';
import { isConnectionFailure, reconnectDelay } from './reconnect-policy.js';
import { watchReachability, type ReachabilityWatch } from './temporal-reachability.js';

export interface SupervisorOptions {
  config: WorkerConfig;
  connectionOptions: NativeConnectionOptions;
  namespace: string;
  /** Aborting it (SIGINT/SIGTERM) drains the worker and resolves `run()`. */
  signal: AbortSignal;
  log?: (line: string) => void;
  /** Passed on to `createInvoiceWorker` (telemetry: interceptors, sinks, SePay observer). */
  workerOptions?: Pick<InvoiceWorkerOptions, 'overrides' | 'workflowBundle' | 'sepayObserver'>;
}

const FIRST_RETRY_MS = 1_000;

export class WorkerSupervisor {
  private worker: InvoiceWorker | undefined;
  private reachability: ReachabilityWatch | undefined;
  private readonly address: string;
  private readonly log: (line: string) => void;

  constructor(private readonly options: SupervisorOptions) {
    this.address = options.connectionOptions.address ?? 'localhost:7233';
    this.log = options.log ?? ((line) => console.log(line));
  }

  /** Ready = the worker is polling (`RUNNING`) and the server answers on its connection. */
  readiness(): Readiness {
    const workerState = this.worker?.getState() ?? 'CONNECTING';
    const temporalReachable = this.reachability?.reachable ?? false;
    const lastError = this.reachability?.lastError;
    return { ready: workerState === 'RUNNING' && temporalReachable, workerState, temporalReachable, ...(lastError && { lastError }) };
  }

  /** Resolves after a requested stop has drained the worker; rejects on what retrying cannot fix. */
  async run(): Promise<void> {
    const { signal, config } = this.options;
    let attempt = 0;
    while (!signal.aborted) {
      try {
        await this.connectAndRun(() => (attempt = 0));
        return;
      } catch (error) {
        if (!isConnectionFailure(error)) throw error;
        attempt++;
        const delay = reconnectDelay(attempt, { initialMs: FIRST_RETRY_MS, maxMs: config.reconnectMaxIntervalMs });
        this.log(`worker not ready: cannot reach Temporal at ${this.address} (attempt ${attempt}, retrying in ${delay} ms): ${oneLine(error)}`);
        await sleep(delay, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  /** One connection and one worker, until the worker stops (resolves) or fails (rejects). */
  private async connectAndRun(onRunning: () => void): Promise<void> {
    const { config, connectionOptions, namespace, signal, workerOptions } = this.options;
    const connection = await NativeConnection.connect(connectionOptions);
    try {
      const worker = await createInvoiceWorker({ ...workerOptions, config, connection, namespace });
      if (signal.aborted) return;
      const stop = () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
      };
      signal.addEventListener('abort', stop, { once: true });
      this.worker = worker;
      const running = worker.run();
      onRunning();
      this.reachability = watchReachability(connection, {
        onChange: (reachable, error) =>
          this.log(
            reachable
              ? `worker ready: task queue ${config.taskQueue}, namespace ${namespace}, Temporal ${this.address}`
              : `worker not ready: Temporal at ${this.address} does not answer: ${error}`,
          ),
      });
      try {
        await running;
      } finally {
        this.reachability.stop();
        signal.removeEventListener('abort', stop);
      }
    } finally {
      this.worker = undefined;
      this.reachability = undefined;
      await connection.close();
    }
  }
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
}
