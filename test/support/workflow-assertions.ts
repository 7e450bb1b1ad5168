import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'vitest';
import { getInvoiceStatusQuery, type InvoiceStage } from '../../contract/messages.js';

/** Polls the status query until the workflow reaches `stage` (10 s at most). */
export async function waitForStage(handle: WorkflowHandle, stage: InvoiceStage): Promise<void> {
  let last: string | undefined;
  for (let i = 0; i < 200; i++) {
    last = (await handle.query(getInvoiceStatusQuery)).stage;
    if (last === stage) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`workflow never reached stage ${stage} (last seen: ${last})`);
}

/** The typed failure a workflow ended with, as the client receives it. */
export async function failureOf(result: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await result.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

/** The activity types a run scheduled, in order (local activities leave markers, not these events). */
export async function scheduledActivities(handle: WorkflowHandle): Promise<string[]> {
  return ((await handle.fetchHistory()).events ?? []).flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
}
