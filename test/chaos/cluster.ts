/**
 * The chaos suite's deployment, every part in its own process as in production: the Temporal dev
 * server on a SQLite file, the SePay simulator with a state file (`npm run simulator`), and workers
 * started with `npm run worker` from a prebuilt workflow bundle. Each part can be killed and
 * started again on the same file and port.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../../scripts/dev-server.js';
import { freePort } from '../../scripts/free-port.js';
import { SimulatorControl } from '../../simulator/control-client.js';
import { simulatorWorkerEnv } from '../../simulator/worker-env.js';
import { WORKFLOWS_PATH } from '../../worker/create-worker.js';
import { ProcessGroup, type ExitStatus } from '../support/process-group.js';

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

export interface ChaosClusterOptions {
  taskQueue: string;
  /** Checks a SePay job answers Pending before it settles. */
  jobChecks: number;
  workerShutdownGrace: string;
}

export interface RunningWorker {
  process: ProcessGroup;
  /** The identity Temporal records on the events this worker produced. */
  identity: string;
}

export class ChaosCluster {
  readonly sim: SimulatorControl;
  server!: DevServer;
  simulator!: ProcessGroup;
  readonly workers: RunningWorker[] = [];
  private workerCount = 0;

  private constructor(
    readonly options: ChaosClusterOptions,
    private readonly dir: string,
    private readonly temporalPort: number,
    private readonly simulatorPort: number,
    private readonly bundlePath: string,
  ) {
    this.sim = new SimulatorControl(this.simulatorUrl);
  }

  static async start(options: ChaosClusterOptions): Promise<ChaosCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'sepay-chaos-'));
    const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: silent });
    const bundlePath = join(dir, 'workflow-bundle.js');
    writeFileSync(bundlePath, code);
    const cluster = new ChaosCluster(options, dir, await freePort(), await freePort(), bundlePath);
    try {
      await cluster.startServer();
      await cluster.startSimulator();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  get simulatorUrl(): string {
    return `http://127.0.0.1:${this.simulatorPort}`;
  }

  get temporalAddress(): string {
    return `127.0.0.1:${this.temporalPort}`;
  }

  async startServer(): Promise<void> {
    this.server = await startDevServer({ dbFile: join(this.dir, 'temporal.sqlite'), port: this.temporalPort });
  }

  /** SIGKILL: no shutdown of any kind; what was committed to the SQLite file is all that is left. */
  async killServer(): Promise<void> {
    process.kill(this.server.pid, 'SIGKILL');
    await this.server.stop();
  }

  async startSimulator(): Promise<void> {
    this.simulator = new ProcessGroup('simulator', 'npm', [
      'run', '--silent', 'simulator', '--',
      '--port', String(this.simulatorPort),
      '--state', join(this.dir, 'simulator-state.json'),
      '--job-checks', String(this.options.jobChecks),
      '--job-settle-ms', '2000',
    ], { ...process.env, FORCE_COLOR: '0' });
    await this.simulator.waitForLine(/SePay simulator listening on/);
  }

  /** SIGTERM, as a SePay maintenance restart: the state file is written on the way out. */
  async stopSimulator(): Promise<ExitStatus> {
    return this.simulator.kill('SIGTERM');
  }

  async startWorker(): Promise<RunningWorker> {
    const name = `worker-${++this.workerCount}`;
    const process_ = new ProcessGroup(name, 'npm', ['run', '--silent', 'worker'], {
      ...process.env,
      FORCE_COLOR: '0',
      TEMPORAL_ADDRESS: this.temporalAddress,
      TEMPORAL_NAMESPACE: this.server.namespace,
      SEPAY_TASK_QUEUE: this.options.taskQueue,
      ...simulatorWorkerEnv(this.simulatorUrl),
      SEPAY_REQUEST_TIMEOUT_MS: '5000',
      WORKER_SHUTDOWN_GRACE: this.options.workerShutdownGrace,
      WORKER_IDENTITY: `chaos-${name}`,
      WORKFLOW_BUNDLE_PATH: this.bundlePath,
    });
    await process_.waitForLine(/worker ready/);
    const worker = { process: process_, identity: `chaos-${name}` };
    this.workers.push(worker);
    return worker;
  }

  async stopWorker(worker: RunningWorker, signal: 'SIGKILL' | 'SIGTERM'): Promise<ExitStatus> {
    const status = await worker.process.kill(signal);
    this.workers.splice(this.workers.indexOf(worker), 1);
    return status;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([
      ...this.workers.map((worker) => worker.process.kill('SIGKILL')),
      this.simulator?.kill('SIGKILL'),
      this.server?.stop(),
    ]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
