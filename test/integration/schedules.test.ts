/**
 * The monitoring Schedules on the suite's dev server: `applySchedules` creates both, a second call
 * updates them (keeping an operator's pause), and a triggered usage run reads the simulator's
 * quota, which the worker process (worker/main.ts with WORKER_METRICS_ADDRESS) then serves as
 * `sepay_quota_remaining`.
 */
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applySchedules, SCHEDULE_IDS, type ScheduleSettings } from '../../client/schedules.js';
import { SimulatorControl } from '../../simulator/control-client.js';
import { startSimulator, type RunningSimulator } from '../../simulator/server.js';
import { MetricName } from '../../worker/metrics.js';
import { type usageMonitorWorkflow } from '../../workflows/index.js';
import { uniqueKey } from '../support/invoice-test-env.js';
import { startMeteredWorker, type MeteredWorker } from '../support/metered-worker.js';

const QUOTA = 1_234;

/** The value of an unlabelled-by-us gauge in Prometheus's text format (the SDK adds its own labels). */
function gauge(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

describe('the monitoring schedules', () => {
  const taskQueue = `schedules-${uniqueKey('queue')}`;
  let simulator: RunningSimulator;
  let metered: MeteredWorker | undefined;
  let connection: Connection;
  let client: Client;
  let metricsUrl: string;

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
    await new SimulatorControl(simulator.baseUrl).setQuota(QUOTA);
    metered = await startMeteredWorker(taskQueue, simulator.baseUrl);
    metricsUrl = metered.metricsUrl;
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection, namespace: inject('temporalNamespace') });
  });

  afterAll(async () => {
    // The suite's server outlives this file: leave no schedule firing at a queue nobody polls.
    for (const id of Object.values(SCHEDULE_IDS)) await client?.schedule.getHandle(id).delete().catch(() => undefined);
    await Promise.allSettled([metered?.stop(), connection?.close(), simulator?.close()]);
  });

  const settings: ScheduleSettings = { taskQueue, usageEvery: '1 hour', reconcileEvery: '1 day', quotaWarningThreshold: 5_000, draftAgeThresholdHours: 24 };

  it('creates both schedules, then updates them in place, keeping a pause', async () => {
    expect((await applySchedules(client, settings)).map(({ scheduleId, outcome }) => ({ scheduleId, outcome }))).toEqual([
      { scheduleId: SCHEDULE_IDS.usageMonitor, outcome: 'created' },
      { scheduleId: SCHEDULE_IDS.reconciliation, outcome: 'created' },
    ]);
    const reconciliation = client.schedule.getHandle(SCHEDULE_IDS.reconciliation);
    await reconciliation.pause('paused by an operator');

    const again = await applySchedules(client, { ...settings, usageEvery: '30 minutes', draftAgeThresholdHours: 48 });
    expect(again.map(({ outcome }) => outcome)).toEqual(['updated', 'updated']);

    const usage = await client.schedule.getHandle(SCHEDULE_IDS.usageMonitor).describe();
    expect(usage.spec.intervals).toMatchObject([{ every: 30 * 60_000 }]);
    expect(usage.action).toMatchObject({ workflowType: 'usageMonitorWorkflow', taskQueue, args: [{ warningThreshold: 5_000 }] });
    expect(usage.policies.overlap).toBe('SKIP');
    const described = await reconciliation.describe();
    expect(described.action).toMatchObject({ workflowType: 'reconciliationWorkflow', args: [{ draftAgeThresholdHours: 48, deleteOrphanDrafts: false, dryRun: true }] });
    expect(described.state).toMatchObject({ paused: true, note: 'paused by an operator' });
  });

  it('runs the usage monitor when triggered, and the worker serves the quota it read', async () => {
    await applySchedules(client, settings);
    const schedule = client.schedule.getHandle(SCHEDULE_IDS.usageMonitor);
    await schedule.trigger();
    const lastStarted = async () => (await schedule.describe()).info.recentActions.at(-1)?.action.workflow;
    await expect.poll(lastStarted, { timeout: 20_000 }).toBeDefined();
    const started = await lastStarted();
    const run = client.workflow.getHandle<typeof usageMonitorWorkflow>(started?.workflowId ?? '', started?.firstExecutionRunId);
    expect(await run.result()).toEqual({ quotaRemaining: QUOTA, belowThreshold: true });

    await expect.poll(async () => gauge(await (await fetch(metricsUrl)).text(), MetricName.quotaRemaining), { timeout: 10_000 }).toBe(QUOTA);
  });
});
