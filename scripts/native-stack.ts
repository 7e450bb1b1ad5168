/**
 * docker-compose.yml's production topology, run natively (no Docker engine here): a throwaway
 * PostgreSQL cluster, the schema job, the Temporal server as one process per service (frontend,
 * history, matching, worker) configured from the server's own template, the namespace job, the
 * standalone Web UI, the compiled invoice workers, the codec server and the SePay simulator. Every
 * value comes from docker-compose.yml, its env files' committed examples and the Dockerfile; only
 * what names the container network (hosts, ports, the mounted paths) and the secrets the examples
 * leave as placeholders are replaced: 127.0.0.1, free ports, files of this machine, fresh secrets.
 *
 * Used by `npm run stack:native`, the production test and `npm run bench -- --stack native`.
 * Every process is started through `setpriv --pdeathsig` in its own process group: `stop()` ends
 * them in order, and the kernel ends them if the owner dies without stopping them.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exampleEnvironmentOf, hostPathOf, readComposeFile, ROOT, service, type ComposeFile, type ComposeService } from './compose-file.js';
import { readDockerfile } from './dockerfile.js';
import { freePort, freePortBelow32768 } from './free-port.js';
import { startPostgres, type PostgresCluster } from './native-postgres.js';
import { ProcessGroup } from './process-group.js';
import { ensureTemporalCli } from './temporal-cli.js';
import { ensureTemporalServer, type TemporalServerBuild } from './temporal-server.js';
import { writeServerConfig, writeUiConfig } from './temporal-server-config.js';

export const TEMPORAL_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

const HOST = '127.0.0.1';
const SETPRIV = '/usr/bin/setpriv';
const READY_TIMEOUT_MS = 120_000;

export interface NativeStackOptions {
  log?: (line: string) => void;
  /** Invoice workers to start; default the compose worker's `deploy.replicas`. */
  workers?: number;
  /** Added to the compose worker environment (after it), e.g. a task queue or timeouts. */
  workerEnv?: Record<string, string>;
  /** Added to the simulator's command line, e.g. `--job-checks 3`. */
  simulatorArgs?: string[];
  /** `npm run build` first (default); off when dist/ is known to be fresh. */
  build?: boolean;
  /**
   * The application side (default on): the simulator, the codec server and the invoice workers.
   * Off, only PostgreSQL, Temporal and its jobs (and the UI) run: the bench brings its own.
   */
  apps?: boolean;
  /** The Web UI server (default on). */
  ui?: boolean;
  /** A Prometheus endpoint per Temporal service process (for the bench's counters). */
  metrics?: boolean;
}

export interface RunningInvoiceWorker {
  name: string;
  process: ProcessGroup;
  /** WORKER_IDENTITY: what Temporal records on the events this worker produced. */
  identity: string;
  healthUrl: string;
}

export interface StackSummary {
  temporalAddress: string;
  httpAddress: string;
  uiUrl: string | null;
  postgres: { host: string; port: number; user: string; password: string; database: string };
  workers: number[];
  services: Record<TemporalService, number>;
  simulator: string;
  codecServer: string;
  clientEnvFile: string;
}

