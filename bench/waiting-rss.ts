/**
 * Worker memory with many invoices waiting at SePay at once: every create job is held `Pending`
 * (simulator fault `job-pending-forever`) until all `invoices` workflows stand in
 * `awaiting-creation`; the worker's RSS is read then. The fault is cleared and the backlog drains to
 * issued invoices. Polling uses the production defaults, the fast phase too unless `fastPhase` is
 * given. An invoice counts as waiting once SePay has seen a check of its create job (the
 * simulator's job records: the stage search attribute no longer shows the wait). What waits is
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
  /** `pollFastPhase` of the waiting invoices; undefined: the production default. */
  fastPhase?: string | number;
  settings: WorkerSettings;
  log: (line: string) => void;
}

export interface WaitingRssResult {
  invoices: number;
  fastPhase?: string | number;
  settings: WorkerSettings;
  idleRssBytes: number;
  /** RSS while every invoice waits for SePay. */
  waitingRssBytes: number;
  /** Of that RSS, the main thread's V8 heap in use and memory held outside it (worker-messages.ts). */
  waitingHeapUsedBytes: number;
  waitingExternalBytes: number;
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
      const options = fastPhase === undefined ? undefined : { pollFastPhase: fastPhase };
      handles.push((await client.issue(`bench-${runId}-waiting-${index}`, sampleInvoice, options)).handle);
    });
    for (let waiting = 0; waiting < invoices; ) {
      if (performance.now() - startedAt > WAIT_LIMIT_MS) throw new Error(`only ${waiting} of ${invoices} invoices waited at SePay after ${WAIT_LIMIT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const { jobs } = await env.sim.jobs();
      waiting = jobs.filter((job) => job.kind === 'create' && job.status === 'Pending' && job.checks > 0).length;
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
    return {
      invoices,
      fastPhase,
      settings,
      idleRssBytes: idle.rssBytes,
      waitingRssBytes: waiting.rssBytes,
      waitingHeapUsedBytes: waiting.heapUsedBytes,
      waitingExternalBytes: waiting.externalBytes,
      peakRssBytes,
      allWaitingAfterMs,
      drainMs,
    };
  } finally {
    await worker.stop();
  }
}
