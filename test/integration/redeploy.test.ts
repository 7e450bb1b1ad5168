/**
 * A redeploy with a workflow change, as an operator does it: invoices start on worker build A (the
 * real workflow code) and wait for approval; build A stops; build B, whose workflow adds a step
 * guarded by `patched()` (test/redeploy/), takes over. The waiting runs finish on build B along
 * build A's path, new runs take the new one, and the same change without the guard is refused by
 * replay before it could be deployed.
 *
 * Each build is a separate `worker/main.ts` process loading its own prebuilt bundle through
 * WORKFLOW_BUNDLE_PATH, on the suite's dev server and a simulator over HTTP.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/server.js';
import { WORKFLOWS_PATH } from '../../worker/create-worker.js';
import type { issueInvoiceWorkflow } from '../../workflows/index.js';
import type { IssueInvoiceInput } from '../../contract/input.js';
import { approveIssuanceSignal } from '../../contract/messages.js';
import { workflowIdFor } from '../../contract/reference-code.js';
import { PREFLIGHT_PATCH_ID } from '../redeploy/preflight-change.js';
import { saveHistory } from '../support/histories.js';
import { fastPolling, sampleInvoice, uniqueKey } from '../support/invoice-test-env.js';
import { waitForStage } from '../support/workflow-assertions.js';
import { startWorkerProcess, suiteWorkerEnv, type WorkerProcess } from '../support/worker-process.js';

type InvoiceRun = WorkflowHandle<typeof issueInvoiceWorkflow>;

const BUILDS = {
  a: WORKFLOWS_PATH,
  b: fileURLToPath(new URL('../redeploy/build-b-workflows.ts', import.meta.url)),
  bUnguarded: fileURLToPath(new URL('../redeploy/build-b-unguarded-workflows.ts', import.meta.url)),
};
/** Runs that wait on build A, one per mode; saved for the replay test as `redeploy-<label>`. */
const WAITING_RUNS = [
  { label: 'waiting-approval-draft', options: { approval: 'manual' } },
  { label: 'waiting-approval-direct', options: { approval: 'manual', mode: 'direct' } },
] as const satisfies readonly { label: string; options: IssueInvoiceInput['options'] }[];
const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

