/**
 * A deleting reconciliation against a real run chain and the simulator (issue #20): a request
 * older than 10 minutes when the run starts (what a past input replayed into a new run of the same
 * id looks like), or one without a request time, fails `InvalidReconciliationInput` before any
 * SePay call and deletes nothing; a fresh one deletes the orphan draft; a report-only run records
 * no patch marker (its commands are what they were).
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { type reconciliationWorkflow } from '../../workflows/index.js';
import type { ReconciliationInput } from '../../workflows/reconciliation-input.js';
import { formatVietnamDateTime } from '../../workflows/vietnam-time.js';
import { sampleInvoice, uniqueKey, useInvoiceTestEnv } from '../support/invoice-test-env.js';
import { waitForStage } from '../support/workflow-assertions.js';

const env = useInvoiceTestEnv();

async function start(input: ReconciliationInput) {
  return env.client.workflow.start<typeof reconciliationWorkflow>('reconciliationWorkflow', {
    taskQueue: env.taskQueue,
    workflowId: `reconciliation-request-time-${randomUUID()}`,
    args: [input],
  });
}

async function failureOf(input: ReconciliationInput): Promise<{ cause: unknown; activities: number }> {
  const handle = await start(input);
  const error = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const history = await handle.fetchHistory();
  const activities = (history.events ?? []).filter((event) => event.activityTaskScheduledEventAttributes).length;
  return { cause: (error as WorkflowFailedError).cause, activities };
}

/** An orphan draft: dated three days ago, its run terminated while it waited for approval. */
async function orphanDraft(): Promise<string> {
  const issued_date = formatVietnamDateTime(new Date(Date.now() - 72 * 3_600_000));
  const handle = await env.start(uniqueKey('orphan'), { approval: 'manual' }, { ...sampleInvoice, issued_date });
  await waitForStage(handle, 'awaiting-approval');
  await handle.terminate('planted orphan draft');
  return handle.workflowId.slice('invoice-'.length);
}

const statusAtSepay = async (code: string) => (await env.sim.invoices()).invoices.find((i) => i.reference_code === code)?.status;
const deleting = { deleteOrphanDrafts: true, dryRun: false } as const;

describe('a deleting reconciliation and its request time', () => {
  it('refuses a request older than 10 minutes at start, typed and non-retryable, before any SePay call; nothing deleted', async () => {
    const code = await orphanDraft();
    const { cause, activities } = await failureOf({ ...deleting, requestedAt: new Date(Date.now() - 11 * 60_000).toISOString() });
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ type: 'InvalidReconciliationInput', nonRetryable: true, message: expect.stringMatching(/started 11 min later .* refused, nothing deleted/) as unknown });
    expect(activities).toBe(0);
    expect(await statusAtSepay(code)).toBe('draft');
  });

  it('refuses a deleting input without a request time', async () => {
    const { cause, activities } = await failureOf(deleting);
    expect(cause).toMatchObject({ type: 'InvalidReconciliationInput', message: expect.stringContaining('must carry the time it was requested') as unknown });
    expect(activities).toBe(0);
  });

  it('deletes with a fresh request, which the report carries', async () => {
    const code = await orphanDraft();
    const requestedAt = new Date().toISOString();
    const result = await (await start({ ...deleting, requestedAt })).result();
    expect(result).toMatchObject({ requestedAt, deletedDrafts: 1 });
    expect(await statusAtSepay(code)).toBe('deleted');
  });

  it('leaves a report-only run as it was: no patch marker, however old its input', async () => {
    const handle = await start({ deleteOrphanDrafts: true, requestedAt: '2020-01-01T00:00:00Z' });
    await handle.result();
    const markers = ((await handle.fetchHistory()).events ?? []).filter((event) => event.markerRecordedEventAttributes);
    expect(markers).toEqual([]);
  });
});
