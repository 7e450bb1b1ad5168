/**
 * Durability, shown the way an operator meets it: every part in its own process, killed without
 * warning while invoices wait on slow SePay jobs and injected faults. At the end every invoice must
 * have its expected outcome, SePay must hold exactly one invoice per business key, every extra
 * create must be explained by a retried attempt, and no cancelled invoice may be issued.
 *
 * The run is drawn from a seed (printed first); CHAOS_SEED=<seed> replays it, CHAOS_INVOICES=<n>
 * sizes it.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvoiceClient } from '../../client/invoice-client.js';
import { seededRandom } from '../../simulator/prng.js';
import { saveHistory } from '../support/histories.js';
import { sampleInvoice } from '../support/invoice-test-env.js';
import { ChaosCluster, type RunningWorker } from './cluster.js';
import { historyFacts } from './history-facts.js';
import { injectFaults, keyInvariants, optionsFor, type InvoiceRun } from './invariants.js';
import { throughOutages } from './outage-retry.js';
import { chaosPlan, type ChaosEvent, type PlannedInvoice } from './plan.js';

const seed = Number(process.env.CHAOS_SEED ?? randomInt(1, 2 ** 31 - 1));
const invoiceCount = Number(process.env.CHAOS_INVOICES ?? 60);
/** SePay answers Pending this many times per job, checked every 300 ms: each wait takes seconds. */
const JOB_CHECKS = 8;

/** An activity attempt a worker was running, read from the run's pending activities. */
interface HeldActivity {
  key: string;
  activityId: string;
  attempt: number;
  /**
   * The attempt has heartbeated since it started: the worker is running it. Otherwise the task
   * may still be in the poll response on its way to the worker, where a stopping worker can lose
   * it (sdk-rust#1080) and Temporal retries it after its timeout.
   */
  running: boolean;
}

interface Disruption {
  kind: ChaosEvent['kind'];
  atMs: number;
  identity?: string;
  /** What the stopped worker was running when the signal came. */
  held?: HeldActivity[];
  /** The stopped worker's last output lines, for failure reports. */
  output?: string;
}

/** `PENDING_ACTIVITY_STATE_STARTED`: a worker holds the attempt. */
const ACTIVITY_STARTED = 2;

/** What `npm run worker` prints after a graceful shutdown (npm itself does not pass on the exit code). */
const CLEAN_STOP = /^worker stopped/;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

