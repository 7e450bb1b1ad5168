/**
 * usageMonitorWorkflow: run by the `sepay-usage-monitor` Schedule every few minutes. Reads SePay's
 * remaining quota (which the activity exports as `sepay_quota_remaining`) and logs a warning when
 * it is below the threshold, so nobody first learns of an empty quota from failing invoices.
 */
import { log, proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import type { UsageActivities } from '../activities/usage-activities.js';
import { DEFAULT_QUOTA_WARNING_THRESHOLD, type UsageMonitorInput, type UsageMonitorResult } from './usage-monitor-input.js';

export type { UsageMonitorInput, UsageMonitorResult } from './usage-monitor-input.js';

// A reading is worth little once the next one is due: give up well inside the schedule's interval.
const usage = proxyActivities<UsageActivities>({
  summary: "Read SePay's remaining quota",
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '3 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

export async function usageMonitorWorkflow({ warningThreshold = DEFAULT_QUOTA_WARNING_THRESHOLD }: UsageMonitorInput = {}): Promise<UsageMonitorResult> {
  const { quotaRemaining } = await usage.readQuota();
  const belowThreshold = quotaRemaining < warningThreshold;
  setCurrentDetails(`- **Quota remaining:** ${quotaRemaining}\n- **Warning threshold:** ${warningThreshold}`);
  if (belowThreshold) log.warn('SePay quota below the warning threshold', { quotaRemaining, warningThreshold });
  return { quotaRemaining, belowThreshold };
}
