/**
 * Issue #18's findings, each replayed against the real dev server, a real worker and the
 * simulator: the run decides from what it sent and what SePay holds, never from a failure's type,
 * a memo, a caller's hint or a malformed message. Every run here is a plain start
 * (`client.workflow.start` with Temporal's default id policies), as any language would send it.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { FailureType } from '../../contract/failure-types.js';
import { approveIssuanceSignal, cancelInvoiceSignal, getInvoiceStatusQuery, requestCancellationUpdate } from '../../contract/messages.js';
import { workflowIdFor } from '../../contract/reference-code.js';
import { InvoiceClient } from '../../client/invoice-client.js';
import { SepayClient } from '../../sepay/index.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../simulator/defaults.js';
import type { issueInvoiceWorkflow } from '../../workflows/index.js';
import { fastPolling, sampleInvoice, uniqueKey, useInvoiceTestEnv } from '../support/invoice-test-env.js';
import { saveHistory } from '../support/histories.js';
import { failureOf, waitForStage } from '../support/workflow-assertions.js';

const env = useInvoiceTestEnv();

async function waitForCancellation(handle: { query: (q: typeof getInvoiceStatusQuery) => Promise<{ cancellation?: unknown }> }): Promise<void> {
  await expect.poll(async () => (await handle.query(getInvoiceStatusQuery)).cancellation, { timeout: 10_000, interval: 50 }).toBeDefined();
}

/** The id of the run's scheduled activity of that type, once it is scheduled. */
async function pendingActivityId(handle: { fetchHistory: () => Promise<{ events?: { activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null; activityId?: string | null } | null }[] | null }> }, type: string): Promise<string> {
  let activityId: string | undefined;
  await expect
    .poll(
      async () => {
        const events = (await handle.fetchHistory()).events ?? [];
        activityId = events.map((event) => event.activityTaskScheduledEventAttributes).find((scheduled) => scheduled?.activityType?.name === type)?.activityId ?? undefined;
        return activityId;
      },
      { timeout: 10_000, interval: 50 },
    )
    .toBeDefined();
  return activityId!;
}

/**
 * A run whose create SePay accepts slowly, overtaken by a forged SepayQuotaExceeded: the run never
 * sees the draft nor learns the tracking code. No quota (a draft needs none): the run then waits
 * for quota, where a cancel finds it.
 */
async function awaitingQuotaAfterForgedCreateFailure(key: string) {
  await env.sim.addFault({ endpoint: 'create', kind: 'latency', latencyMs: 1_500, times: 1 });
  await env.sim.setQuota(0);
  const handle = await env.start(key);
  const activityId = await pendingActivityId(handle, 'createInvoice');
  await env.client.activity.fail(
    { workflowId: workflowIdFor(key), runId: handle.firstExecutionRunId, activityId },
    ApplicationFailure.create({ type: FailureType.SepayQuotaExceeded, message: 'forged', nonRetryable: true }),
  );
  await waitForStage(handle, 'awaiting-quota');
  return handle;
}

const QUOTA_JOB_MESSAGE = 'QUOTA_HAS_BEEN_USERD_UP: hạn ngạch hóa đơn đã hết';

/** What SePay holds for the key now: drafts and issued invoices (not deleted drafts or failed creates). */
async function invoicesOf(key: string) {
  return (await env.sim.invoices()).invoices.filter(
    (invoice) => (invoice.reference_code === key || invoice.reference_code.startsWith(`${key}~`)) && ['draft', 'issued'].includes(invoice.status),
  );
}

async function historyLength(key: string): Promise<number> {
  return ((await env.client.workflow.getHandle(workflowIdFor(key)).fetchHistory()).events ?? []).length;
}