describe('durability under chaos', () => {
  let cluster: ChaosCluster;
  let connection: Connection;
  let invoices: InvoiceClient;

  beforeAll(async () => {
    cluster = await ChaosCluster.start({ taskQueue: `chaos-${randomUUID()}`, jobChecks: JOB_CHECKS, workerShutdownGrace: '20s' });
    await Promise.all([cluster.startWorker(), cluster.startWorker()]);
    connection = await Connection.connect({ address: cluster.temporalAddress });
    invoices = new InvoiceClient({ client: new Client({ connection, namespace: cluster.server.namespace }), taskQueue: cluster.options.taskQueue });
  });

  afterAll(async () => {
    await connection?.close();
    await cluster?.stop();
  });

  it(`issues ${invoiceCount} invoices while workers, the Temporal server and SePay are killed and restarted`, async () => {
    console.log(`chaos seed ${seed} (replay with CHAOS_SEED=${seed})`);
    const plan = chaosPlan(seed, invoiceCount);
    await injectFaults(cluster.sim, seed);
    const startedAt = Date.now();
    const at = (ms: number) => sleep(startedAt + ms - Date.now());
    const disruptions: Disruption[] = [];
    const drainProblems: string[] = [];
    const pickWorker = seededRandom(seed ^ 0x5eed);

    const started: string[] = [];
    const runInvoice = async (planned: PlannedInvoice): Promise<InvoiceRun> => {
      await at(planned.startAtMs);
      await throughOutages(() => invoices.issue(planned.key, sampleInvoice, optionsFor(planned)));
      started.push(planned.key);
      if (planned.actAtMs !== undefined) {
        await at(planned.actAtMs);
        await throughOutages(() => act(planned)).catch((error: unknown) => {
          // A race cancel may find the run already finished: too late, which is an outcome too.
          if (!(planned.kind === 'cancel-race' && error instanceof WorkflowNotFoundError)) throw error;
        });
      }
      try {
        return { plan: planned, result: await throughOutages(() => invoices.result(planned.key)) };
      } catch (failure) {
        if (!(failure instanceof WorkflowFailedError)) throw failure;
        return { plan: planned, failure };
      }
    };

    const act = (planned: PlannedInvoice) =>
      planned.kind === 'approve' ? invoices.approve(planned.key, 'chaos-operator') : invoices.cancel(planned.key, 'cancelled by the chaos plan');

    const disrupt = async (event: ChaosEvent): Promise<void> => {
      await at(event.atMs);
      switch (event.kind) {
        case 'kill-worker': {
          const worker = randomWorker();
          const held = (await activitiesHeld()).get(worker.identity) ?? [];
          disruptions.push({ kind: event.kind, atMs: Date.now(), identity: worker.identity, held });
          await cluster.stopWorker(worker, 'SIGKILL');
          await sleep(event.downMs);
          await cluster.startWorker();
          break;
        }
        case 'kill-server':
          disruptions.push({ kind: event.kind, atMs: Date.now() });
          await cluster.killServer();
          await sleep(event.downMs);
          await cluster.startServer();
          break;
        case 'restart-simulator': {
          const faults = await cluster.sim.faults();
          const invoicesBefore = (await cluster.sim.invoices()).invoices.length;
          disruptions.push({ kind: event.kind, atMs: Date.now() });
          await cluster.stopSimulator();
          await sleep(event.downMs);
          await cluster.startSimulator();
          expect((await cluster.sim.invoices()).invoices.length, 'invoices kept across the restart').toBeGreaterThanOrEqual(invoicesBefore);
          // Fault rules are the test's, not SePay's state: put back what had not fired yet.
          for (const { id: _id, fired, times, ...rule } of faults) {
            if (times === undefined || fired < times) await cluster.sim.addFault({ ...rule, times: times && times - fired });
          }
          break;
        }
        case 'drain-worker': {
          // Slow SePay down, then pick a worker that holds a started activity when SIGTERM arrives.
          await cluster.sim.addFault({ endpoint: '*', kind: 'latency', latencyMs: 2_000, times: 40 });
          const { worker, held } = await busyWorker();
          const drain: Disruption = { kind: event.kind, atMs: Date.now(), identity: worker.identity, held };
          disruptions.push(drain);
          await cluster.stopWorker(worker, 'SIGTERM');
          drain.output = worker.process.tail(150);
          if (!worker.process.printed(CLEAN_STOP)) drainProblems.push(`${worker.identity} did not stop cleanly:\n${worker.process.tail()}`);
          await sleep(event.downMs);
          await cluster.startWorker();
          break;
        }
      }
    };

    const randomWorker = (): RunningWorker => cluster.workers[Math.floor(pickWorker() * cluster.workers.length)]!;

    /** Started activity attempts by worker identity, read as an operator would: from describe. */
    const activitiesHeld = async (): Promise<Map<string, HeldActivity[]>> => {
      const held = new Map<string, HeldActivity[]>();
      const descriptions = await Promise.all(started.map(async (key) => ({ key, description: await invoices.handle(key).describe() })));
      for (const { key, description } of descriptions) {
        for (const activity of description.raw.pendingActivities ?? []) {
          if (activity.state !== ACTIVITY_STARTED || !activity.lastWorkerIdentity || !activity.activityId) continue;
          const list = held.get(activity.lastWorkerIdentity) ?? [];
          const startedAtMs = optionalTsToMs(activity.lastStartedTime) ?? 0;
          const running = (optionalTsToMs(activity.lastHeartbeatTime) ?? 0) >= startedAtMs;
          list.push({ key, activityId: activity.activityId, attempt: activity.attempt ?? 1, running });
          held.set(activity.lastWorkerIdentity, list);
        }
      }
      return held;
    };

    const busyWorker = async (): Promise<{ worker: RunningWorker; held: HeldActivity[] }> => {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const held = await activitiesHeld();
        const worker = cluster.workers.find((w) => held.get(w.identity)?.some((activity) => activity.running));
        if (worker) return { worker, held: held.get(worker.identity)!.filter((activity) => activity.running) };
        await sleep(100);
      }
      throw new Error('no worker was running an activity for 20 s: nothing to drain');
    };

    const chaos = (async () => {
      for (const event of plan.events) await disrupt(event);
    })();
    // A disruption that goes wrong (a part that does not come back) fails the run at once.
    const [runs] = await Promise.all([Promise.all(plan.invoices.map(runInvoice)), chaos]);
    const durationMs = Date.now() - startedAt;

    // ---- what happened, read from Temporal and from SePay --------------------------------------
    for (const run of runs) {
      const handle = invoices.handle(run.plan.key);
      const history = await handle.fetchHistory();
      run.facts = historyFacts(history.events ?? []);
      expect((await handle.describe()).status.name, run.plan.key).toBe('COMPLETED');
    }
    const { problems, duplicates, cancelledButIssued, extraCreates, createRetries } = keyInvariants(runs, (await cluster.sim.invoices()).invoices);

    const drains = disruptions.filter((d) => d.kind === 'drain-worker');
    const runOf = (key: string) => runs.find((run) => run.plan.key === key)!;
    const activityOf = ({ key, activityId }: HeldActivity) => runOf(key).facts!.activities.find((a) => a.activityId === activityId);
    // A drained worker ends every attempt it holds itself: completed, or failed normally (a wait
    // still pending after its fast phase) and retried elsewhere, never abandoned to a timeout.
    const drained = drains.flatMap((drain) =>
      drain.held!.flatMap((held) => {
        const activity = activityOf(held);
        return activity ? [{ held, identity: drain.identity, activity }] : [];
      }),
    );
    const completedByDrainedWorker = drained.filter(({ held, identity, activity }) => activity.attempts === held.attempt && activity.completedBy === identity);
    // Only the last attempt's failure is in the history: the attempt right after the held one tells.
    const retriedNext = drained.filter(({ held, activity }) => activity.attempts === held.attempt + 1);
    const abandonedByDrainedWorker = retriedNext.filter(({ activity }) => activity.resumedAfterTimeout);
    const endedByDrainedWorker = completedByDrainedWorker.length + retriedNext.length - abandonedByDrainedWorker.length;
    const workerKills = disruptions.filter((d) => d.kind === 'kill-worker');
    // From the kill to the start of the attempt that finished what the dead worker held.
    const resumeAfterKillMs = workerKills.flatMap((kill) =>
      kill.held!.flatMap((held) => {
        // No start recorded: the run stopped waiting for it (a cancelled wait is abandoned).
        const activity = activityOf(held);
        return activity && activity.attempts > held.attempt ? [activity.startedAtMs - kill.atMs] : [];
      }),
    );
    const summary = {
      seed,
      invoices: runs.length,
      issued: runs.filter((run) => run.result?.outcome === 'issued').length,
      cancelled: runs.filter((run) => run.result?.outcome === 'cancelled').length,
      workerKills: workerKills.length,
      activitiesLostWithKilledWorkers: resumeAfterKillMs.length,
      maxResumeAfterWorkerKillMs: Math.max(0, ...resumeAfterKillMs),
      serverKills: disruptions.filter((d) => d.kind === 'kill-server').length,
      simulatorRestarts: disruptions.filter((d) => d.kind === 'restart-simulator').length,
      gracefulWorkerStops: drains.length,
      activitiesHeldAtDrain: drained.length,
      completedByDrainedWorker: completedByDrainedWorker.length,
      endedByDrainedWorker,
      abandonedByDrainedWorker: abandonedByDrainedWorker.length,
      duplicates,
      lost: problems.length,
      cancelledButIssued,
      extraCreates,
      createRetries,
      maxHistoryEvents: Math.max(...runs.map((run) => run.facts!.eventCount)),
      durationMs,
    };
    console.log(`chaos summary ${JSON.stringify(summary)}`);
    await saveRepresentativeHistories(invoices, runs);

    expect(problems).toEqual([]);
    expect(duplicates).toBe(0);
    expect(cancelledButIssued).toBe(0);
    expect(drainProblems).toEqual([]);
    if (abandonedByDrainedWorker.length > 0) console.log(drains.map((drain) => drain.output).join('\n'));
    expect(abandonedByDrainedWorker, 'activities a worker stopped with SIGTERM left to time out').toEqual([]);
    expect(endedByDrainedWorker, 'activities seen ended by a worker stopped with SIGTERM').toBeGreaterThan(0);
  });
});

/** With CAPTURE_HISTORIES=1: runs that went through a kill, for the replay test. */
async function saveRepresentativeHistories(invoices: InvoiceClient, runs: InvoiceRun[]): Promise<void> {
  const pick = (name: string, predicate: (run: InvoiceRun) => boolean) => {
    const run = runs.find(predicate);
    return run ? saveHistory(invoices.handle(run.plan.key), name) : undefined;
  };
  const resumed = (run: InvoiceRun) => run.facts!.activities.some((activity) => activity.resumedAfterTimeout);
  await pick('chaos-issued-after-lost-attempt', (run) => run.result?.outcome === 'issued' && resumed(run));
  await pick('chaos-cancelled-while-awaiting-approval', (run) => run.plan.kind === 'cancel-waiting' && run.result?.outcome === 'cancelled');
  await pick('chaos-direct-issued', (run) => run.plan.kind === 'direct' && run.result?.outcome === 'issued');
}
