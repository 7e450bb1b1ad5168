/**
 * Reconciliation against real runs on the suite's dev server and a simulator holding 10,000
 * invoices: every planted discrepancy is found with the run status that explains it, nothing else
 * is, a clean simulator gives an empty report, and orphan drafts are deleted only when asked and
 * not a dry run, and never one whose key was run again after the list was read. The wall time and
 * SePay calls of the 10,000-invoice run are printed.
 *
 * SePay never changes an issued invoice, and neither can the simulator, so the run that says
 * issued where SePay shows another number is planted through the worker: its `fetchInvoiceDetail`
 * reports a wrong number for keys starting `lying-` (as a SePay answering a stale detail would).
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { type reconciliationWorkflow } from '../../workflows/index.js';
import { approveIssuanceSignal } from '../../contract/messages.js';
import { type IssueInvoiceInput } from '../../contract/input.js';
import { workflowIdFor } from '../../contract/reference-code.js';
import type { ReconciliationInput } from '../../workflows/reconciliation-input.js';
import { FINDING_KINDS, type FindingKind } from '../../workflows/reconciliation-report.js';
import { PAGES_PER_RUN } from '../../workflows/reconciliation.js';
import { formatVietnamDateTime } from '../../workflows/vietnam-time.js';
import { SEEDED_ACCOUNT_ID } from '../../simulator/server.js';
import { fastPolling, sampleInvoice, uniqueKey, useInvoiceTestEnv } from '../support/invoice-test-env.js';
import { waitForStage } from '../support/workflow-assertions.js';

const LYING_PREFIX = 'lying-';
const HOUR_MS = 3_600_000;

const env = useInvoiceTestEnv(
  {},
  {
    activities: (real) => ({
      async fetchInvoiceDetail(input) {
        const invoice = await real.fetchInvoiceDetail(input);
        return input.referenceCode.startsWith(LYING_PREFIX) ? { ...invoice, invoiceNumber: '9999999' } : invoice;
      },
    }),
  },
);

/** The sample invoice's content as the simulator's bulk endpoint takes it: runs adopt those invoices as their own. */
const sampleContent = (({ template_code = '1', invoice_series = 'C25TAT', currency, payment_method, buyer, items, notes }) => ({
  template_code,
  invoice_series,
  currency,
  payment_method,
  buyer,
  items,
  notes,
}))(sampleInvoice);

const oldDate = () => formatVietnamDateTime(new Date(Date.now() - 72 * HOUR_MS));

async function reconcile(input: ReconciliationInput = {}) {
  const handle = await env.client.workflow.start<typeof reconciliationWorkflow>('reconciliationWorkflow', {
    taskQueue: env.taskQueue,
    workflowId: `reconciliation-test-${randomUUID()}`,
    args: [input],
  });
  return { handle, result: await handle.result() };
}

const findingsOf = (result: Awaited<ReturnType<typeof reconcile>>['result']) =>
  result.findings.map(({ kind, referenceCode, runStatus }) => ({ kind, referenceCode, runStatus })).sort((a, b) => a.referenceCode.localeCompare(b.referenceCode));

async function expectFailure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
}

/** A run whose direct create is held at SePay until `clearFaults`, so the run ends while SePay is still issuing. */
async function holdJobsOf(referenceCode: string) {
  await env.sim.addFault({ endpoint: 'create', kind: 'job-pending-forever', referenceCode });
}

/** A draft dated three days ago (or `issuedDate`) under a run waiting for approval. */
async function oldDraftAwaitingApproval(label: string, issuedDate = oldDate()) {
  const handle = await env.start(uniqueKey(label), { approval: 'manual' }, { ...sampleInvoice, issued_date: issuedDate });
  await waitForStage(handle, 'awaiting-approval');
  return handle;
}

