/**
 * The two Temporal Schedules that watch SePay's side: usage every few minutes, reconciliation
 * daily. `applySchedules` creates them, or updates them when they exist, so running it again (the
 * demo, a deploy, `sepay-invoice schedules apply`) converges on the settings given and keeps an
 * operator's pause.
 */
import { ScheduleAlreadyRunning, type Client, type ScheduleOptions } from '@temporalio/client';
import { type Duration } from '@temporalio/common';
import { z } from 'zod';
import { DurationSchema } from '../contract/input.js';
import { DEFAULT_DRAFT_AGE_THRESHOLD_HOURS } from '../workflows/reconciliation-input.js';
import { SCHEDULE_IDS } from '../contract/schedule-ids.js';
import { DEFAULT_TASK_QUEUE } from '../contract/task-queue.js';
import { DEFAULT_QUOTA_WARNING_THRESHOLD } from '../workflows/usage-monitor-input.js';
import { type reconciliationWorkflow, type usageMonitorWorkflow } from '../workflows/index.js';

export { SCHEDULE_IDS } from '../contract/schedule-ids.js';

export interface ScheduleSettings {
  /** The invoice workers' task queue: they run the monitoring workflows too. */
  taskQueue: string;
  usageEvery: Duration;
  reconcileEvery: Duration;
  quotaWarningThreshold: number;
  draftAgeThresholdHours: number;
}

export interface AppliedSchedule {
  scheduleId: string;
  workflowType: string;
  every: Duration;
  outcome: 'created' | 'updated';
}

const SettingsEnvSchema = z.object({
  SEPAY_TASK_QUEUE: z.string().trim().min(1).default(DEFAULT_TASK_QUEUE),
  SEPAY_USAGE_MONITOR_INTERVAL: DurationSchema.default('5 minutes'),
  SEPAY_RECONCILIATION_INTERVAL: DurationSchema.default('1 day'),
  SEPAY_QUOTA_WARNING_THRESHOLD: z.coerce.number().int().nonnegative().default(DEFAULT_QUOTA_WARNING_THRESHOLD),
  SEPAY_DRAFT_AGE_THRESHOLD_HOURS: z.coerce.number().positive().default(DEFAULT_DRAFT_AGE_THRESHOLD_HOURS),
});

export class ScheduleSettingsError extends Error {
  override readonly name = 'ScheduleSettingsError';
  constructor(readonly problems: string[]) {
    super(`Invalid schedule settings: ${problems.join('; ')}`);
  }
}

/** The settings from the environment (empty counts as unset); throws naming every bad variable. */
export function scheduleSettingsFromEnv(env: Record<string, string | undefined> = process.env): ScheduleSettings {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = SettingsEnvSchema.safeParse(present);
  if (!parsed.success) throw new ScheduleSettingsError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  const e = parsed.data;
  return {
    taskQueue: e.SEPAY_TASK_QUEUE,
    usageEvery: e.SEPAY_USAGE_MONITOR_INTERVAL as Duration,
    reconcileEvery: e.SEPAY_RECONCILIATION_INTERVAL as Duration,
    quotaWarningThreshold: e.SEPAY_QUOTA_WARNING_THRESHOLD,
    draftAgeThresholdHours: e.SEPAY_DRAFT_AGE_THRESHOLD_HOURS,
  };
}

export function scheduleOptions(settings: ScheduleSettings): ScheduleOptions[] {
  const usageMonitor: ScheduleOptions = {
    scheduleId: SCHEDULE_IDS.usageMonitor,
    spec: { intervals: [{ every: settings.usageEvery }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'usageMonitorWorkflow',
      workflowId: SCHEDULE_IDS.usageMonitor,
      taskQueue: settings.taskQueue,
      args: [{ warningThreshold: settings.quotaWarningThreshold }] satisfies Parameters<typeof usageMonitorWorkflow>,
      staticSummary: `SePay quota check (warns below ${settings.quotaWarningThreshold})`,
    },
    // A missed reading is replaced by the next one, not made up after an outage.
    policies: { overlap: 'SKIP', catchupWindow: '1 minute' },
  };
  const reconciliation: ScheduleOptions = {
    scheduleId: SCHEDULE_IDS.reconciliation,
    spec: { intervals: [{ every: settings.reconcileEvery }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'reconciliationWorkflow',
      workflowId: SCHEDULE_IDS.reconciliation,
      taskQueue: settings.taskQueue,
      // A scheduled run reports; deleting drafts is an operator's decision (`reconcile --delete-orphan-drafts --no-dry-run`).
      args: [{ draftAgeThresholdHours: settings.draftAgeThresholdHours, deleteOrphanDrafts: false, dryRun: true }] satisfies Parameters<typeof reconciliationWorkflow>,
      staticSummary: 'SePay invoices reconciled with their runs (report only)',
    },
    policies: { overlap: 'SKIP', catchupWindow: '1 hour' },
  };
  return [usageMonitor, reconciliation];
}

/** Creates both schedules, or updates those that exist (keeping their paused state and note). */
export async function applySchedules(client: Pick<Client, 'schedule'>, settings: ScheduleSettings): Promise<AppliedSchedule[]> {
  const applied: AppliedSchedule[] = [];
  for (const options of scheduleOptions(settings)) {
    const described = { scheduleId: options.scheduleId, workflowType: String(options.action.workflowType), every: everyOf(options) };
    try {
      await client.schedule.create(options);
      applied.push({ ...described, outcome: 'created' });
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      const { scheduleId: _id, ...update } = options;
      await client.schedule.getHandle(options.scheduleId).update((previous) => ({ ...update, state: previous.state }));
      applied.push({ ...described, outcome: 'updated' });
    }
  }
  return applied;
}

function everyOf(options: ScheduleOptions): Duration {
  const [interval] = options.spec.intervals ?? [];
  if (!interval) throw new Error(`schedule ${options.scheduleId} has no interval`);
  return interval.every;
}
