/**
 * The change build B deploys: a preflight that checks the SePay credentials before the invoice
 * workflow starts its own steps. It stands for any change that alters the command sequence (a new
 * activity here; a timer, a removed or reordered step would do the same to a waiting run).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { InvoiceActivities } from '../../activities/index.js';

/** The patch id: recorded as a marker in the history of every run that took the new branch. */
export const PREFLIGHT_PATCH_ID = 'preflight-credentials-check';

const { verifyCredentials } = proxyActivities<InvoiceActivities>({
  summary: 'Preflight: check the SePay credentials',
  startToCloseTimeout: '30 seconds',
});

export async function preflight(): Promise<void> {
  await verifyCredentials();
}
