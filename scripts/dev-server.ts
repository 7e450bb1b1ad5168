/**
 * Starts and stops a real Temporal dev server (`temporal server start-dev`) for the demo, the tests
 * and the benchmarks: 127.0.0.1 only, free ports, the project's search attributes registered, an
 * optional SQLite file for restart survival and an optional Web UI.
 *
 * A server must never outlive its owner: `stop()` ends it; an exit handler ends any still running
 * when this process exits or is interrupted; and on Linux `setpriv --pdeathsig` makes the kernel
 * end it even if this process is killed with SIGKILL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Connection } from '@temporalio/client';
import { invoiceSearchAttributes } from '../contract/search-attributes.js';
import { freePort } from './free-port.js';
import { ensureTemporalCli } from './temporal-cli.js';

export interface DevServerOptions {
  /** SQLite file; omitted = in memory (lost on stop). */
  dbFile?: string;
  /** Serve the Web UI (off by default in tests). */
  ui?: boolean;
  namespace?: string;
  /** Fixed frontend port; default a free one. */
  port?: number;
  uiPort?: number;
  log?: (line: string) => void;
  /**
   * Run the server in its own process group, so a Ctrl-C in the terminal reaches only its owner,
   * which stops it after the workers that use it (the demo); the owner's death still ends it.
   */
  ownProcessGroup?: boolean;
}

export interface DevServer {
  /** host:port of the frontend gRPC service. */
  address: string;
  /** http://host:port of the frontend's HTTP API (grpc-gateway JSON, `/api/v1/...`). */
  httpAddress: string;
  namespace: string;
  uiUrl?: string;
  metricsUrl: string;
  pid: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

const STARTUP_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = await ensureTemporalCli(options.log);
  const namespace = options.namespace ?? 'default';
  const port = options.port ?? (await freePort());
  const httpPort = await freePort();
  const metricsPort = await freePort();
  const uiPort = options.ui ? (options.uiPort ?? (await freePort())) : undefined;

  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--http-port', String(httpPort),
    '--metrics-port', String(metricsPort),
    '--namespace', namespace,
    '--log-level', 'error',
    '--dynamic-config-value', 'frontend.enableServerVersionCheck=false',
    // The HTTP API answers only requests that name it by its loopback address: a page that
    // rebinds a DNS name of its own to 127.0.0.1 gets 403 (docs/security.md).
    '--dynamic-config-value', `frontend.httpAllowedHosts=${JSON.stringify([`127.0.0.1:${httpPort}`, `localhost:${httpPort}`])}`,
    ...invoiceSearchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]),
  ];
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  if (uiPort !== undefined) {
    // No server-wide codec endpoint: its URL carries the codec token, and a command line is readable
    // by every local user. Operators enter it in their own browser (docs/encryption.md).
    args.push('--ui-ip', '127.0.0.1', '--ui-port', String(uiPort));
  } else {
    args.push('--headless');
  }

  // The kernel sends SIGTERM to the server if we die without cleaning up.
  const [command, commandArgs] = existsSync('/usr/bin/setpriv')
    ? ['/usr/bin/setpriv', ['--pdeathsig', 'TERM', '--', cli, ...args]]
    : [cli, args];
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'ignore', 'pipe'], detached: options.ownProcessGroup });
  installExitHook();
  running.add(child);

  const recentLog: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    recentLog.push(...chunk.toString().split('\n').filter(Boolean));
    recentLog.splice(0, Math.max(0, recentLog.length - 50));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    running.delete(child);
    resolve(code);
  }));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  const address = `127.0.0.1:${port}`;
  try {
    await waitUntilServing(address, namespace, exited, () => recentLog.join('\n'));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    address,
    httpAddress: `http://127.0.0.1:${httpPort}`,
    namespace,
    uiUrl: uiPort !== undefined ? `http://127.0.0.1:${uiPort}` : undefined,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    pid: child.pid ?? -1,
    stop,
  };
}

async function waitUntilServing(
  address: string,
  namespace: string,
  exited: Promise<number | null>,
  recentLog: () => string,
): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`Temporal dev server exited with code ${exitCode} while starting:\n${recentLog()}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        // The namespace answering means the frontend, history and visibility are all up.
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`Temporal dev server on ${address} did not become ready in time: ${String(lastError)}\n${recentLog()}`);
}
