/**
 * The monitoring Schedules with payload encryption on (issue #20): the action's input is encoded
 * for the schedule's workflow id, the runs are named `<id>-<start time>`, and before the scope
 * every run stopped on its binding check (and, with overlap SKIP, blocked every later one). Both
 * schedules applied with keys, triggered, and their runs complete; the input Temporal stores is
 * ciphertext scoped to the schedule.
 */
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applySchedules, SCHEDULE_IDS, type ScheduleSettings } from '../../client/schedules.js';
import { ENCRYPTED_ENCODING } from '../../codec/aes-gcm-codec.js';
import { METADATA_SCOPE, METADATA_WORKFLOW_ID } from '../../codec/payload-binding.js';
import { keyEntry } from '../codec/keyring.js';
import { startInvoiceTestEnv, type InvoiceTestEnv } from '../support/invoice-test-env.js';

const QUOTA = 4_321;
const keys = { PAYLOAD_ENCRYPTION_KEYS: keyEntry('k-schedules') };
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

let env: InvoiceTestEnv;

beforeAll(async () => {
  env = await startInvoiceTestEnv({}, { workerEnv: keys });
  await env.sim.setQuota(QUOTA);
});

afterAll(async () => {
  // The suite's server outlives this file: leave no schedule firing at a queue nobody polls.
  for (const id of Object.values(SCHEDULE_IDS)) await env?.client.schedule.getHandle(id).delete().catch(() => undefined);
  await env?.close();
});

/** Triggers the schedule and returns the run it started. */
async function triggeredRun(scheduleId: string): Promise<{ workflowId: string; runId: string }> {
  const schedule = env.client.schedule.getHandle(scheduleId);
  await schedule.trigger();
  const lastStarted = async () => (await schedule.describe()).info.recentActions.at(-1)?.action.workflow;
  await expect.poll(lastStarted, { timeout: 20_000 }).toBeDefined();
  const started = (await lastStarted())!;
  return { workflowId: started.workflowId, runId: started.firstExecutionRunId };
}

/** The run's result, or a failure saying it did not finish (before the fix: stuck on its first workflow task). */
async function resultWithin(workflowId: string, runId: string, ms: number): Promise<unknown> {
  const handle = env.client.workflow.getHandle(workflowId, runId);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`run ${workflowId} did not complete within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([handle.result(), late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('the monitoring schedules under payload encryption', () => {
  const settings = (): ScheduleSettings => ({ taskQueue: env.taskQueue, usageEvery: '1 hour', reconcileEvery: '1 day', quotaWarningThreshold: 5_000, draftAgeThresholdHours: 24 });

  it('applies both schedules with keys, and the runs they start read their input and complete', async () => {
    await applySchedules(env.client, settings());

    const usage = await triggeredRun(SCHEDULE_IDS.usageMonitor);
    expect(usage.workflowId).toMatch(new RegExp(`^${SCHEDULE_IDS.usageMonitor}-\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$`));
    expect(await resultWithin(usage.workflowId, usage.runId, 30_000)).toEqual({ quotaRemaining: QUOTA, belowThreshold: true });

    const reconciliation = await triggeredRun(SCHEDULE_IDS.reconciliation);
    expect(await resultWithin(reconciliation.workflowId, reconciliation.runId, 60_000)).toMatchObject({ dryRun: true, deleteOrphanDrafts: false });
  });

  it('stores the scheduled input as ciphertext scoped to the schedule', async () => {
    const plain = new Client({ connection: env.client.connection, namespace: inject('temporalNamespace') });
    const usage = (await env.client.schedule.getHandle(SCHEDULE_IDS.usageMonitor).describe()).info.recentActions.at(-1)!.action.workflow;
    const history = await plain.workflow.getHandle(usage.workflowId, usage.firstExecutionRunId).fetchHistory();
    const [input] = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    expect(text(input?.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(input?.metadata?.[METADATA_SCOPE])).toBe('schedule');
    expect(text(input?.metadata?.[METADATA_WORKFLOW_ID])).toBe(SCHEDULE_IDS.usageMonitor);
    expect(text(input?.data)).not.toContain('warningThreshold');
  });
});