describe('quota refusals past the point of no return', () => {
  it('one 403 QUOTA_EXCEEDED on the issue request: the same draft is issued, no second code, no draft left', async () => {
    const key = uniqueKey('issue-403');
    await env.sim.addFault({ endpoint: 'issue', kind: 'error', status: 403, code: 'QUOTA_EXCEEDED', times: 1 });
    const result = await (await env.start(key)).result();
    expect(result).toMatchObject({ outcome: 'issued', invoice: { referenceCode: key } });
    const held = await invoicesOf(key);
    expect(held.map(({ reference_code, status }) => ({ reference_code, status }))).toEqual([{ reference_code: key, status: 'issued' }]);
  });

  it('403 BILLING_IS_UNPAID on every issue request for a while: one draft, requests backed off, then issued', async () => {
    const key = uniqueKey('billing');
    await env.sim.addFault({ endpoint: 'issue', kind: 'error', status: 403, code: 'BILLING_IS_UNPAID', times: 4 });
    const before = await env.sim.stats();
    const result = await (await env.start(key)).result();
    expect(result).toMatchObject({ outcome: 'issued', invoice: { referenceCode: key } });
    const after = await env.sim.stats();
    expect(await invoicesOf(key)).toHaveLength(1);
    // One create only: the refusals never made the run start over under another code.
    expect((after.endpoints.create ?? 0) - (before.endpoints.create ?? 0)).toBe(1);
    expect((after.endpoints.issue ?? 0) - (before.endpoints.issue ?? 0)).toBe(5);
  });

  it('issue jobs failing for quota while usage still shows quota: asked again with backoff, history flat', async () => {
    const key = uniqueKey('issue-job-quota');
    await env.sim.addFault({ endpoint: 'issue', kind: 'job-fail', message: QUOTA_JOB_MESSAGE, times: 3 });
    const before = await env.sim.stats();
    const handle = await env.start(key);
    const result = await handle.result();
    await saveHistory(handle, 'issue-jobs-failed-for-quota');
    expect(result).toMatchObject({ outcome: 'issued', invoice: { referenceCode: key } });
    const after = await env.sim.stats();
    expect(await invoicesOf(key)).toHaveLength(1);
    expect((after.endpoints.issue ?? 0) - (before.endpoints.issue ?? 0)).toBe(4);
    // The same events as a run that met no refusal: the waits were retried in place.
    expect(await historyLength(key)).toBeLessThanOrEqual(50);
  });

  it('a draft-create job failing for quota: nothing to delete, the run moves on and issues once', async () => {
    const key = uniqueKey('create-job-quota');
    await env.sim.addFault({ endpoint: 'create', kind: 'job-fail', message: QUOTA_JOB_MESSAGE, times: 1 });
    const handle = await env.start(key);
    const result = await handle.result();
    await saveHistory(handle, 'create-job-failed-for-quota');
    expect(result).toMatchObject({ outcome: 'issued' });
    const held = await invoicesOf(key);
    expect(held.filter((invoice) => invoice.status === 'issued')).toHaveLength(1);
    expect(held.filter((invoice) => invoice.status === 'draft')).toHaveLength(0);
    const { sent } = await handle.query(getInvoiceStatusQuery);
    expect(sent.find((record) => record.referenceCode === key)).toMatchObject({ createSent: true, spent: true });
  });

  it('direct mode, one quota unit, the create answer lost after SePay committed it: never cancelled, issued once', async () => {
    const key = uniqueKey('direct-last-unit');
    await env.sim.setQuota(1);
    await env.sim.addFault({ endpoint: 'create', kind: 'drop-after-commit', times: 1 });
    // Slow enough that the retry reads the quota afresh (the worker shares a reading for 2 s): 0.
    await env.sim.addFault({ endpoint: 'create', kind: 'latency', latencyMs: 1_500, times: 1 });
    const handle = await env.start(key, { mode: 'direct' });
    // Once the answer was lost, and the attempt after it has had time to run, a cancel arrives.
    await expect.poll(async () => (await env.sim.stats()).dropped, { timeout: 10_000, interval: 50 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await handle.signal(cancelInvoiceSignal, { reason: 'changed my mind' }).catch(() => undefined);
    const result = await handle.result();
    expect(result.outcome).toBe('issued');
    const held = await invoicesOf(key);
    expect(held.map((invoice) => invoice.status)).toEqual(['issued']);
    expect((await handle.query(getInvoiceStatusQuery)).cancellation?.outcome ?? 'too-late').toBe('too-late');
  });
});

describe('failures anyone can send', () => {
  it('a non-retryable SepayQuotaExceeded forged on the pending awaitIssuance: no second invoice, the failure names the code', async () => {
    const key = uniqueKey('forged');
    await env.sim.addFault({ endpoint: 'issue', kind: 'job-pending-forever' });
    const handle = await env.start(key);
    await waitForStage(handle, 'awaiting-issuance');
    const history = await handle.fetchHistory();
    const activityId = (history.events ?? [])
      .map((event) => event.activityTaskScheduledEventAttributes)
      .find((scheduled) => scheduled?.activityType?.name === 'awaitIssuance')?.activityId;
    expect(activityId).toBeDefined();
    await env.client.activity.fail(
      { workflowId: workflowIdFor(key), runId: handle.firstExecutionRunId, activityId: activityId! },
      ApplicationFailure.create({ type: FailureType.SepayQuotaExceeded, message: 'forged', nonRetryable: true }),
    );
    const failure = await failureOf(handle.result());
    await saveHistory(handle, 'forged-failure-past-point-of-no-return');
    expect(failure.message).toContain(`reference code ${key}`);
    await env.sim.clearFaults();
    // A new run of the key follows the issue request that run sent: the same invoice, not a second.
    const rerun = await (await env.start(key)).result();
    expect(rerun).toMatchObject({ outcome: 'issued', invoice: { referenceCode: key } });
    expect((await invoicesOf(key)).map((invoice) => invoice.status)).toEqual(['issued']);
  });

  it('a SepayQuotaExceeded forged on a create SePay accepted, then a cancel: the draft is found and deleted (model test, I2/I6)', async () => {
    const key = uniqueKey('forged-create');
    const handle = await awaitingQuotaAfterForgedCreateFailure(key);
    await handle.signal(cancelInvoiceSignal, { reason: 'order withdrawn' });
    const result = await handle.result();
    await saveHistory(handle, 'forged-create-failure-then-cancelled');
    expect(result).toMatchObject({ outcome: 'cancelled', draftDeleted: true });
    expect(await invoicesOf(key)).toHaveLength(0);
  });

  it('a SepayQuotaExceeded forged on awaitCreation while SePay fails the job for quota: the code is not sent again, the run ends, a re-run issues (model soak, I5)', async () => {
    const key = uniqueKey('forged-await');
    // The create job stays Pending until released, then fails for quota (the code stays taken).
    await env.sim.setJobChecks(1_000_000, null);
    await env.sim.addFault({ endpoint: 'create', kind: 'job-fail', message: QUOTA_JOB_MESSAGE, times: 1 });
    // A short fast phase: each wait's attempt ends in a second and the next one sees the released job.
    const handle = await env.start(key, { pollFastPhase: '1s' });
    const activityId = await pendingActivityId(handle, 'awaitCreation');
    await env.client.activity.fail(
      { workflowId: workflowIdFor(key), runId: handle.firstExecutionRunId, activityId },
      ApplicationFailure.create({ type: FailureType.SepayQuotaExceeded, message: 'forged', nonRetryable: true }),
    );
    await env.sim.setJobChecks(0, 100);
    // Not a refusal of the create request: compensation follows the job (failed, nothing to delete).
    const failure = await failureOf(handle.result());
    expect(failure.type).toBe(FailureType.SepayQuotaExceeded);
    expect((await env.sim.invoices()).invoices.find((invoice) => invoice.reference_code === key)).toMatchObject({ status: 'failed', create_requests: 1 });
    const rerun = await (await env.start(key)).result();
    expect(rerun).toMatchObject({ outcome: 'issued', invoice: { referenceCode: `${key}~2` } });
  });

  it('SePay refuses the draft create (400): the run knows nothing was made and fails with the refusal alone (model test, I5)', async () => {
    const key = uniqueKey('create-refused');
    await env.sim.addFault({ endpoint: 'create', kind: 'error', status: 400, times: 1 });
    const handle = await env.start(key);
    const failure = await failureOf(handle.result());
    expect(failure.type).toBe(FailureType.SepayValidationFailed);
    // Not "the answer to its create never came": SePay answered, and no draft can appear.
    expect(failure.message).not.toContain('may yet appear');
    expect((await handle.query(getInvoiceStatusQuery)).draft).toBeUndefined();
    expect(await invoicesOf(key)).toHaveLength(0);
  });

  it('a fake terminated run whose memo claims the issue was requested: a manual re-run still waits for approval', async () => {
    const key = uniqueKey('fake-memo');
    const first = await env.start(key, { approval: 'manual' });
    await waitForStage(first, 'awaiting-approval');
    await first.terminate('operator stopped it');
    // Someone with Temporal access and no keys: a run under the key that no worker serves.
    const fake = await env.client.workflow.start('issueInvoiceWorkflow', {
      taskQueue: `nobody-${key}`,
      workflowId: workflowIdFor(key),
      args: [{ invoiceKey: key, invoice: sampleInvoice }],
      memo: { referenceGeneration: 1, referenceCodeSpent: false, issueRequested: true },
    });
    await fake.terminate('fake');
    // Through InvoiceClient, which used to read that memo and pass it on as a hint.
    const invoices = new InvoiceClient({ client: env.client, taskQueue: env.taskQueue });
    const rerun = (await invoices.issue(key, sampleInvoice, { ...fastPolling, approval: 'manual' })).handle;
    await waitForStage(rerun, 'awaiting-approval');
    expect((await invoicesOf(key)).map((invoice) => invoice.status)).toEqual(['draft']);
    await rerun.signal(approveIssuanceSignal, { approvedBy: 'tester' });
    expect(await rerun.result()).toMatchObject({ outcome: 'issued' });
  });
});

describe('malformed messages change nothing and never fail a workflow task', () => {
  it('signals with no or a wrong argument are recorded and ignored; the update is refused; a proper cancel then works', async () => {
    const key = uniqueKey('malformed');
    const handle = await env.start(key, { approval: 'manual' });
    await waitForStage(handle, 'awaiting-approval');
    const raw = env.client.workflow.getHandle(workflowIdFor(key));
    await raw.signal('cancelInvoice');
    await raw.signal('approveIssuance', 'yes please');
    const refused = await raw.executeUpdate('requestCancellation', { args: [] }).then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String((refused as WorkflowUpdateFailedError).cause?.message)).toMatch(/refused: .*expected object/);
    const status = await handle.query(getInvoiceStatusQuery);
    expect(status).toMatchObject({ stage: 'awaiting-approval', approval: 'waiting', refusedMessage: { name: 'approveIssuance' } });
    expect(status.cancellation).toBeUndefined();
    const answer = await handle.executeUpdate(requestCancellationUpdate, { args: [{ reason: 'customer withdrew' }] });
    expect(answer).toMatchObject({ accepted: true });
    expect(await handle.result()).toMatchObject({ outcome: 'cancelled', draftDeleted: true });
    await saveHistory(handle, 'malformed-messages-then-cancelled');
    const tasksFailed = ((await handle.fetchHistory()).events ?? []).filter((event) => event.workflowTaskFailedEventAttributes).length;
    expect(tasksFailed).toBe(0);
  });
});

describe('re-runs need nothing from the caller', () => {
  it('a plain start after an approval timeout moves to the next code by itself and issues', async () => {
    const key = uniqueKey('approval-timeout');
    const first = await env.start(key, { approval: 'manual', approvalTimeout: '2s' });
    const failure = await failureOf(first.result());
    expect(failure.type).toBe(FailureType.DeadlineExceeded);
    expect(failure.message).not.toContain('referenceGeneration');
    const rerun = await env.start(key);
    const result = await rerun.result();
    await saveHistory(rerun, 'plain-rerun-after-approval-timeout');
    expect(result).toMatchObject({ outcome: 'issued', invoice: { referenceCode: `${key}~2` } });
    expect((await rerun.query(getInvoiceStatusQuery)).earlierRunsRecalled).toBe(true);
  });

  it('a plain start after a completed cancel answers cancelled again and sends nothing', async () => {
    const key = uniqueKey('cancelled-key');
    const first = await env.start(key, { approval: 'manual' });
    await waitForStage(first, 'awaiting-approval');
    await first.signal(cancelInvoiceSignal, { reason: 'order cancelled' });
    expect(await first.result()).toMatchObject({ outcome: 'cancelled' });
    const before = await env.sim.stats();
    const againHandle = await env.start(key);
    const again = await againHandle.result();
    await saveHistory(againHandle, 'plain-rerun-after-completed-cancel');
    expect(again).toMatchObject({ outcome: 'cancelled' });
    const after = await env.sim.stats();
    expect((after.endpoints.create ?? 0) - (before.endpoints.create ?? 0)).toBe(0);
    expect(await invoicesOf(key)).toHaveLength(0);
  });
});

describe('a draft the record saw is gone', () => {
  it('a re-run after a run whose create answer was lost (adopted by 409), terminated, its draft deleted: the next code at once, not a wait in creating', async () => {
    const key = uniqueKey('seen-draft-deleted');
    // The create's answer is lost after SePay committed it: the run adopts the draft by 409 and never learns the tracking code.
    await env.sim.addFault({ endpoint: 'create', kind: 'drop-after-commit', times: 1 });
    const first = await env.start(key, { approval: 'manual' });
    await waitForStage(first, 'awaiting-approval');
    expect((await first.query(getInvoiceStatusQuery)).sent).toEqual([expect.objectContaining({ referenceCode: key, draftSeen: true })]);
    await first.terminate('operator gave up');
    // As a deleting reconciliation (or someone in SePay's UI) would: the code is now taken with nothing visible.
    await new SepayClient({ environment: { baseUrl: env.simulator.baseUrl }, clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET }).deleteDraft(key);
    const rerun = await (await env.start(key)).result();
    expect(rerun).toMatchObject({ outcome: 'issued', invoice: { referenceCode: `${key}~2` } });
  });

  it('a run that found an earlier create\'s draft stale and was terminated while SePay deleted it: the re-run takes the next code at once (model soak, seed 1594297448)', async () => {
    const key = uniqueKey('stale-draft-deleted');
    const changed = { ...sampleInvoice, items: sampleInvoice.items.map((item, index) => (index === 0 ? { ...item, unit_price: (item.unit_price ?? 0) + 1000 } : item)) };
    // The first run's create is committed, its answer lost and its job held: the run never sees
    // the draft nor learns the tracking code.
    const droppedBefore = (await env.sim.stats()).dropped;
    await env.sim.addFault({ endpoint: 'create', kind: 'drop-after-commit', times: 1, referenceCode: key });
    await env.sim.addFault({ endpoint: 'create', kind: 'job-pending-forever', referenceCode: key });
    const first = await env.start(key, { approval: 'manual' });
    await expect.poll(async () => (await env.sim.stats()).dropped, { timeout: 10_000, interval: 50 }).toBe(droppedBefore + 1);
    await first.terminate('operator gave up');
    expect((await first.query(getInvoiceStatusQuery)).sent).toEqual([{ referenceCode: key, createSent: true, issueRequested: false, spent: false }]);
    await env.sim.clearFaults();
    await expect.poll(async () => (await invoicesOf(key)).map((invoice) => invoice.status), { timeout: 10_000, interval: 50 }).toEqual(['draft']);

    // The second run asks for other content: it finds that draft stale and deletes it; the delete
    // is held at SePay while the run is terminated, then carried out.
    await env.sim.addFault({ endpoint: 'delete', kind: 'latency', latencyMs: 1_500, times: 1, referenceCode: key });
    const second = await env.start(key, { approval: 'manual' }, changed);
    await waitForStage(second, 'replacing-draft');
    await second.terminate('operator gave up again');
    await saveHistory(second, 'stale-draft-seen-then-terminated-while-deleting');
    expect((await second.query(getInvoiceStatusQuery)).sent).toContainEqual(expect.objectContaining({ referenceCode: key, draftSeen: true, spent: false }));
    await expect.poll(async () => invoicesOf(key), { timeout: 10_000, interval: 50 }).toEqual([]);

    // The code is taken with nothing visible and no tracking code: only the second run's record
    // tells it was deleted, not still being created.
    const rerun = await (await env.start(key, undefined, changed)).result();
    expect(rerun).toMatchObject({ outcome: 'issued', invoice: { referenceCode: `${key}~2` } });
  });
});

describe('a draft compensation found is recorded before its delete', () => {
  it('a create whose answer never came (a failure forged over it), cancelled, terminated while SePay deletes its draft: the re-run takes the next code at once', async () => {
    const key = uniqueKey('compensation-deleted');
    const handle = await awaitingQuotaAfterForgedCreateFailure(key);
    // Compensation looks for the draft, finds it, and sends the delete, which SePay holds while
    // the run is terminated, then carries out.
    await env.sim.addFault({ endpoint: 'delete', kind: 'latency', latencyMs: 1_500, times: 1, referenceCode: key });
    await handle.signal(cancelInvoiceSignal, { reason: 'order withdrawn' });
    await pendingActivityId(handle, 'deleteDraft');
    await handle.terminate('operator gave up');
    await saveHistory(handle, 'compensation-saw-draft-then-terminated-while-deleting');
    expect((await handle.query(getInvoiceStatusQuery)).sent).toEqual([expect.objectContaining({ referenceCode: key, createSent: true, draftSeen: true })]);
    await expect.poll(async () => invoicesOf(key), { timeout: 10_000, interval: 50 }).toEqual([]);

    await env.sim.setQuota(100);
    const rerun = await (await env.start(key)).result();
    expect(rerun).toMatchObject({ outcome: 'issued', invoice: { referenceCode: `${key}~2` } });
  });
});

describe('a run that followed an earlier create keeps it in its record', () => {
  it('so the run after it can follow that create too: one invoice, under the first code', async () => {
    const key = uniqueKey('followed');
    // Create jobs stay Pending until released: each run in turn finds the create still processing.
    await env.sim.setJobChecks(1_000_000, null);
    const first = await env.start(key);
    await waitForStage(first, 'awaiting-creation');
    const { createTrackingCode } = await first.query(getInvoiceStatusQuery);
    await first.terminate('stuck');
    const second = await env.start(key);
    await waitForStage(second, 'awaiting-creation');
    await second.terminate('stuck again');
    const third = await env.start(key);
    await waitForStage(third, 'awaiting-creation');
    expect((await third.query(getInvoiceStatusQuery)).sent).toContainEqual(expect.objectContaining({ referenceCode: key, createTrackingCode }));
    await env.sim.setJobChecks(0, 100);
    expect(await third.result()).toMatchObject({ outcome: 'issued', invoice: { referenceCode: key } });
    expect(await invoicesOf(key)).toHaveLength(1);
  });
});

describe('workflow cancel and the cancel signal mean the same in every stage', () => {
  it('a workflow cancel while awaiting issuance, then an issue job failing for quota: issued, status says too late', async () => {
    const key = uniqueKey('cancel-then-quota');
    await env.sim.addFault({ endpoint: 'issue', kind: 'job-pending-forever', times: 1 });
    const handle = await env.start(key);
    await waitForStage(handle, 'awaiting-issuance');
    await handle.cancel();
    await waitForCancellation(handle);
    // The held job is released into a quota failure: nothing issued, the draft still there.
    await env.sim.setJobChecks(1_000_000, null);
    await env.sim.clearFaults();
    await env.sim.addFault({ endpoint: 'issue', kind: 'job-fail', message: QUOTA_JOB_MESSAGE, times: 1 });
    await env.sim.setJobChecks(0, 100);
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'issued', lateCancellation: { outcome: 'too-late', via: 'workflow-cancel' } });
    const status = await handle.query(getInvoiceStatusQuery);
    expect(status.cancellation?.outcome).toBe('too-late');
    expect((await invoicesOf(key)).map((invoice) => invoice.status)).toEqual(['issued']);
  });
});

