/** What the usage monitor is given and answers, apart from the workflow, so clients import no workflow code. */

export interface UsageMonitorInput {
  /** Warn below this many issuances left. Default 50 (`SEPAY_QUOTA_WARNING_THRESHOLD` when applied by the CLI). */
  warningThreshold?: number;
}

export interface UsageMonitorResult {
  quotaRemaining: number;
  belowThreshold: boolean;
}

export const DEFAULT_QUOTA_WARNING_THRESHOLD = 50;