describe('redeploying a patched workflow change while invoices wait', () => {
  const taskQueue = `redeploy-${uniqueKey('queue')}`;
  const bundleDir = mkdtempSync(join(tmpdir(), 'sepay-redeploy-'));
  const workers: WorkerProcess[] = [];
  const bundles = {} as Record<keyof typeof BUILDS, WorkflowBundleWithSourceMap>;
  let simulator: RunningSimulator;
  let connection: Connection;
  let client: Client;
  // Filled by the first test, replayed by the second.
  const oldHistories: History[] = [];
  const newHistories: History[] = [];

  beforeAll(async () => {
    for (const [build, workflowsPath] of Object.entries(BUILDS) as [keyof typeof BUILDS, string][]) {
      bundles[build] = await bundleWorkflowCode({ workflowsPath, logger: silent });
    }
    simulator = await startSimulator({ port: 0 });
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection, namespace: inject('temporalNamespace') });
  });

  afterAll(async () => {
    await Promise.allSettled(workers.map((worker) => worker.stop()));
    await Promise.allSettled([connection?.close(), simulator?.close()]);
    rmSync(bundleDir, { recursive: true, force: true });
  });

  /** `npm run worker` of one build: its own process, its own prebuilt bundle. */
  async function deploy(build: 'a' | 'b'): Promise<WorkerProcess> {
    const bundlePath = join(bundleDir, `build-${build}.js`);
    writeFileSync(bundlePath, bundles[build].code);
    const worker = await startWorkerProcess({
      ...suiteWorkerEnv(taskQueue, simulator.baseUrl),
      WORKFLOW_BUNDLE_PATH: bundlePath,
    });
    workers.push(worker);
    return worker;
  }

  function startInvoice(label: string, options: IssueInvoiceInput['options'] = {}): Promise<InvoiceRun> {
    const invoiceKey = uniqueKey(`redeploy-${label}`);
    return client.workflow.start<typeof issueInvoiceWorkflow>('issueInvoiceWorkflow', {
      taskQueue,
      workflowId: workflowIdFor(invoiceKey),
      args: [{ invoiceKey, invoice: sampleInvoice, options: { ...fastPolling, ...options } }],
    });
  }

  /** Runs open on this task queue, filtered by visibility as docs/replay.md tells operators to. */
  async function openRuns(filter: string): Promise<number> {
    return (await client.workflow.count(`TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running' AND ${filter}`)).count;
  }
  const onPatchedBranch = `TemporalChangeVersion = '${PREFLIGHT_PATCH_ID}'`;
  /** What blocks retiring the patch: open runs that have not recorded its marker. */
  const onOldBranch = `(TemporalChangeVersion IS NULL OR TemporalChangeVersion != '${PREFLIGHT_PATCH_ID}')`;

  it('finishes the runs waiting on build A on build B, and starts new runs on the patched branch', async () => {
    const workerA = await deploy('a');
    const waiting = await Promise.all(WAITING_RUNS.map(({ label, options }) => startInvoice(label, options)));
    for (const run of waiting) await waitForStage(run, 'awaiting-approval');
    expect(await workerA.stop(), workerA.output()).toEqual({ code: 0, signal: null });

    // Build B has no cached state for the waiting runs: the approvals below make it replay them
    // from their first event, where `patched()` finds no marker, answers false and keeps build A's
    // commands; its new runs pass `patched()` live, record the marker and run the preflight.
    await deploy('b');
    const [freshWaiting, freshDirect] = await Promise.all([
      startInvoice('new-approval', { approval: 'manual' }),
      startInvoice('new-direct', { mode: 'direct' }),
    ]);
    // Watched through visibility, not the status query: a query that arrives during the preflight
    // finds no handler yet (the real workflow registers them after it).
    await expect.poll(() => openRuns(`InvoiceStage = 'awaiting-approval' AND ${onPatchedBranch}`), { timeout: 20_000 }).toBe(1);
    // Three runs wait now; the retirement query counts the two of build A, not the new one.
    expect(await openRuns(onOldBranch)).toBe(waiting.length);

    for (const run of [...waiting, freshWaiting]) await run.signal(approveIssuanceSignal, { approvedBy: 'redeploy-test' });
    for (const run of [...waiting, freshWaiting, freshDirect]) {
      expect(await run.result()).toMatchObject({ outcome: 'issued', invoice: { status: 'issued' } });
    }
    await expect.poll(() => openRuns(onOldBranch), { timeout: 10_000 }).toBe(0);

    for (const [index, run] of waiting.entries()) {
      const history = await run.fetchHistory();
      // Build B followed build A's path: no marker, no preflight credentials check.
      expect(patchMarkers(history)).not.toContain(PREFLIGHT_PATCH_ID);
      expect(scheduledActivities(history, 'verifyCredentials')).toBe(0);
      oldHistories.push(history);
      await saveHistory(run, `redeploy-${WAITING_RUNS[index]!.label}`);
    }
    for (const run of [freshWaiting, freshDirect]) {
      const history = await run.fetchHistory();
      // The marker records that this run took the new branch, and it did: the preflight check ran.
      expect(patchMarkers(history)).toContain(PREFLIGHT_PATCH_ID);
      expect(scheduledActivities(history, 'verifyCredentials')).toBe(1);
      newHistories.push(history);
    }
  });

  it('replays every run on the patched build B, and refuses the unguarded change for the runs of build A', async () => {
    expect(oldHistories).toHaveLength(WAITING_RUNS.length);
    for (const history of [...oldHistories, ...newHistories]) {
      await Worker.runReplayHistory({ workflowBundle: bundles.b, replayName: 'build B' }, history);
    }
    for (const history of oldHistories) {
      const replay = Worker.runReplayHistory({ workflowBundle: bundles.bUnguarded, replayName: 'build B without patched()' }, history);
      await expect(replay).rejects.toBeInstanceOf(DeterminismViolationError);
    }
  });
});

/** The patch ids recorded in a history, in order (the marker's name and layout are sdk-core's). */
function patchMarkers(history: History): string[] {
  return (history.events ?? []).flatMap(({ markerRecordedEventAttributes: marker }) => {
    if (marker?.markerName !== 'core_patch') return [];
    const [data] = marker.details?.['patch-data']?.payloads ?? [];
    return data ? [defaultPayloadConverter.fromPayload<{ id: string }>(data).id] : ['(unreadable patch marker)'];
  });
}

function scheduledActivities(history: History, activityType: string): number {
  return (history.events ?? []).filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === activityType).length;
}
