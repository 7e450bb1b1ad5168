/**
 * The real worker entry (`worker/main.ts`) in its own process, as an operator runs it: configured
 * by environment variables only, ready when it says so, stopped with SIGTERM. Spawned through
 * `node --import tsx` rather than `npm run worker`, whose npm layer does not pass SIGTERM on.
 */
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { simulatorWorkerEnv } from '../../simulator/worker-env.js';
import { ProcessGroup, type ExitStatus } from './process-group.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

export interface WorkerProcess {
  pid: number;
  /** Everything the worker printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGTERM, then the exit; SIGKILL if it has not exited in time. Idempotent. */
  stop(): Promise<ExitStatus>;
  /** SIGKILL at once, as an out-of-memory kill: no shutdown, whatever it was doing is cut off. */
  kill(): Promise<ExitStatus>;
}

/** What to run with this Node.js: the sources through tsx by default, or a built entry (the image's CMD). */
export interface WorkerCommand {
  nodeArgs: string[];
  cwd: string;
}

const FROM_SOURCES: WorkerCommand = { nodeArgs: ['--import', 'tsx', 'worker/main.ts'], cwd: ROOT };

/** Starts `worker/main.ts` (or `command`) with exactly `env` (plus PATH and HOME) and waits for "worker ready". */
export async function startWorkerProcess(env: Record<string, string>, command: WorkerCommand = FROM_SOURCES): Promise<WorkerProcess> {
  const worker = new ProcessGroup('worker', process.execPath, command.nodeArgs, { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, command.cwd);
  try {
    await worker.waitForLine(/worker ready/, READY_TIMEOUT_MS);
  } catch (error) {
    if (worker.running) {
      await worker.kill('SIGKILL');
      throw error;
    }
    const { code, signal } = await worker.exited;
    await worker.outputComplete;
    throw new Error(`worker exited while starting (code ${code}, signal ${signal}):\n${worker.output()}`, { cause: error });
  }
  return { pid: worker.pid, output: () => worker.output(), stop: () => worker.kill('SIGTERM', STOP_TIMEOUT_MS), kill: () => worker.kill('SIGKILL') };
}

/** A worker of the integration suite: its dev server, `taskQueue`, the simulator, short timeouts. */
export function suiteWorkerEnv(taskQueue: string, simulatorBaseUrl: string): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    SEPAY_TASK_QUEUE: taskQueue,
    ...simulatorWorkerEnv(simulatorBaseUrl),
    SEPAY_REQUEST_TIMEOUT_MS: '2000',
    WORKER_SHUTDOWN_GRACE: '2s',
  };
}
