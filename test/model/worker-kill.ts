/**
 * A second worker beside the in-process one: `worker/main.ts` in its own process, as an operator
 * runs it, polling the model's task queues. The kill command SIGKILLs it while SePay holds a
 * request (a latency fault), so an attempt dies mid-request the way a pod is OOM-killed: no
 * shutdown, the request's fate unknown to the run, the attempt retried on the other worker once
 * its heartbeat times out. Then a fresh process takes its place.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type fc from 'fast-check';
import { startWorkerProcess, suiteWorkerEnv, type WorkerProcess } from '../support/worker-process.js';
import { conflictsWithDrawnFaults } from './environment-commands.js';
import { heldWhileKilled } from './held-request.js';
import type { SequenceModel } from './model.js';
import type { RealSystem } from './real-system.js';

type ModelCommand = fc.AsyncCommand<SequenceModel, RealSystem>;

/** Long enough that the kill lands while the request is held, short beside the heartbeat timeout. */
const HELD_REQUEST_MS = 3_000;

export class SecondWorker {
  #process: WorkerProcess | undefined;
  kills = 0;

  constructor(private readonly env: () => Record<string, string>) {}

  async start(): Promise<void> {
    this.#process ??= await startWorkerProcess(this.env());
  }

  /** SIGKILL, then a new process in its place (ready before this returns). */
  async killAndReplace(): Promise<void> {
    const running = this.#process;
    this.#process = undefined;
    if (running) {
      await running.kill();
      this.kills++;
    }
    await this.start();
  }

  async stop(): Promise<void> {
    await this.#process?.stop();
    this.#process = undefined;
  }
}

/** The environment of a second worker for `real`'s task queue and simulator, plus the model's worker settings. */
export function secondWorkerEnv(taskQueue: string, simulatorBaseUrl: string, workerEnv: Record<string, string>): Record<string, string> {
  return { ...suiteWorkerEnv(taskQueue, simulatorBaseUrl), ...workerEnv };
}

/** Whether a request has met the latency fault (and is held now, for HELD_REQUEST_MS). */
async function held(real: RealSystem, faultId: number): Promise<boolean> {
  const rule = (await real.env.sim.faults()).find((candidate) => candidate.id === faultId);
  return rule === undefined || rule.fired > 0;
}

export const HELD_ENDPOINTS = ['create', 'issue', 'delete', 'detail'] as const;
export type HeldEndpoint = (typeof HELD_ENDPOINTS)[number];

export class KillWorkerMidRequestCommand implements ModelCommand {
  constructor(
    readonly worker: SecondWorker,
    readonly endpoint: HeldEndpoint,
    /** How long to wait for a run to send such a request; the kill comes then either way. */
    readonly waitMs: number,
  ) {}

  check(model: Readonly<SequenceModel>): boolean {
    return !conflictsWithDrawnFaults(model, heldWhileKilled(this.endpoint));
  }

  async run(model: SequenceModel, real: RealSystem): Promise<void> {
    const { id } = await real.env.sim.addFault({ endpoint: this.endpoint, kind: 'latency', latencyMs: HELD_REQUEST_MS, times: 2 });
    model.faults.push({ id, name: heldWhileKilled(this.endpoint) });
    const deadline = Date.now() + this.waitMs;
    while (Date.now() < deadline && !(await held(real, id))) await sleep(50);
    await this.worker.killAndReplace();
  }

  toString(): string {
    return `killWorkerMidRequest(${this.endpoint}, waiting up to ${this.waitMs}ms)`;
  }
}
