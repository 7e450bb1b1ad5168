/**
 * The floor Temporal sets for an invoice on this server and worker: a workflow that takes the same
 * input as `issueInvoiceWorkflow` and runs, one after the other, as many no-op activities as the
 * invoice workflow runs in its common path (the bench counts them from a real history and passes
 * the number in). Bundled on its own, so the invoice worker's bundle is untouched.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { IssueInvoiceInput } from '../workflows/input.js';
import type { BaselineActivities } from './baseline-activities.js';

export interface BaselineInput {
  /** The invoice workflow's input, carried so the start payload and history are the same size. */
  invoiceInput: IssueInvoiceInput;
  activityCount: number;
}

// The invoice workflow's request timeout, so a lost task is retried on the same schedule.
const { noop } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '30 seconds' });

export async function baselineWorkflow({ activityCount }: BaselineInput): Promise<{ activities: number }> {
  for (let i = 0; i < activityCount; i++) await noop();
  return { activities: activityCount };
}