describe('reconciliation', () => {
  it('finds every discrepancy planted among 10,000 invoices, and nothing else', async () => {
    const id = randomUUID().slice(0, 8);
    // (a) issued at SePay while the key's latest run failed, was terminated, timed out, or never existed.
    const failedKey = uniqueKey('failed');
    const terminatedKey = uniqueKey('terminated');
    const timedOutKey = uniqueKey('timedout');
    for (const key of [failedKey, terminatedKey, timedOutKey]) await holdJobsOf(key);
    const failed = await env.start(failedKey, { mode: 'direct', creationTimeout: '6 seconds', pollFastPhase: '1 second' });
    const terminated = await env.start(terminatedKey, { mode: 'direct' });
    const timedOut = await env.client.workflow.start('issueInvoiceWorkflow', {
      taskQueue: env.taskQueue,
      workflowId: workflowIdFor(timedOutKey),
      workflowExecutionTimeout: '6 seconds',
      args: [{ invoiceKey: timedOutKey, invoice: sampleInvoice, options: { ...fastPolling, mode: 'direct' } } satisfies IssueInvoiceInput],
    });
    // Each has sent its create (the point of no return in direct mode) before it ends.
    for (const run of [failed, terminated, timedOut]) await waitForStage(run, 'awaiting-creation');
    await terminated.terminate('planted: terminated while SePay issues');

    // 9,800 young drafts no run owns yet, and 200 issued invoices their runs adopt: nothing to report.
    await env.sim.addBulkInvoices({ count: 9_800, status: 'draft', referencePrefix: `young-${id}-`, issuedFrom: formatVietnamDateTime(new Date()) });
    await env.sim.addBulkInvoices({ count: 200, status: 'issued', referencePrefix: `adopted-${id}-`, invoice: sampleContent });
    const adopted = await Promise.all(Array.from({ length: 200 }, (_, i) => env.start(`adopted-${id}-${String(i + 1).padStart(3, '0')}`)));
    const clean = await env.start(uniqueKey('clean'));

    const [noRun] = [(await env.sim.addBulkInvoices({ count: 1, status: 'issued', referencePrefix: `norun-${id}-` })).first];
    // (b) a run that says issued with a number SePay does not show.
    const lying = await env.start(`${LYING_PREFIX}${id}`);
    // (c) an old draft whose run was terminated while waiting for approval; an old draft whose run still waits is not one.
    const orphan = await oldDraftAwaitingApproval('orphan');
    await orphan.terminate('planted orphan draft');
    const stillWaiting = await oldDraftAwaitingApproval('waiting');
    // (d) made by hand in SePay's web UI.
    const manual = await env.sim.addManualInvoice({ ...sampleContent, provider_account_id: SEEDED_ACCOUNT_ID, issued_date: oldDate() });

    await expectFailure(failed.result());
    await expectFailure(timedOut.result());
    await env.sim.clearFaults();
    for (const run of [...adopted, clean, lying]) expect(await run.result()).toMatchObject({ outcome: 'issued' });
    // The held jobs settle on their own once nobody checks them: SePay ends up holding them issued.
    const planted = [failedKey, terminatedKey, timedOutKey];
    await expect
      .poll(async () => (await env.sim.invoices()).invoices.filter((i) => planted.includes(i.reference_code) && i.status === 'issued').length, { timeout: 15_000 })
      .toBe(3);

    // Visibility lags the runs a little; a reconciliation sees what it shows.
    const adoptedIssued = `WorkflowId STARTS_WITH 'invoice-adopted-${id}-' AND InvoiceStage = 'issued' AND ExecutionStatus = 'Completed'`;
    await expect.poll(async () => (await env.client.workflow.count(adoptedIssued)).count, { timeout: 30_000 }).toBe(200);

    await env.sim.resetStats();
    const startedAt = performance.now();
    const { handle, result } = await reconcile();
    const wallMs = performance.now() - startedAt;
    const stats = await env.sim.stats();
    const listed = (await env.sim.invoices()).invoices.filter((i) => i.status === 'draft' || i.status === 'issued').length;
    console.log(`reconciliation of ${result.invoicesScanned} invoices: ${(wallMs / 1000).toFixed(1)} s, ${stats.total} SePay calls ${JSON.stringify(stats.endpoints)}`);

    expect(findingsOf(result)).toEqual(
      [
        { kind: 'issued-without-run', referenceCode: failedKey, runStatus: 'FAILED' },
        { kind: 'issued-without-run', referenceCode: terminatedKey, runStatus: 'TERMINATED' },
        { kind: 'issued-without-run', referenceCode: timedOutKey, runStatus: 'TIMED_OUT' },
        { kind: 'issued-without-run', referenceCode: noRun, runStatus: 'none' },
        { kind: 'run-status-differs', referenceCode: `${LYING_PREFIX}${id}`, runStatus: 'COMPLETED' },
        { kind: 'orphan-draft', referenceCode: orphan.workflowId.slice('invoice-'.length), runStatus: 'TERMINATED' },
        { kind: 'manual', referenceCode: manual.reference_code, runStatus: 'none' },
      ].sort((a, b) => a.referenceCode.localeCompare(b.referenceCode)),
    );
    expect(result.counts).toEqual({ 'issued-without-run': 4, 'run-status-differs': 1, 'orphan-draft': 1, manual: 1 } satisfies Record<FindingKind, number>);
    expect(result.findings.find((finding) => finding.kind === 'run-status-differs')).toMatchObject({ runInvoiceNumber: '9999999', sepayStatus: 'issued' });

    expect(listed).toBeGreaterThanOrEqual(10_000);
    expect(result.invoicesScanned).toBe(listed);
    expect(result.pagesRead).toBe(Math.ceil(listed / 100));
    // One list request per page and nothing else: a dry run changes nothing at SePay.
    expect(stats.endpoints).toEqual({ list: result.pagesRead });

    // The list was longer than one run may read: it continued as new, each run with a short history.
    const firstRun = env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
    expect((await firstRun.describe()).status.name).toBe('CONTINUED_AS_NEW');
    const firstHistory = await firstRun.fetchHistory();
    expect(firstHistory.events?.length).toBeLessThan(PAGES_PER_RUN * 8);

    await stillWaiting.terminate('test over');
  });

  it('reports nothing on a clean simulator', async () => {
    const id = randomUUID().slice(0, 8);
    await env.sim.addBulkInvoices({ count: 500, status: 'draft', referencePrefix: `young-${id}-`, issuedFrom: formatVietnamDateTime(new Date()) });
    const runs = await Promise.all([env.start(uniqueKey('clean')), env.start(uniqueKey('clean'), { mode: 'direct' })]);
    for (const run of runs) expect(await run.result()).toMatchObject({ outcome: 'issued' });

    const { result } = await reconcile();

    expect(result.invoicesScanned).toBe(502);
    expect(result.findings).toEqual([]);
    expect(FINDING_KINDS.map((kind) => result.counts[kind])).toEqual([0, 0, 0, 0]);
  });

  it('deletes orphan drafts only with deleteOrphanDrafts and not a dry run, and never a draft whose run is open', async () => {
    const orphan = await oldDraftAwaitingApproval('orphan');
    await orphan.terminate('planted orphan draft');
    const waiting = await oldDraftAwaitingApproval('waiting');
    const orphanCode = orphan.workflowId.slice('invoice-'.length);
    const waitingCode = waiting.workflowId.slice('invoice-'.length);
    const statusAtSepay = async (code: string) => (await env.sim.invoices()).invoices.find((i) => i.reference_code === code)?.status;

    const dryRun = await reconcile({ deleteOrphanDrafts: true });
    expect(dryRun.result.findings).toMatchObject([{ kind: 'orphan-draft', referenceCode: orphanCode }]);
    expect(dryRun.result.findings[0]?.deletion).toBeUndefined();
    expect(await statusAtSepay(orphanCode)).toBe('draft');

    const reportOnly = await reconcile({ dryRun: false });
    expect(reportOnly.result.deletedDrafts).toBe(0);
    expect(await statusAtSepay(orphanCode)).toBe('draft');

    const deleting = await reconcile({ deleteOrphanDrafts: true, dryRun: false, requestedAt: new Date().toISOString() });
    expect(deleting.result.findings).toMatchObject([{ kind: 'orphan-draft', referenceCode: orphanCode, deletion: 'deleted' }]);
    expect(deleting.result.deletedDrafts).toBe(1);
    expect(await statusAtSepay(orphanCode)).toBe('deleted');
    expect(await statusAtSepay(waitingCode)).toBe('draft');

    // A window starting today leaves the three-day-old draft out.
    const today = formatVietnamDateTime(new Date()).slice(0, 10);
    expect((await reconcile({ since: today })).result.invoicesScanned).toBe(0);
    await waiting.terminate('test over');
  });

  it("keeps an orphan draft its run never saw (the create's answer lost): the key's next run adopts it, one invoice", async () => {
    const key = uniqueKey('unseen');
    const invoice = { ...sampleInvoice, issued_date: oldDate() };
    const droppedBefore = (await env.sim.stats()).dropped;
    await env.sim.addFault({ endpoint: 'create', kind: 'drop-after-commit', times: 1, referenceCode: key });
    await env.sim.addFault({ endpoint: 'create', kind: 'job-pending-forever', referenceCode: key });
    const first = await env.start(key, { approval: 'manual' }, invoice);
    await expect.poll(async () => (await env.sim.stats()).dropped, { timeout: 10_000, interval: 50 }).toBe(droppedBefore + 1);
    await first.terminate('the answer never came');
    await env.sim.clearFaults();
    const statusAtSepay = async () => (await env.sim.invoices()).invoices.find((i) => i.reference_code === key)?.status;
    await expect.poll(statusAtSepay, { timeout: 10_000, interval: 50 }).toBe('draft');

    const { result } = await reconcile({ deleteOrphanDrafts: true, dryRun: false, requestedAt: new Date().toISOString() });
    expect(result.findings.find((finding) => finding.referenceCode === key)).toMatchObject({ kind: 'orphan-draft', deletion: 'unknown-to-runs' });
    expect(await statusAtSepay()).toBe('draft');

    // Deleted, the code would be taken with nothing visible and no tracking code: this run would wait out its creation window.
    const rerun = await env.start(key, undefined, invoice);
    expect(await rerun.result()).toMatchObject({ outcome: 'issued', invoice: { referenceCode: key } });
    expect((await env.sim.invoices()).invoices.filter((i) => i.reference_code.startsWith(key)).map((i) => i.status)).toEqual(['issued']);
  });

  it("keeps a draft whose key is run again after the page was read, while another draft's deletion is on its way", async () => {
    // The simulator lists newest first: `first` is deleted before `rerun` is reached.
    const issuedDate = oldDate();
    const rerun = await oldDraftAwaitingApproval('rerun', issuedDate);
    await rerun.terminate('planted orphan draft');
    const first = await oldDraftAwaitingApproval('orphan');
    await first.terminate('planted orphan draft');
    const [rerunKey, firstCode] = [rerun, first].map((handle) => handle.workflowId.slice('invoice-'.length)) as [string, string];
    const slowDelete = await env.sim.addFault({ endpoint: 'delete', kind: 'latency', latencyMs: 1_500, referenceCode: firstCode });

    const deleting = reconcile({ deleteOrphanDrafts: true, dryRun: false, requestedAt: new Date().toISOString() });
    const firedOf = async () => (await env.sim.faults()).find((fault) => fault.id === slowDelete.id)?.fired;
    await expect.poll(firedOf, { timeout: 60_000, interval: 20 }).toBe(1);
    // Every page is read and the first deletion is under way: a re-run of the other key starts now and adopts its draft.
    const again = await env.start(rerunKey, { approval: 'manual' }, { ...sampleInvoice, issued_date: issuedDate });
    const { result } = await deleting;

    expect(findingsOf(result)).toHaveLength(2);
    expect(result.findings.find((finding) => finding.referenceCode === firstCode)?.deletion).toBe('deleted');
    expect(result.findings.find((finding) => finding.referenceCode === rerunKey)?.deletion).toBe('open-run');
    expect((await env.sim.invoices()).invoices.find((i) => i.reference_code === rerunKey)?.status).toBe('draft');
    // The re-run issues the draft it adopted, under its own code.
    await waitForStage(again, 'awaiting-approval');
    await again.signal(approveIssuanceSignal, {});
    expect(await again.result()).toMatchObject({ outcome: 'issued', invoice: { referenceCode: rerunKey } });
  });

  it('refuses input it cannot act on, naming the field', async () => {
    const error = await reconcile({ since: '2026-02-30' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ type: 'InvalidReconciliationInput', message: expect.stringContaining('since') as unknown });
  });
});
