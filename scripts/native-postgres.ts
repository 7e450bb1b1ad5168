/**
 * A throwaway PostgreSQL cluster for `npm run stack:native` and the production test: its own data
 * directory under a temporary folder, `postgres` run as a plain child process on 127.0.0.1 and a
 * free port (its socket in the data directory, so nothing of the machine's own PostgreSQL is
 * touched), with the superuser and password docker-compose.yml's `postgresql` service gets from
 * its env file. It can be restarted on the same directory and port, as a database failover or
 * upgrade would, and `stop()` removes nothing: the owner deletes the folder.
 *
 * initdb and postgres refuse to run as root: as root they run as the `postgres` system user.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);

export interface PostgresOptions {
  /** An empty folder the cluster lives in. */
  dir: string;
  user: string;
  password: string;
  log?: (line: string) => void;
}

export interface PostgresCluster {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The maintenance database (Temporal's own are made by the schema job). */
  database: string;
  version: string;
  readonly pid: number;
  /** Fast shutdown (SIGINT: open transactions rolled back, clients disconnected), `downMs` down, started again. */
  restart(downMs?: number): Promise<{ downMs: number; readyAfterMs: number }>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const SETPRIV = '/usr/bin/setpriv';

/** The `postgres` system user's ids when this process is root, else undefined (run as ourselves). */
async function dropTo(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    throw new Error('Running as root, and there is no `postgres` user to run PostgreSQL as (initdb refuses root): install Debian\'s postgresql package or run as another user.');
  }
}

/** As the `postgres` user when root; ended by the kernel (SIGTERM) if its owner dies, where setpriv exists. */
function asUser(ids: { uid: number; gid: number } | undefined, command: string, args: string[]): [string, string[]] {
  if (!existsSync(SETPRIV)) return [command, args];
  const user = ids ? [`--reuid=${ids.uid}`, `--regid=${ids.gid}`, '--clear-groups'] : [];
  return [SETPRIV, [...user, '--pdeathsig', 'TERM', '--', command, ...args]];
}

export async function postgresIsAvailable(): Promise<string | undefined> {
  try {
    const { stdout } = await run('postgres', ['--version']);
    await run('initdb', ['--version']);
    return stdout.trim();
  } catch {
    return undefined;
  }
}

export async function startPostgres({ dir, user, password, log = () => {} }: PostgresOptions): Promise<PostgresCluster> {
  const version = await postgresIsAvailable();
  if (!version) throw new Error('PostgreSQL (initdb and postgres) is not on PATH: install Debian\'s postgresql package.');
  const ids = await dropTo();
  const dataDir = join(dir, 'pgdata');
  mkdirSync(dir, { recursive: true });
  if (ids) {
    // The postgres user must pass through the owner's (0700) temporary folder to reach its own.
    chmodSync(dirname(dir), 0o711);
    chownSync(dir, ids.uid, ids.gid);
  }
  // The password reaches initdb in a file only it reads, removed at once.
  const passwordFile = join(dir, '.pwfile');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (ids) chownSync(passwordFile, ids.uid, ids.gid);
  try {
    const [command, args] = asUser(ids, 'initdb', ['--pgdata', dataDir, '--username', user, `--pwfile=${passwordFile}`, '--auth', 'scram-sha-256', '--encoding', 'UTF8', '--locale', 'C', '--no-sync']);
    await run(command, args);
  } finally {
    rmSync(passwordFile, { force: true });
  }
  const port = await freePort();
  const host = '127.0.0.1';
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const recent: string[] = [];

  const start = async () => {
    const [command, args] = asUser(ids, 'postgres', ['-D', dataDir, '-h', host, '-p', String(port), '-k', dataDir]);
    // Its own process group: a Ctrl-C in the owner's terminal reaches the owner, which stops it last.
    const started = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    child = started;
    started.stderr?.on('data', (chunk: Buffer) => {
      recent.push(...chunk.toString().split('\n').filter(Boolean));
      recent.splice(0, Math.max(0, recent.length - 40));
    });
    exited = new Promise((resolve) => started.once('exit', () => resolve()));
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (started.exitCode !== null || started.signalCode !== null) throw new Error(`postgres exited while starting:\n${recent.join('\n')}`);
      try {
        await run('pg_isready', ['-h', host, '-p', String(port), '-q']);
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`postgres on ${host}:${port} not ready after ${READY_TIMEOUT_MS} ms:\n${recent.join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };

  const stop = async () => {
    const current = child;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    current.kill('SIGINT');
    const timer = setTimeout(() => current.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  await start();
  log(`PostgreSQL (${version}) on ${host}:${port}, data in ${dataDir}`);
  return {
    host,
    port,
    user,
    password,
    database: 'postgres',
    version,
    get pid() {
      return child?.pid ?? -1;
    },
    async restart(downMs = 0) {
      await stop();
      const stoppedAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await start();
      return { downMs, readyAfterMs: Date.now() - stoppedAt };
    },
    stop,
  };
}
