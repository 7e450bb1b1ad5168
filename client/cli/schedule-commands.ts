/**
 * The monitoring commands: `schedules apply` creates or updates the usage and reconciliation
 * Schedules, `reconcile` runs a reconciliation now and prints its report (docs/monitoring.md).
 */
import { randomUUID } from 'node:crypto';
import { type reconciliationWorkflow } from '../../workflows/index.js';
import { reconciliationSettings, type ReconciliationInput } from '../../workflows/reconciliation-input.js';
import { reconciliationText } from '../reconciliation-report.js';
import { applySchedules, ScheduleSettingsError, scheduleSettingsFromEnv } from '../schedules.js';
import { optionalString, type Values } from './args.js';
import { type Command } from './command.js';
import { UsageError } from './usage-error.js';
import { DEFAULT_OUTCOME_WAIT_MS, boundText, waitBound, waitOnWorker, waitTimeoutOption } from './waiting.js';

const schedulesApply: Command = {
  usage: '',
  summary:
    'create or update the Schedules sepay-usage-monitor and sepay-reconciliation (SEPAY_USAGE_MONITOR_INTERVAL, SEPAY_RECONCILIATION_INTERVAL, SEPAY_QUOTA_WARNING_THRESHOLD, SEPAY_DRAFT_AGE_THRESHOLD_HOURS)',
  options: {},
  prepare() {
    const settings = settingsFromEnv();
    return async ({ temporal }) => {
      const { client } = await temporal();
      const applied = await applySchedules(client, settings);
      const text = applied.map((schedule) => `Schedule ${schedule.scheduleId} ${schedule.outcome}: ${schedule.workflowType} every ${String(schedule.every)}`);
      return { json: { schedules: applied }, text: text.join('\n') };
    };
  },
};

const reconcile: Command = {
  usage: '[--since YYYY-MM-DD] [--draft-age-hours N] [--delete-orphan-drafts --no-dry-run] [--wait-timeout 10m]',
  summary: `compare SePay's invoice list with the invoice runs now and wait for the report (a dry run unless --no-dry-run; gives up waiting after ${boundText({ ms: DEFAULT_OUTCOME_WAIT_MS })} unless --wait-timeout)`,
  options: {
    ...waitTimeoutOption,
    since: { type: 'string' },
    'draft-age-hours': { type: 'string' },
    'delete-orphan-drafts': { type: 'boolean' },
    'no-dry-run': { type: 'boolean' },
  },
  prepare(values) {
    const input = reconciliationInput(values);
    const bound = waitBound(values, DEFAULT_OUTCOME_WAIT_MS);
    return async ({ temporal, notice }) => {
      const invoices = await temporal();
      const { client, taskQueue } = invoices;
      const handle = await client.workflow.start<typeof reconciliationWorkflow>('reconciliationWorkflow', {
        taskQueue,
        workflowId: `sepay-reconciliation-cli-${randomUUID()}`,
        args: [input],
        staticSummary: `SePay invoices reconciled with their runs (on demand${input.dryRun === false ? '' : ', dry run'})`,
      });
      // Follows the run through its continue-as-new chain to the last one's result.
      const result = await waitOnWorker(invoices, notice, {
        what: `the report of reconciliation ${handle.workflowId}`,
        bound,
        needsPoller: false,
        afterTimeout: `the run goes on: \`temporal workflow result --workflow-id ${handle.workflowId}\` follows it`,
        operation: () => handle.result(),
      });
      return { json: { workflowId: handle.workflowId, ...result }, text: reconciliationText(result) };
    };
  },
};

function settingsFromEnv() {
  try {
    return scheduleSettingsFromEnv();
  } catch (error) {
    if (error instanceof ScheduleSettingsError) throw new UsageError(error.message);
    throw error;
  }
}

function reconciliationInput(values: Values): ReconciliationInput {
  const hours = optionalString(values, 'draft-age-hours');
  const input: ReconciliationInput = {
    since: optionalString(values, 'since'),
    draftAgeThresholdHours: hours === undefined ? undefined : Number(hours),
    deleteOrphanDrafts: values['delete-orphan-drafts'] === true,
    dryRun: values['no-dry-run'] !== true,
  };
  // A deleting run is refused when it starts long after this (workflows/reconciliation-input.ts):
  // its input, replayed later into a new run of the same id, deletes nothing.
  if (input.deleteOrphanDrafts === true && input.dryRun === false) input.requestedAt = new Date().toISOString();
  const checked = reconciliationSettings(input);
  if ('problems' in checked) {
    // The workflow's field names, as the flags that carry them.
    const flag: Record<string, string> = { since: '--since', draftAgeThresholdHours: '--draft-age-hours' };
    throw new UsageError(checked.problems.map((problem) => problem.replace(/^(\w+):/, (_, field: string) => `${flag[field] ?? field}:`)).join('; '));
  }
  return input;
}

/** `schedules apply` is one command of two words (client/cli/run.ts). */
export const scheduleCommands = { 'schedules apply': schedulesApply, reconcile } satisfies Record<string, Command>;