describe('a cancel that comes before the first step still waits for its facts', () => {
  /** A plain start whose first workflow task already holds a cancel signal (signal-with-start). */
  async function startCancelled(key: string, invoice = sampleInvoice) {
    return env.client.workflow.signalWithStart<typeof issueInvoiceWorkflow, [{ reason: string }]>('issueInvoiceWorkflow', {
      taskQueue: env.taskQueue,
      workflowId: workflowIdFor(key),
      args: [{ invoiceKey: key, invoice, options: fastPolling }],
      signal: cancelInvoiceSignal,
      signalArgs: [{ reason: 'order cancelled' }],
    });
  }

  it('an earlier run issued the key: the re-run ends issued, its cancel too late, and sends no create (model test, I2/I4)', async () => {
    const key = uniqueKey('cancel-first-issued');
    await (await env.start(key)).result();
    const before = await env.sim.stats();
    const handle = await startCancelled(key);
    const result = await handle.result();
    await saveHistory(handle, 'cancel-in-first-task-after-earlier-run-issued');
    expect(result).toMatchObject({ outcome: 'issued', invoice: { referenceCode: key }, lateCancellation: { outcome: 'too-late', via: 'signal' } });
    const after = await env.sim.stats();
    expect((after.endpoints.create ?? 0) - (before.endpoints.create ?? 0)).toBe(0);
    expect(await invoicesOf(key)).toHaveLength(1);
  });

  it('an earlier run left its draft (terminated): the re-run deletes it and ends cancelled', async () => {
    const key = uniqueKey('cancel-first-draft');
    const first = await env.start(key, { approval: 'manual' });
    await waitForStage(first, 'awaiting-approval');
    await first.terminate('operator gave up');
    expect(await invoicesOf(key)).toHaveLength(1);
    const handle = await startCancelled(key);
    expect(await handle.result()).toMatchObject({ outcome: 'cancelled', draftDeleted: true });
    expect(await invoicesOf(key)).toHaveLength(0);
  });

  it('SePay holds the key issued with other content: the run fails IssuedInvoiceDiffers, never cancelled', async () => {
    const key = uniqueKey('cancel-first-differs');
    await (await env.start(key)).result();
    const changed = { ...sampleInvoice, items: sampleInvoice.items.map((item, index) => (index === 0 ? { ...item, unit_price: (item.unit_price ?? 0) + 1000 } : item)) };
    const failure = await failureOf((await startCancelled(key, changed)).result());
    expect(failure.type).toBe(FailureType.IssuedInvoiceDiffers);
    expect(await invoicesOf(key)).toHaveLength(1);
  });
});
