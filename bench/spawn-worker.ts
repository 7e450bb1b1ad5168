/**
 * Starts `worker-process.ts` as a child process (plain `node --import tsx`, so the pid whose memory
 * we read is the worker itself, not a launcher) and talks to it over IPC. A worker never outlives
 * the bench: `stop()` ends it, an exit hook kills any left, and the child stops itself when the IPC
 * channel closes.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { ParentMessage, WorkerUsage, WorkerMessage } from './worker-messages.js';

export type WorkerKind = 'invoice' | 'baseline' | 'minimal';

/** The `worker/config.ts` settings a bench run varies. */
export interface WorkerSettings {
  maxConcurrentActivities: number;
  maxConcurrentWorkflowTasks: number;
  maxCachedWorkflows: number;
}

export interface SpawnWorkerOptions {
  kind: WorkerKind;
  settings: WorkerSettings;
  /** Prebuilt workflow bundle (invoice or one of the baselines). */
  bundlePath: string;
  /** Environment of the worker: TEMPORAL_*, SEPAY_*. WORKER_* come from `settings`. */
  env: Record<string, string>;
  /** Write a V8 CPU profile (`--cpu-prof`) into this folder when the worker exits. */
  cpuProfileDir?: string;
}

export interface BenchWorker {
  pid: number;
  usage(): Promise<WorkerUsage>;
  /** Graceful shutdown (in-flight tasks finish), then SIGKILL after a grace period. */
  stop(): Promise<void>;
  /** SIGKILL at once, as a crash would; resolves once the process is gone. */
  kill(): Promise<void>;
}

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORKER_ENTRY = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 30_000;

const children = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of children) child.kill('SIGKILL');
  });
}

export async function spawnWorker({ kind, settings, bundlePath, env, cpuProfileDir }: SpawnWorkerOptions): Promise<BenchWorker> {
  const execArgv = ['--import', 'tsx', ...(cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir] : [])];
  const child = fork(WORKER_ENTRY, [], {
    cwd: PROJECT_ROOT,
    execArgv,
    // Only what the worker needs: a developer's TEMPORAL_PROFILE or API key must not redirect it.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      // Worker settings the bench does not vary (e.g. WORKER_MAX_CONCURRENT_WAITS) as set for this run.
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('WORKER_'))),
      ...env,
      BENCH_WORKER_KIND: kind,
      WORKFLOW_BUNDLE_PATH: bundlePath,
      WORKER_MAX_CONCURRENT_ACTIVITIES: String(settings.maxConcurrentActivities),
      WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: String(settings.maxConcurrentWorkflowTasks),
      WORKER_MAX_CACHED_WORKFLOWS: String(settings.maxCachedWorkflows),
    },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  children.add(child);
  installExitHook();
  const recentLog: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    recentLog.push(...chunk.toString().split('\n').filter(Boolean));
    recentLog.splice(0, Math.max(0, recentLog.length - 30));
  });
  const exited = once(child, 'exit').finally(() => children.delete(child));
  const describeExit = () => `${kind} worker exited (code ${child.exitCode}, signal ${child.signalCode}):\n${recentLog.join('\n')}`;

  const nextMessage = <T extends WorkerMessage['type']>(type: T, timeoutMs: number) =>
    new Promise<Extract<WorkerMessage, { type: T }>>((resolve, reject) => {
      const onMessage = (message: WorkerMessage) => {
        if (message.type !== type) return;
        cleanup();
        resolve(message as Extract<WorkerMessage, { type: T }>);
      };
      const onExit = () => {
        cleanup();
        reject(new Error(describeExit()));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${kind} worker sent no "${type}" within ${timeoutMs} ms:\n${recentLog.join('\n')}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const tell = (message: ParentMessage) => child.connected && child.send(message);

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    tell({ type: 'stop' });
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  try {
    await nextMessage('ready', READY_TIMEOUT_MS);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    pid: child.pid ?? -1,
    async usage() {
      const reply = nextMessage('usage', 10_000);
      tell({ type: 'usage' });
      const { type: _type, ...usage } = await reply;
      return usage;
    },
    stop,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
