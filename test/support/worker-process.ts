/**
 * The real worker entry (`worker/main.ts`) in its own process, as an operator runs it: configured
 * by environment variables only, ready when it says so, stopped with SIGTERM. Spawned through
 * `node --import tsx` rather than `npm run worker`, whose npm layer does not pass SIGTERM on.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

export interface WorkerProcess {
  pid: number;
  /** Everything the worker printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGTERM, then the exit; SIGKILL if it has not exited in time. Idempotent. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** What to run with this Node.js: the sources through tsx by default, or a built entry (the image's CMD). */
export interface WorkerCommand {
  nodeArgs: string[];
  cwd: string;
}

const FROM_SOURCES: WorkerCommand = { nodeArgs: ['--import', 'tsx', 'worker/main.ts'], cwd: ROOT };

/** Starts `worker/main.ts` (or `command`) with exactly `env` (plus PATH and HOME) and waits for "worker ready". */
export async function startWorkerProcess(env: Record<string, string>, command: WorkerCommand = FROM_SOURCES): Promise<WorkerProcess> {
  const child = spawn(process.execPath, command.nodeArgs, {
    cwd: command.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = once(child, 'exit').then(([code, signal]) => {
    running.delete(child);
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker not ready after ${READY_TIMEOUT_MS} ms:\n${output}`)), READY_TIMEOUT_MS);
      child.stdout.on('data', () => {
        if (output.includes('worker ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`worker exited while starting (code ${code}, signal ${signal}):\n${output}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid ?? -1, output: () => output, stop };
}
