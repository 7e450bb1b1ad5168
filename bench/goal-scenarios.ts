/**
 * The scenarios behind issue #14's goal rows that the other sections do not already measure: a
 * burst while SePay's jobs take 20 s, the lag between SePay finishing a job and the run moving on,
 * resuming after a worker SIGKILL, and server actions / history while jobs stay `Pending` for a
 * number of checks. Jobs that take wall-clock time come from `timed-sepay.ts`; everything else is
 * the invoice worker built by `createInvoiceWorker` with the worker's defaults.
 */
import { randomUUID } from 'node:crypto';
import { InvoiceClient, type InvoiceWorkflowHandle } from '../client/index.js';
import { seededRandom } from '../simulator/prng.js';
import type { IssueInvoiceInput } from '../contract/input.js';
import type { IssueInvoiceResult } from '../contract/messages.js';
import type { BenchEnvironment } from './environment.js';
import { forEachPooled } from './load.js';
import { measureRun, sampleInvoice, type RunResult } from './measure-run.js';
import type { BenchWorker, WorkerSettings } from './spawn-worker.js';
import { percentile } from './stats.js';
import { startTimedSepay, type TimedJob, type TimedSepay } from './timed-sepay.js';

type Log = (line: string) => void;
const STARTS_IN_FLIGHT = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withTimedSepay<T>(env: BenchEnvironment, body: (sepay: TimedSepay) => Promise<T>): Promise<T> {
  await env.sim.reset();
  const sepay = await startTimedSepay(env.simulatorUrl);
  try {
    return await body(sepay);
  } finally {
    await sepay.close();
  }
}

async function withWorker<T>(env: BenchEnvironment, start: () => Promise<BenchWorker>, body: (worker: BenchWorker) => Promise<T>): Promise<T> {
  const worker = await start();
  try {
    return await body(worker);
  } finally {
    await worker.stop();
  }
}

function issuedReference(result: IssueInvoiceResult, workflowId: string): string {
  if (result.outcome !== 'issued') throw new Error(`invoice ${workflowId} ended "${result.outcome}", expected "issued"`);
  return result.invoice.referenceCode;
}

