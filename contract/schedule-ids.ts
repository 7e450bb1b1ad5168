/**
 * The ids of the monitoring Schedules, which are also the workflow ids their actions name: the
 * client creates the Schedules under them, and the payload codec binds the scheduled input to
 * them as a family (each run's id is the schedule's plus `-<start time>`, docs/encryption.md).
 */
export const SCHEDULE_IDS = { usageMonitor: 'sepay-usage-monitor', reconciliation: 'sepay-reconciliation' } as const;

export const SCHEDULED_WORKFLOW_IDS: readonly string[] = Object.values(SCHEDULE_IDS);
