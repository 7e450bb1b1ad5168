/**
 * Build B's workflow bundle entry: the real issueInvoiceWorkflow (build A) with the preflight
 * change, guarded by `patched()` the way a production change must be.
 *
 * The guard sits before the real workflow's first step, a point every run started on build A has
 * long passed when build B takes it over mid-wait. Build B then rebuilds such a run by replaying
 * its history from the first event: `patched()` finds no marker there and answers false, so build
 * B issues exactly build A's commands and the run carries on where it waited. A run that starts on
 * build B executes the same line for the first time: `patched()` answers true, records the marker
 * and takes the new branch, for good (its later replays find the marker).
 */
import { patched } from '@temporalio/workflow';
import type { IssueInvoiceInput } from '../../contract/input.js';
import { issueInvoiceWorkflow as issueInvoiceWorkflowBuildA } from '../../workflows/issue-invoice.js';
import type { IssueInvoiceResult } from '../../contract/messages.js';
import { preflight, PREFLIGHT_PATCH_ID } from './preflight-change.js';

export async function issueInvoiceWorkflow(input: IssueInvoiceInput): Promise<IssueInvoiceResult> {
  if (patched(PREFLIGHT_PATCH_ID)) await preflight();
  return issueInvoiceWorkflowBuildA(input);
}