async function until(what: string, limitMs: number, done: () => boolean | Promise<boolean>, everyMs = 100): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${limitMs} ms`);
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------------------------------------

export interface BurstResult {
  invoices: number;
  pendingMs: number;
  settings: WorkerSettings;
  /** Until every start request was answered. */
  allStartedAfterMs: number;
  /** Until the last invoice's first create request reached SePay. */
  lastCreateAfterMs: number;
  /** Until the last run closed (issued). */
  lastIssuedAfterMs: number;
  /** `lastIssuedAfterMs` minus SePay's own time: the create job's and the issue job's `pendingMs`. */
  lastIssuedBeyondSepayMs: number;
  /** Checks per job (median and max): what the polling cost SePay meanwhile. */
  checksPerJob: { median: number; max: number };
}

/** `invoices` started at once (50 start requests in flight), every SePay job `Pending` for `pendingMs`. */
export async function burstWithSlowJobs(
  env: BenchEnvironment,
  { invoices, pendingMs, settings, log }: { invoices: number; pendingMs: number; settings: WorkerSettings; log: Log },
): Promise<BurstResult> {
  return withTimedSepay(env, async (sepay) => {
    sepay.setPending(() => pendingMs);
    const runId = randomUUID().slice(0, 8);
    const taskQueue = `bench-burst-${runId}`;
    const start = () => env.startWorker({ kind: 'invoice', bundle: 'invoice', settings, taskQueue, sepayBaseUrl: sepay.baseUrl });
    return withWorker(env, start, async () => {
      const client = new InvoiceClient({ client: env.client, taskQueue });
      const handles: InvoiceWorkflowHandle[] = [];
      log(`burst: ${invoices} invoices at once, every SePay job Pending for ${pendingMs / 1000} s`);
      const progress = setInterval(() => {
        const jobs = sepay.jobs();
        const done = jobs.filter((job) => job.kind === 'issue' && job.successAnsweredAtMs !== undefined).length;
        log(`  burst: ${sepay.firstCreates().size}/${invoices} creates at SePay, ${done} issue jobs done`);
      }, 5_000);
      try {
        const startedAt = Date.now();
        await forEachPooled(invoices, STARTS_IN_FLIGHT, async (index) => {
          handles.push((await client.issue(`bench-${runId}-burst-${index}`, sampleInvoice)).handle);
        });
        const allStartedAt = Date.now();
        let lastClosedAt = 0;
        await forEachPooled(handles.length, 100, async (index) => {
          const handle = handles[index]!;
          issuedReference(await handle.result(), handle.workflowId);
          const closeTime = (await handle.describe()).closeTime;
          lastClosedAt = Math.max(lastClosedAt, closeTime?.getTime() ?? Date.now());
        });
        const creates = [...sepay.firstCreates().values()];
        const checks = sepay.jobs().map((job) => job.checkTimesMs.length);
        return {
          invoices,
          pendingMs,
          settings,
          allStartedAfterMs: allStartedAt - startedAt,
          lastCreateAfterMs: Math.max(...creates) - startedAt,
          lastIssuedAfterMs: lastClosedAt - startedAt,
          lastIssuedBeyondSepayMs: lastClosedAt - startedAt - 2 * pendingMs,
          checksPerJob: { median: percentile(checks, 50), max: Math.max(...checks) },
        };
      } finally {
        clearInterval(progress);
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------

export interface JobLag {
  kind: TimedJob['kind'];
  pendingMs: number;
  checks: number;
  /** From SePay finishing the job to the check that saw it. */
  seenAfterMs: number;
  /** From SePay finishing the job to the run's next request at SePay (issue, detail), or its close. */
  movedOnAfterMs: number;
}

export interface JobLagResult {
  invoices: number;
  seed: number;
  jobs: JobLag[];
  movedOnP95Ms: number;
  seenP95Ms: number;
  checksPerJob: { median: number; p95: number; max: number };
}

/**
 * One invoice at a time; each job takes 1-5 s (uniform, seeded). The run "moves on" from a job when
 * its next request reaches SePay (issue after the create job, detail after the issue job), or when
 * it closes if no request follows.
 */
export async function jobLag(
  env: BenchEnvironment,
  { invoices, seed, settings, log }: { invoices: number; seed: number; settings: WorkerSettings; log: Log },
): Promise<JobLagResult> {
  return withTimedSepay(env, async (sepay) => {
    const random = seededRandom(seed);
    sepay.setPending(() => 1_000 + Math.round(random() * 4_000));
    const runId = randomUUID().slice(0, 8);
    const taskQueue = `bench-lag-${runId}`;
    const start = () => env.startWorker({ kind: 'invoice', bundle: 'invoice', settings, taskQueue, sepayBaseUrl: sepay.baseUrl });
    return withWorker(env, start, async () => {
      const client = new InvoiceClient({ client: env.client, taskQueue });
      const closedAt = new Map<string, number>();
      log(`job lag: ${invoices} invoices one at a time, SePay jobs done after 1-5 s (seed ${seed})`);
      for (let index = 0; index < invoices; index++) {
        const { handle } = await client.issue(`bench-${runId}-lag-${index}`, sampleInvoice);
        const reference = issuedReference(await handle.result(), handle.workflowId);
        closedAt.set(reference, (await handle.describe()).closeTime?.getTime() ?? Date.now());
        log(`  job lag: ${index + 1}/${invoices}`);
      }
      const jobs = sepay.jobs().map((job): JobLag => {
        const seenAt = job.successAnsweredAtMs ?? Number.NaN;
        const next = sepay.requestsOf(job.referenceCode).find((request) => request.atMs >= seenAt);
        const movedOnAt = next?.atMs ?? closedAt.get(job.referenceCode) ?? Number.NaN;
        return {
          kind: job.kind,
          pendingMs: job.doneAtMs - job.acceptedAtMs,
          checks: job.checkTimesMs.length,
          seenAfterMs: seenAt - job.doneAtMs,
          movedOnAfterMs: movedOnAt - job.doneAtMs,
        };
      });
      const checks = jobs.map((job) => job.checks);
      return {
        invoices,
        seed,
        jobs,
        movedOnP95Ms: percentile(jobs.map((job) => job.movedOnAfterMs), 95),
        seenP95Ms: percentile(jobs.map((job) => job.seenAfterMs), 95),
        checksPerJob: { median: percentile(checks, 50), p95: percentile(checks, 95), max: Math.max(...checks) },
      };
    });
  });
}

// ---------------------------------------------------------------------------------------------

export interface KillTrial {
  seed: number;
  /** How long after the last wait's first check the worker was killed (B's start, then a seeded 0-5 s). */
  killDelayMs: number;
  /**
   * Per invoice: from the kill to the next check of its job reaching SePay, i.e. the start of the
   * attempt that took over (plus one request). The history cannot tell: it keeps only an
   * activity's last attempt, and the one that took over is usually followed by more.
   */
  resumeAfterKillMs: number[];
}

export interface KillResult {
  invoicesPerTrial: number;
  trials: KillTrial[];
  worstResumeMs: number;
}

/**
 * Per trial (one per seed): a few invoices wait at SePay (create jobs Pending) on worker A; worker B
 * starts (a survivor, as in the chaos cluster); A is SIGKILLed a seeded 0-5 s later. Measured until
 * each lost wait runs again; then SePay finishes the jobs and every invoice must be issued.
 */
export async function resumeAfterKill(
  env: BenchEnvironment,
  { seeds, invoices, settings, log }: { seeds: readonly number[]; invoices: number; settings: WorkerSettings; log: Log },
): Promise<KillResult> {
  const trials: KillTrial[] = [];
  for (const seed of seeds) {
    trials.push(await killTrial(env, { seed, invoices, settings, log }));
    const last = trials.at(-1)!;
    log(`  kill (seed ${seed}): resumed after ${last.resumeAfterKillMs.map((ms) => Math.round(ms)).join(', ')} ms`);
  }
  return {
    invoicesPerTrial: invoices,
    trials,
    worstResumeMs: Math.max(...trials.flatMap((trial) => trial.resumeAfterKillMs)),
  };
}

async function killTrial(env: BenchEnvironment, { seed, invoices, settings, log }: { seed: number; invoices: number; settings: WorkerSettings; log: Log }): Promise<KillTrial> {
  return withTimedSepay(env, async (sepay) => {
    // Longer than the trial: the jobs finish when the measurement is done.
    sepay.setPending(() => 10 * 60_000);
    const runId = randomUUID().slice(0, 8);
    const taskQueue = `bench-kill-${runId}`;
    const start = () => env.startWorker({ kind: 'invoice', bundle: 'invoice', settings, taskQueue, sepayBaseUrl: sepay.baseUrl });
    log(`kill (seed ${seed}): ${invoices} invoices waiting at SePay on worker A, a second worker B, then SIGKILL A`);
    const doomed = await start();
    try {
      const client = new InvoiceClient({ client: env.client, taskQueue });
      const handles: InvoiceWorkflowHandle[] = [];
      for (let index = 0; index < invoices; index++) handles.push((await client.issue(`bench-${runId}-kill-${index}`, sampleInvoice)).handle);
      const waiting = () => sepay.jobs().filter((job) => job.kind === 'create' && job.checkTimesMs.length > 0);
      await until('every invoice waiting at SePay', 60_000, () => waiting().length >= invoices);
      const lastWaitStarted = Math.max(...waiting().map((job) => job.checkTimesMs[0]!));
      const survivor = await start();
      return await withWorker(env, async () => survivor, async () => {
        // Anywhere in the heartbeat cycle (the SDK sends one at most every 0.8 × the heartbeat timeout).
        await sleep(Math.round(seededRandom(seed)() * 5_000));
        const killedAt = Date.now();
        const killDelayMs = killedAt - lastWaitStarted;
        await doomed.kill();
        // Checks after the process is gone, so none of the dead worker's own is counted.
        const goneAt = Date.now();
        const jobs = waiting();
        const nextCheck = (job: TimedJob) => job.checkTimesMs.find((at) => at > goneAt);
        await until('every lost wait checking SePay again', 120_000, () => jobs.every((job) => nextCheck(job) !== undefined));
        // SePay finishes these jobs now and every later one at once: the invoices end within seconds.
        sepay.setPending(() => 0);
        sepay.finishAll();
        for (const handle of handles) issuedReference(await handle.result(), handle.workflowId);
        return { seed, killDelayMs, resumeAfterKillMs: jobs.map((job) => nextCheck(job)! - killedAt) };
      });
    } finally {
      await doomed.stop();
    }
  });
}

// ---------------------------------------------------------------------------------------------

export interface PendingChecksResult {
  checks: number;
  polling: IssueInvoiceInput['options'] | 'production';
  run: RunResult;
}

/** Every create and issue job answers `Pending` to its first `checks` checks (the simulator's own job counting). */
export async function pendingChecksRun(
  env: BenchEnvironment,
  { checks, invoices, polling, label, settings, log }: { checks: number; invoices: number; polling?: IssueInvoiceInput['options']; label: string; settings: WorkerSettings; log: Log },
): Promise<PendingChecksResult> {
  log(`${label}: ${invoices} invoices, every SePay job Pending for ${checks} checks, ${polling ? JSON.stringify(polling) : 'production polling'}`);
  const run = await measureRun(env, {
    kind: 'invoice',
    label,
    settings,
    invoices,
    concurrency: invoices,
    invoiceOptions: polling,
    prepareSimulator: async (sim) => {
      await sim.setJobChecks(checks, null);
    },
    historySample: invoices,
    log,
  });
  return { checks, polling: polling ?? 'production', run };
}