/** Runs `command` to its end; its output is returned, or thrown with the exit code. */
async function runJob(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = READY_TIMEOUT_MS): Promise<string> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${name} exited with ${code}:\n${output}`);
  return output;
}

/** Resolves once something accepts TCP connections on host:port. */
async function waitForPort(name: string, port: number, process_: ProcessGroup, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!process_.running) throw new Error(`${name} exited while starting:\n${process_.tail()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: HOST, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} did not listen on ${HOST}:${port} within ${timeoutMs} ms:\n${process_.tail()}`);
}

async function waitForHttp(name: string, url: string, process_: ProcessGroup, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!process_.running) throw new Error(`${name} exited while starting:\n${process_.tail()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} did not answer ${url} within ${timeoutMs} ms:\n${process_.tail()}`);
}

/** A command that the kernel ends when its owner dies (SIGTERM), where setpriv exists. */
function supervised(command: string, args: string[]): [string, string[]] {
  return existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'TERM', '--', command, ...args]] : [command, args];
}

/** The one value `--flag` has in a compose command, replaced. */
function withFlag(args: string[], flag: string, value: string): string[] {
  const index = args.indexOf(flag);
  if (index < 0) return [...args, flag, value];
  return [...args.slice(0, index + 1), value, ...args.slice(index + 2)];
}

function argvOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : value.split(' ');
}

export class NativeStack {
  readonly compose: ComposeFile = readComposeFile();
  readonly namespace: string;
  readonly taskQueue: string;
  readonly workers: RunningInvoiceWorker[] = [];
  readonly services = new Map<TemporalService, ProcessGroup>();
  postgres!: PostgresCluster;
  build!: TemporalServerBuild;
  simulator?: ProcessGroup;
  codecServer?: ProcessGroup;
  ui?: ProcessGroup;
  readonly clientEnvFile: string;
  private readonly ports = new Map<string, number>();
  private readonly serverEnv: Record<string, string>;
  private readonly workerEnv: Record<string, string>;
  private readonly log: (line: string) => void;
  private workerCount = 0;
  private stopping?: Promise<void>;

  private constructor(
    readonly options: NativeStackOptions,
    readonly dir: string,
    /** The database password the examples leave as `change-me` (which the schema job refuses). */
    private readonly dbPassword: string,
    readonly encryptionKeys: string,
    readonly codecToken: string,
  ) {
    this.log = options.log ?? (() => {});
    this.clientEnvFile = join(dir, 'client.env');
    const temporal = service(this.compose, 'temporal');
    this.serverEnv = { ...exampleEnvironmentOf(temporal), POSTGRES_PASSWORD: dbPassword, POSTGRES_PWD: dbPassword };
    const worker = service(this.compose, 'worker');
    this.workerEnv = { ...readDockerfile().env, ...exampleEnvironmentOf(worker), ...options.workerEnv };
    this.namespace = this.workerEnv.TEMPORAL_NAMESPACE ?? 'default';
    this.taskQueue = this.workerEnv.SEPAY_TASK_QUEUE ?? 'sepay-einvoice';
  }

  /** Brings the whole stack up; on any failure stops what started and throws. */
  static async start(options: NativeStackOptions = {}): Promise<NativeStack> {
    const dir = mkdtempSync(join(tmpdir(), 'sepay-stack-native-'));
    const stack = new NativeStack(options, dir, randomBytes(18).toString('base64url'), `k1:${randomBytes(32).toString('base64')}`, randomBytes(32).toString('hex'));
    try {
      await stack.bringUp();
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  private async port(name: string): Promise<number> {
    let port = this.ports.get(name);
    if (port === undefined) {
      // The server keeps membership ports in a smallint column.
      port = name.endsWith('-membership') ? await freePortBelow32768() : await freePort();
      this.ports.set(name, port);
    }
    return port;
  }

  get temporalAddress(): string {
    return `${HOST}:${this.ports.get('frontend-grpc')}`;
  }

  get httpAddress(): string {
    return `http://${HOST}:${this.ports.get('frontend-http')}`;
  }

  get simulatorUrl(): string {
    return `http://${HOST}:${this.ports.get('simulator')}`;
  }

  get codecServerUrl(): string {
    return `http://${HOST}:${this.ports.get('codec')}`;
  }

  get uiUrl(): string | undefined {
    return this.ui ? `http://${HOST}:${this.ports.get('ui')}` : undefined;
  }

  /** Prometheus endpoints of the Temporal service processes (with `metrics: true`). */
  get metricsUrls(): string[] {
    return TEMPORAL_SERVICES.flatMap((name) => {
      const port = this.ports.get(`${name}-metrics`);
      return port === undefined ? [] : [`http://${HOST}:${port}/metrics`];
    });
  }

  /** What a client of this stack needs (`npx sepay-invoice`, InvoiceClient.connect). */
  get clientEnv(): Record<string, string> {
    return {
      TEMPORAL_ADDRESS: this.temporalAddress,
      TEMPORAL_NAMESPACE: this.namespace,
      TEMPORAL_HTTP_ADDRESS: this.httpAddress,
      SEPAY_TASK_QUEUE: this.taskQueue,
      SEPAY_BASE_URL: this.simulatorUrl,
      SEPAY_CLIENT_ID: this.workerEnv.SEPAY_CLIENT_ID ?? '',
      SEPAY_CLIENT_SECRET: this.workerEnv.SEPAY_CLIENT_SECRET ?? '',
      ...(this.workerEnv.PAYLOAD_ENCRYPTION_KEYS === undefined ? {} : { PAYLOAD_ENCRYPTION_KEYS: this.encryptionKeys }),
      CODEC_SERVER_URL: this.codecServerUrl,
      CODEC_SERVER_TOKEN: this.codecToken,
    };
  }

  summary(): StackSummary {
    return {
      temporalAddress: this.temporalAddress,
      httpAddress: this.httpAddress,
      uiUrl: this.uiUrl ?? null,
      postgres: { host: this.postgres.host, port: this.postgres.port, user: this.postgres.user, password: this.postgres.password, database: this.postgres.database },
      workers: this.workers.map((worker) => worker.process.pid),
      services: Object.fromEntries(TEMPORAL_SERVICES.map((name) => [name, this.services.get(name)?.pid ?? -1])) as Record<TemporalService, number>,
      simulator: this.simulatorUrl,
      codecServer: this.codecServerUrl,
      clientEnvFile: this.clientEnvFile,
    };
  }

  private async bringUp(): Promise<void> {
    const started = Date.now();
    const step = (what: string) => this.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`);
    step('building the Temporal server, its SQL tool and the Web UI server (cached after the first time)...');
    this.build = await ensureTemporalServer(this.log);
    const apps = this.options.apps !== false;
    if (apps && this.options.build !== false) {
      step('npm run build (the workers, the codec server and the simulator run compiled, as in the image)...');
      await runJob('npm run build', 'npm', ['run', '--silent', 'build'], { ...process.env, FORCE_COLOR: '0' }, 300_000);
    }
    step('PostgreSQL...');
    this.postgres = await startPostgres({ dir: join(this.dir, 'postgres'), user: this.serverEnv.POSTGRES_USER ?? 'temporal', password: this.dbPassword, log: this.log });
    step('schema job (deploy/temporal/setup-postgres.sh)...');
    await this.runSchemaJob();
    step(`Temporal server ${this.build.serverVersion}: ${TEMPORAL_SERVICES.join(', ')}, one process each...`);
    writeServerConfig(this.build.serverModuleDir, join(this.dir, 'temporal'));
    for (const name of TEMPORAL_SERVICES) await this.port(`${name}-grpc`);
    // One first: on a new database every service process initialises the cluster metadata, and
    // processes racing there fail with "SaveClusterMetadata encountered version mismatch".
    await this.startService('frontend');
    await Promise.all(TEMPORAL_SERVICES.filter((name) => name !== 'frontend').map((name) => this.startService(name)));
    step('namespace job (deploy/temporal/setup-namespace.sh)...');
    await this.runNamespaceJob();
    step([apps && 'SePay simulator, codec server', this.options.ui !== false && `Web UI ${this.build.uiVersion}`].filter(Boolean).join(', ') + '...');
    await Promise.all([apps && this.startSimulator(), apps && this.startCodecServer(), this.options.ui !== false && this.startUi()]);
    const replicas = apps ? (this.options.workers ?? service(this.compose, 'worker').deploy?.replicas ?? 1) : 0;
    step(`${replicas} invoice workers (node dist/worker/main.js)...`);
    await Promise.all(Array.from({ length: replicas }, () => this.startWorker()));
    // `export NAME='value'` lines for `source`, a quote inside a value closed and escaped.
    const quoted = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;
    writeFileSync(this.clientEnvFile, Object.entries(this.clientEnv).map(([name, value]) => `export ${name}=${quoted(value)}\n`).join(''), { mode: 0o600 });
    step('ready');
  }

  /** The compose service's one-shot job: its entrypoint script (bind-mounted from deploy/) run by sh. */
  private jobScript(job: ComposeService): string[] {
    const [shell, script = '', ...rest] = argvOf(job.entrypoint);
    const hostScript = hostPathOf(job, script);
    if (shell !== '/bin/sh' || !hostScript) throw new Error(`a compose job's entrypoint is not "/bin/sh <mounted script>": ${String(job.entrypoint)}`);
    return [hostScript, ...rest, ...argvOf(job.command)];
  }

  private async runSchemaJob(): Promise<void> {
    const job = service(this.compose, 'temporal-schema');
    const env = {
      PATH: process.env.PATH ?? '',
      ...exampleEnvironmentOf(job),
      POSTGRES_PASSWORD: this.dbPassword,
      POSTGRES_PWD: this.dbPassword,
      POSTGRES_SEEDS: HOST,
      DB_PORT: String(this.postgres.port),
      TEMPORAL_SCHEMA_DIR: join(this.build.serverModuleDir, 'schema', 'postgresql', 'v12'),
      TEMPORAL_SQL_TOOL: this.build.sqlTool,
    };
    const output = await runJob('the schema job', '/bin/sh', this.jobScript(job), env);
    for (const line of output.split('\n')) if (line.startsWith('database ')) this.log(`  ${line}`);
  }

  private async runNamespaceJob(): Promise<void> {
    const job = service(this.compose, 'temporal-setup');
    const cli = await ensureTemporalCli(this.log);
    const env = {
      PATH: `${dirname(cli)}:${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? '',
      ...exampleEnvironmentOf(job),
      TEMPORAL_ADDRESS: this.temporalAddress,
    };
    const output = await runJob('the namespace job', '/bin/sh', this.jobScript(job), env, 240_000);
    for (const line of output.trim().split('\n')) this.log(`  ${line}`);
  }

  /** The environment of one Temporal service process: the compose `temporal` service's, with this machine's ports. */
  private async serviceEnv(name: TemporalService): Promise<Record<string, string>> {
    const dynamicConfig = this.serverEnv.DYNAMIC_CONFIG_FILE_PATH && hostPathOf(service(this.compose, 'temporal'), this.serverEnv.DYNAMIC_CONFIG_FILE_PATH);
    if (this.serverEnv.DYNAMIC_CONFIG_FILE_PATH && !dynamicConfig) throw new Error(`DYNAMIC_CONFIG_FILE_PATH ${this.serverEnv.DYNAMIC_CONFIG_FILE_PATH} is not a file docker-compose.yml mounts from deploy/`);
    const ports: Record<string, string> = {};
    for (const other of TEMPORAL_SERVICES) {
      const prefix = other.toUpperCase();
      ports[`${prefix}_GRPC_PORT`] = String(await this.port(`${other}-grpc`));
      ports[`${prefix}_MEMBERSHIP_PORT`] = String(await this.port(`${other}-membership`));
    }
    return {
      PATH: process.env.PATH ?? '',
      ...this.serverEnv,
      ...ports,
      FRONTEND_HTTP_PORT: String(await this.port('frontend-http')),
      POSTGRES_SEEDS: HOST,
      DB_PORT: String(this.postgres.port),
      BIND_ON_IP: HOST,
      ...(dynamicConfig ? { DYNAMIC_CONFIG_FILE_PATH: dynamicConfig } : {}),
      ...(this.options.metrics ? { PROMETHEUS_ENDPOINT: `${HOST}:${await this.port(`${name}-metrics`)}` } : {}),
    };
  }

  async startService(name: TemporalService): Promise<ProcessGroup> {
    const root = join(this.dir, 'temporal');
    const [command, args] = supervised(this.build.server, ['--root', root, '--config', 'config', '--env', 'docker', 'start', '--service', name]);
    const process_ = new ProcessGroup(`temporal-${name}`, command, args, await this.serviceEnv(name), root);
    this.services.set(name, process_);
    // Every service joins the membership ring; the internal worker serves no gRPC of its own.
    await waitForPort(`temporal ${name} (membership)`, await this.port(`${name}-membership`), process_);
    if (name !== 'worker') await waitForPort(`temporal ${name}`, await this.port(`${name}-grpc`), process_);
    if (name === 'frontend') await waitForPort('temporal frontend (HTTP API)', await this.port('frontend-http'), process_);
    return process_;
  }

  /** SIGTERM (what `docker compose restart` sends), `downMs` down, started again; when it listens again. */
  async restartService(name: TemporalService, downMs = 0): Promise<{ stoppedInMs: number; listeningAfterMs: number }> {
    const current = this.services.get(name);
    const signalledAt = Date.now();
    await current?.kill('SIGTERM', 30_000);
    const stoppedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.startService(name);
    return { stoppedInMs: stoppedAt - signalledAt, listeningAfterMs: Date.now() - stoppedAt };
  }

  private async startSimulator(): Promise<void> {
    const simulator = service(this.compose, 'sepay-simulator');
    const [program, ...composeArgs] = argvOf(simulator.command);
    if (program !== 'node') throw new Error(`the compose simulator's command does not start with node: ${String(simulator.command)}`);
    let args = withFlag(composeArgs, '--host', HOST);
    args = withFlag(args, '--port', String(await this.port('simulator')));
    const env = { PATH: process.env.PATH ?? '', ...readDockerfile().env, ...exampleEnvironmentOf(simulator) };
    const [command, fullArgs] = supervised(process.execPath, [...args, ...(this.options.simulatorArgs ?? [])]);
    this.simulator = new ProcessGroup('simulator', command, fullArgs, env, ROOT);
    await this.simulator.waitForLine(/SePay simulator listening on/, READY_TIMEOUT_MS);
  }

  private async startCodecServer(): Promise<void> {
    const env = {
      PATH: process.env.PATH ?? '',
      ...readDockerfile().env,
      PAYLOAD_ENCRYPTION_KEYS: this.encryptionKeys,
      CODEC_SERVER_TOKEN: this.codecToken,
      CODEC_SERVER_ADDRESS: `${HOST}:${await this.port('codec')}`,
      ...(this.options.ui === false ? {} : { CODEC_SERVER_CORS_ORIGINS: `http://${HOST}:${await this.port('ui')}` }),
    };
    const [command, args] = supervised(process.execPath, ['dist/codec/main.js']);
    this.codecServer = new ProcessGroup('codec-server', command, args, env, ROOT);
    await this.codecServer.waitForLine(/^codec server: /, READY_TIMEOUT_MS);
  }

  private async startUi(): Promise<void> {
    const ui = service(this.compose, 'temporal-ui');
    const root = join(this.dir, 'ui');
    writeUiConfig(this.build.uiModuleDir, root, HOST);
    const port = await this.port('ui');
    const env = {
      PATH: process.env.PATH ?? '',
      ...exampleEnvironmentOf(ui),
      TEMPORAL_ADDRESS: this.temporalAddress,
      TEMPORAL_UI_PORT: String(port),
    };
    const [command, args] = supervised(this.build.uiServer, ['--root', root, '--config', 'config', '--env', 'docker', 'start']);
    this.ui = new ProcessGroup('temporal-ui', command, args, env, root);
    await waitForHttp('the Web UI', `http://${HOST}:${port}/healthz`, this.ui);
  }

  /** One more compose `worker` replica: the image's CMD with the service's environment. */
  async startWorker(): Promise<RunningInvoiceWorker> {
    const name = `worker-${++this.workerCount}`;
    const [program, ...args] = readDockerfile().cmd;
    if (program !== 'node') throw new Error(`the Dockerfile's CMD does not start with node: ${readDockerfile().cmd.join(' ')}`);
    const healthPort = await freePort();
    const identity = `native-${name}`;
    const env = {
      PATH: process.env.PATH ?? '',
      ...this.workerEnv,
      TEMPORAL_ADDRESS: this.temporalAddress,
      SEPAY_BASE_URL: this.simulatorUrl,
      ...(this.workerEnv.PAYLOAD_ENCRYPTION_KEYS === undefined ? {} : { PAYLOAD_ENCRYPTION_KEYS: this.encryptionKeys }),
      WORKER_HEALTH_ADDRESS: `${HOST}:${healthPort}`,
      WORKER_METRICS_ADDRESS: `${HOST}:${await freePort()}`,
      WORKER_IDENTITY: identity,
      ...this.options.workerEnv,
    };
    const [command, fullArgs] = supervised(process.execPath, args);
    const process_ = new ProcessGroup(name, command, fullArgs, env, ROOT);
    const worker = { name, process: process_, identity, healthUrl: `http://${HOST}:${healthPort}/readyz` };
    this.workers.push(worker);
    await process_.waitForLine(/worker ready/, READY_TIMEOUT_MS);
    return worker;
  }

  async stopWorker(worker: RunningInvoiceWorker, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    await worker.process.kill(signal);
    this.workers.splice(this.workers.indexOf(worker), 1);
  }

  /** Stops everything it started, in reverse order, and removes its folder. Safe to call twice. */
  stop(): Promise<void> {
    return (this.stopping ??= (async () => {
      await Promise.allSettled(this.workers.map((worker) => worker.process.kill('SIGTERM', 45_000)));
      await Promise.allSettled([this.ui?.kill('SIGTERM', 10_000), this.codecServer?.kill('SIGTERM', 10_000), this.simulator?.kill('SIGTERM', 10_000)]);
      await Promise.allSettled([...this.services.values()].map((process_) => process_.kill('SIGTERM', 30_000)));
      await this.postgres?.stop();
      rmSync(this.dir, { recursive: true, force: true });
    })());
  }
}
