/**
 * The floor Temporal sets for an invoice on this server and worker: a workflow that takes the same
 * input as `issueInvoiceWorkflow` and runs, one after the other, as many no-op local activities and
 * then activities as the invoice workflow runs in its common path (the bench counts them from a
 * real history and passes the numbers in). Bundled on its own, so the invoice worker's bundle is untouched.
 *
 * The cost breakdown adds the invoice workflow's extras back one at a time: a heartbeat in each
 * activity, and its search attribute and memo upserts.
 */
import { proxyActivities, proxyLocalActivities, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import type { IssueInvoiceInput } from '../contract/input.js';
import { InvoiceStage } from '../contract/search-attributes.js';
import type { BaselineActivities } from './baseline-activities.js';

export interface BaselineInput {
  /** The invoice workflow's input, carried so the start payload and history are the same size. */
  invoiceInput: IssueInvoiceInput;
  activityCount: number;
  /** Run first, in the first workflow task, as the invoice workflow runs validation and its first step. */
  localActivityCount?: number;
  heartbeat?: boolean;
  searchAttributeUpserts?: number;
  memoUpserts?: number;
}

// The invoice workflow's request timeout, so a lost task is retried on the same schedule.
const { noop, heartbeatingNoop } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '30 seconds' });
const local = proxyLocalActivities<BaselineActivities>({ startToCloseTimeout: '10 seconds' });

export async function baselineWorkflow(input: BaselineInput): Promise<{ activities: number }> {
  const { activityCount, localActivityCount = 0, heartbeat = false, searchAttributeUpserts = 0, memoUpserts = 0 } = input;
  // Spread over the workflow tasks as the invoice workflow spreads its stage changes: the surplus first.
  const upsertsPerTask = Math.floor(searchAttributeUpserts / (activityCount + 1));
  const upsert = (times: number) => {
    for (let i = 0; i < times; i++) upsertSearchAttributes([{ key: InvoiceStage, value: `step-${i}` }]);
  };
  upsert(searchAttributeUpserts - upsertsPerTask * activityCount);
  for (let i = 0; i < memoUpserts; i++) upsertMemo({ [`memo${i}`]: i });
  for (let i = 0; i < localActivityCount; i++) await local.noop();
  for (let i = 0; i < activityCount; i++) {
    await (heartbeat ? heartbeatingNoop() : noop());
    upsert(upsertsPerTask);
  }
  return { activities: activityCount };
}
