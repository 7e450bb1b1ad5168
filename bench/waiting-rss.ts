/**
 * Worker memory with many invoices waiting at SePay at once: every create job is held `Pending`
 * (simulator fault `job-pending-forever`) until all `invoices` workflows stand in
 * `awaiting-creation`; the worker's RSS is read then. The fault is cleared and the backlog drains to
 * issued invoices. Polling uses the production defaults but for the fast phase (`fastPhase`): a
 * wait in its fast phase holds an activity slot, so with the default 30 s and 100 slots a burst of
 * 1,000 needs about (1,000 ÷ 100) × 30 s before the last create even reaches SePay. What waits is
 * what would wait in production: a few fast-phase checks, the rest in Temporal's retry backoff,
 * every workflow in the worker's cache.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { InvoiceClient, type InvoiceWorkflowHandle } from '../client/index.js';
import type { BenchEnvironment } from './environment.js';
import { forEachPooled } from './load.js';
import { sampleInvoice } from './measure-run.js';
import type { WorkerSettings } from './spawn-worker.js';

export interface WaitingRssOptions {
  invoices: number;
  /** `pollFastPhase` of the waiting invoices. */
  fastPhase: string | number;
  settings: WorkerSettings;
  log: (line: string) => void;
}

export interface WaitingRssResult {
  invoices: number;
  fastPhase: string | number;
  settings: WorkerSettings;
  idleRssBytes: number;
  /** RSS while every invoice waits for SePay. */
  waitingRssBytes: number;
  /** High-water mark over the whole scenario, drain included. */
  peakRssBytes: number;
  /** From the first start until every invoice waits at SePay (create sent, job Pending). */
  allWaitingAfterMs: number;
  /** From SePay finishing the jobs until every invoice is issued. */
  drainMs: number;
}

const STARTS_IN_FLIGHT = 50;
const RESULTS_IN_FLIGHT = 100;
const WAIT_LIMIT_MS = 10 * 60_000;

export async function waitingRss(env: BenchEnvironment, { invoices, fastPhase, settings, log }: WaitingRssOptions): Promise<WaitingRssResult> {
  const runId = randomUUID().slice(0, 8);
  const taskQueue = `bench-waiting-${runId}`;
  await env.sim.reset();
  await env.sim.addFault({ endpoint: 'create', kind: 'job-pending-forever' });
  const worker = await env.startWorker({ kind: 'invoice', bundle: 'invoice', settings, taskQueue });
  try {
    const idle = await worker.usage();
    const client = new InvoiceClient({ client: env.client, taskQueue });
    const handles: InvoiceWorkflowHandle[] = [];
    log(`waiting: starting ${invoices} invoices whose create jobs stay Pending`);
    const startedAt = performance.now();
    await forEachPooled(invoices, STARTS_IN_FLIGHT, async (index) => {
      handles.push((await client.issue(`bench-${runId}-waiting-${index}`, sampleInvoice, { pollFastPhase: fastPhase })).handle);
    });
    const query = `TaskQueue="${taskQueue}" AND InvoiceStage="awaiting-creation" AND ExecutionStatus="Running"`;
    for (let waiting = 0; waiting < invoices; ) {
      if (performance.now() - startedAt > WAIT_LIMIT_MS) throw new Error(`only ${waiting} of ${invoices} invoices reached awaiting-creation in ${WAIT_LIMIT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      waiting = (await env.client.workflow.count(query)).count;
      log(`  waiting: ${waiting}/${invoices} invoices wait for SePay`);
    }
    const allWaitingAfterMs = performance.now() - startedAt;
    const waiting = await worker.usage();

    log('waiting: SePay finishes the jobs; draining the backlog');
    const releasedAt = performance.now();
    await env.sim.clearFaults();
    await forEachPooled(handles.length, RESULTS_IN_FLIGHT, async (index) => {
      const result = await handles[index]!.result();
      if (result.outcome !== 'issued') throw new Error(`invoice ${handles[index]!.workflowId} ended "${result.outcome}"`);
    });
    const drainMs = performance.now() - releasedAt;
    const { peakRssBytes } = await worker.usage();
    return { invoices, fastPhase, settings, idleRssBytes: idle.rssBytes, waitingRssBytes: waiting.rssBytes, peakRssBytes, allWaitingAfterMs, drainMs };
  } finally {
    await worker.stop();
  }
}
