/**
 * One named test per cross-run finding of issue #11: each reproduces what an operator did (a
 * terminated run, an approval that timed out, a corrected price) against the real dev server, a
 * real worker and the simulator, and checks what SePay holds afterwards, not only what the run says.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { InvoiceClient } from '../../client/invoice-client.js';
import { SepayClient } from '../../sepay/index.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../simulator/defaults.js';
import type { SimInvoice } from '../../simulator/control-client.js';
import { FailureType } from '../../contract/failure-types.js';
import type { IssueInvoiceInput } from '../../contract/input.js';
import { getInvoiceStatusQuery, requestCancellationUpdate, type IssueInvoiceResult } from '../../contract/messages.js';
import { referenceCodeFor, workflowIdFor } from '../../contract/reference-code.js';
import { saveHistory } from '../support/histories.js';
import { fastPolling, sampleInvoice, uniqueKey, useInvoiceTestEnv } from '../support/invoice-test-env.js';
import { failureOf, waitForStage } from '../support/workflow-assertions.js';

const env = useInvoiceTestEnv();
const options = (extra: IssueInvoiceInput['options'] = {}) => ({ ...fastPolling, pollFastPhase: '1s', ...extra });
const correctedInvoice = { ...sampleInvoice, items: [{ ...sampleInvoice.items[0]!, unit_price: 120_000 }, ...sampleInvoice.items.slice(1)] };

function invoices(): InvoiceClient {
  return new InvoiceClient({ client: env.client, taskQueue: env.taskQueue });
}

/** Every invoice SePay holds under any generation's reference code of the key. */
async function invoicesOfKey(key: string): Promise<SimInvoice[]> {
  const { invoices: all } = await env.sim.invoices();
  return all.filter((invoice) => invoice.reference_code === key || invoice.reference_code.startsWith(`${key}~`));
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what}`);
}

/**
 * A first run that sends the issue request and is terminated while SePay's issue job is pending;
 * with `settle` the job then finishes at SePay with nobody watching.
 */
async function terminatedWhileIssuing(key: string, runOptions: IssueInvoiceInput['options'], { settle }: { settle: boolean }) {
  await env.sim.addFault({ endpoint: 'issue', kind: 'job-pending-forever', referenceCode: key });
  const first = await invoices().issue(key, sampleInvoice, runOptions);
  if (runOptions?.approval === 'manual') {
    await waitForStage(first.handle, 'awaiting-approval');
    await invoices().approve(key, 'test');
  }
  await waitForStage(first.handle, 'awaiting-issuance');
  await first.handle.terminate('operator gave up waiting');
  if (settle) {
    await env.sim.clearFaults();
    await eventually(() => invoicesOfKey(key), (found) => found[0]?.status === 'issued', 'the issue job settled');
  }
  return first;
}

function issuedNumber(result: IssueInvoiceResult): string {
  if (result.outcome !== 'issued') throw new Error(`expected issued, got ${result.outcome}`);
  return result.invoice.invoiceNumber;
}

describe('finding 1: a re-run after a run ended past the point of no return', () => {
  it('auto approval: the re-run finds the invoice issued at SePay and finishes issued with its number', async () => {
    const key = uniqueKey('rerun-issued');
    await terminatedWhileIssuing(key, options(), { settle: true });
    const rerun = await invoices().issue(key, sampleInvoice, options());
    const result = await rerun.handle.result();
    await saveHistory(rerun.handle, 'rerun-finds-issued');
    const [atSepay] = await invoicesOfKey(key);
    expect(issuedNumber(result)).toBe(atSepay!.invoice_number);
    expect(atSepay!.issue_requests).toBe(1);
  });

  it('manual approval then a cancel: the cancel is refused as too late and the run finishes issued', async () => {
    const key = uniqueKey('rerun-cancel');
    await terminatedWhileIssuing(key, options({ approval: 'manual' }), { settle: true });
    const rerun = await invoices().issue(key, sampleInvoice, options({ approval: 'manual' }));
    const result = await rerun.handle.result();
    const refused = await rerun.handle.executeUpdate(requestCancellationUpdate, { args: [{ reason: 'changed my mind' }] }).catch((e: unknown) => e);
    // The run has ended: too late either way, and it says issued.
    expect(refused).toBeInstanceOf(Error);
    expect(issuedNumber(result)).toBe((await invoicesOfKey(key))[0]!.invoice_number);
  });

  it('manual approval that would time out: no compensation marks the code spent, no second invoice is issued', async () => {
    const key = uniqueKey('rerun-timeout');
    await terminatedWhileIssuing(key, options({ approval: 'manual' }), { settle: true });
    const rerun = await invoices().issue(key, sampleInvoice, options({ approval: 'manual', approvalTimeout: '2s' }));
    expect((await rerun.handle.result()).outcome).toBe('issued');
    expect((await rerun.handle.describe()).memo).toMatchObject({ referenceCodeSpent: false });
    // The key is done: another issue() attaches to the completed run instead of using `<key>~2`.
    const again = await invoices().issue(key, sampleInvoice, options({ approval: 'manual', approvalTimeout: '2s' }));
    expect(again.existing).toBe(true);
    const atSepay = await invoicesOfKey(key);
    expect(atSepay.filter((invoice) => invoice.status === 'issued')).toHaveLength(1);
    expect(atSepay.map((invoice) => invoice.reference_code)).toEqual([key]);
  });

  it('issue job still pending at the re-run: the re-run follows that job instead of failing SepayReferenceConflict', async () => {
    const key = uniqueKey('rerun-pending');
    await terminatedWhileIssuing(key, options(), { settle: false });
    const rerun = await invoices().issue(key, sampleInvoice, options());
    await eventually(() => rerun.handle.query(getInvoiceStatusQuery), (status) => status.stage === 'awaiting-issuance', 'the re-run follows the issuance');
    await env.sim.clearFaults();
    const result = await rerun.handle.result();
    await saveHistory(rerun.handle, 'rerun-follows-pending-issue');
    const [atSepay] = await invoicesOfKey(key);
    expect(issuedNumber(result)).toBe(atSepay!.invoice_number);
    expect(atSepay!.status).toBe('issued');
  });
});

it('finding 2: a direct-mode re-run over a draft left by a failed issue job issues that draft for real', async () => {
  const key = uniqueKey('direct-over-draft');
  await env.sim.addFault({ endpoint: 'issue', kind: 'job-fail', times: 1, message: 'Ký số thất bại' });
  const first = await invoices().issue(key, sampleInvoice, options());
  expect((await failureOf(first.handle.result())).type).toBe(FailureType.SepayJobFailed);

  const rerun = await invoices().issue(key, sampleInvoice, options({ mode: 'direct' }));
  const result = await rerun.handle.result();
  await saveHistory(rerun.handle, 'rerun-direct-over-draft');
  const [atSepay] = await invoicesOfKey(key);
  expect(atSepay!.status).toBe('issued');
  expect(issuedNumber(result)).not.toBe('0');
  expect(issuedNumber(result)).toBe(atSepay!.invoice_number);
});

it('finding 3: a re-run with a corrected unit price replaces the stale draft and issues the corrected total', async () => {
  const key = uniqueKey('corrected');
  const first = await invoices().issue(key, sampleInvoice, options({ approval: 'manual' }));
  await waitForStage(first.handle, 'awaiting-approval');
  await first.handle.terminate('wrong price');

  const rerun = await invoices().issue(key, correctedInvoice, options());
  const result = await rerun.handle.result();
  await saveHistory(rerun.handle, 'rerun-replaces-stale-draft');
  if (result.outcome !== 'issued') throw new Error('expected issued');
  const atSepay = await invoicesOfKey(key);
  const stale = atSepay.find((invoice) => invoice.reference_code === key)!;
  const corrected = atSepay.find((invoice) => invoice.reference_code === referenceCodeFor(key, 2))!;
  expect(stale.status).toBe('deleted');
  expect(corrected.status).toBe('issued');
  expect(result.invoice.referenceCode).toBe(corrected.reference_code);
  expect(result.invoice.totalAmount).toBe(corrected.total_amount);
  expect(corrected.total_amount).not.toBe(stale.total_amount);
});

it('finding 4: pollInitialInterval above pollMaximumInterval is refused as InvalidInvoiceInput, not a workflow-task loop', async () => {
  const handle = await env.start(uniqueKey('poll-order'), { pollInitialInterval: '5s', pollMaximumInterval: '1s' });
  const failure = await failureOf(handle.result());
  expect(failure.type).toBe(FailureType.InvalidInvoiceInput);
  expect(failure.message).toContain('pollInitialInterval');
  const history = await handle.fetchHistory();
  expect(history.events?.some((event) => event.workflowTaskFailedEventAttributes)).toBe(false);
});

it('finding 5: an issue response lost and then a failed issue job ends SepayJobFailed, not a 24-hour wait', async () => {
  // Jobs settle only after the retried issue request looked at the invoice: it finds the lost job still running.
  await env.sim.setJobChecks(1, 5_000);
  await env.sim.addFault({ endpoint: 'issue', kind: 'drop-after-commit', times: 1 });
  await env.sim.addFault({ endpoint: 'issue', kind: 'job-fail', message: 'Ký số thất bại' });
  const handle = await env.start(uniqueKey('lost-then-failed'), { ...options(), issuanceTimeout: '1 minute' });
  const failure = await failureOf(handle.result());
  await saveHistory(handle, 'issue-lost-then-job-failed');
  expect(failure.type).toBe(FailureType.SepayJobFailed);
});

describe('finding 6: a code taken with nothing behind it', () => {
  /** A first run whose create job fails after the run was terminated: nobody records the spent code. */
  async function createFailedAfterTermination(key: string) {
    await env.sim.setJobChecks(1_000_000, null);
    const first = await invoices().issue(key, sampleInvoice, options());
    await waitForStage(first.handle, 'awaiting-creation');
    await first.handle.terminate('stuck');
    await env.sim.addFault({ endpoint: 'create', kind: 'job-fail', referenceCode: key });
    await env.sim.setJobChecks(0, 100);
    await eventually(() => invoicesOfKey(key), (found) => found[0]?.status === 'failed', 'the create job failed');
  }

  it('the client names the earlier create: the re-run reads its failed job and moves on to the next code at once', async () => {
    const key = uniqueKey('spent-known');
    await createFailedAfterTermination(key);
    const rerun = await invoices().issue(key, sampleInvoice, options());
    const result = await rerun.handle.result();
    if (result.outcome !== 'issued') throw new Error('expected issued');
    expect(result.invoice.referenceCode).toBe(referenceCodeFor(key, 2));
  });

  it('a plain start (no InvoiceClient, no hints) reads the earlier run from Temporal and moves on to the next code at once', async () => {
    const key = uniqueKey('spent');
    await createFailedAfterTermination(key);
    const second = await env.client.workflow.start('issueInvoiceWorkflow', {
      taskQueue: env.taskQueue,
      workflowId: workflowIdFor(key),
      args: [{ invoiceKey: key, invoice: sampleInvoice, options: options({ creationTimeout: '4s' }) }],
    });
    const result = await second.result();
    await saveHistory(second, 'reference-code-spent');
    if (result.outcome !== 'issued') throw new Error('expected issued');
    expect(result.invoice.referenceCode).toBe(referenceCodeFor(key, 2));
    expect((await second.query(getInvoiceStatusQuery)).sent).toContainEqual(expect.objectContaining({ referenceCode: key, spent: true }));
  });
});

it('finding 7: a typo in a line field is refused by name before anything reaches SePay', async () => {
  const before = await env.sim.stats();
  const typo = { ...sampleInvoice, items: [{ ...sampleInvoice.items[0]!, taxrate: 10 }] };
  const failure = await failureOf((await env.start(uniqueKey('typo'), options(), typo)).result());
  expect(failure.type).toBe(FailureType.InvalidInvoiceInput);
  expect(failure.message).toContain('invoice.items.0.taxrate');
  expect((await env.sim.stats()).total).toBe(before.total);
});

it('finding 8: a 404 for a job SePay has just accepted is waited out, and the invoice is issued', async () => {
  await env.sim.setModes({ trackingNotFoundChecks: 3 });
  const handle = await env.start(uniqueKey('not-found-yet'), options());
  const result = await handle.result();
  expect(result.outcome).toBe('issued');
});

it('finding 9: a compensation that cannot delete the draft ends CompensationFailed, stage failed, the draft named', async () => {
  const key = uniqueKey('compensation-fails');
  await env.sim.addFault({ endpoint: 'delete', kind: 'error', status: 500 });
  const handle = await env.start(key, options({ approval: 'manual', creationTimeout: '3s' }));
  await waitForStage(handle, 'awaiting-approval');
  const answer = await handle.executeUpdate(requestCancellationUpdate, { args: [{ reason: 'wrong order' }] });
  expect(answer.accepted).toBe(true);
  const failure = await failureOf(handle.result());
  await saveHistory(handle, 'compensation-failed');
  expect(failure.type).toBe(FailureType.CompensationFailed);
  expect(failure.message).toContain(key);
  const status = await handle.query(getInvoiceStatusQuery);
  expect(status.stage).toBe('failed');
  expect(status.draft).toContain('may remain');
  expect((await invoicesOfKey(key))[0]!.status).toBe('draft');
});

it('a cancel update before the point of no return is still refused once SePay is found issuing', async () => {
  const key = uniqueKey('found-issuing');
  await terminatedWhileIssuing(key, options({ approval: 'manual' }), { settle: false });
  const rerun = await invoices().issue(key, sampleInvoice, options({ approval: 'manual' }));
  await eventually(() => rerun.handle.query(getInvoiceStatusQuery), (status) => status.pointOfNoReturn, 'the re-run knows the issue was sent');
  const refused = await rerun.handle.executeUpdate(requestCancellationUpdate, { args: [{ reason: 'too late' }] }).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
  await env.sim.clearFaults();
  expect((await rerun.handle.result()).outcome).toBe('issued');
  await saveHistory(rerun.handle, 'rerun-found-issuing-refuses-cancel');
});

it("a re-run cancelled while the earlier run's create is still at SePay waits for that create and deletes its draft (model test, I2)", async () => {
  const key = uniqueKey('earlier-create');
  await env.sim.setJobChecks(1_000_000, null);
  const first = await invoices().issue(key, sampleInvoice, options());
  await waitForStage(first.handle, 'awaiting-creation');
  await first.handle.terminate('stuck');

  const rerun = await invoices().issue(key, sampleInvoice, options({ mode: 'direct' }));
  await eventually(() => rerun.handle.query(getInvoiceStatusQuery), (status) => status.stage === 'awaiting-creation', "the re-run follows the earlier run's create");
  await invoices().cancel(key, 'wrong order');
  await env.sim.setJobChecks(0, 100);
  const result = await rerun.handle.result();
  await saveHistory(rerun.handle, 'rerun-cancelled-while-earlier-create-pending');
  expect(result).toMatchObject({ outcome: 'cancelled', draftDeleted: true });
  expect((await invoicesOfKey(key)).map((invoice) => invoice.status)).toEqual(['deleted']);
});

it("a re-run whose earlier create succeeded but whose draft was deleted since moves to the next code instead of waiting (model test soak, I5)", async () => {
  const key = uniqueKey('deleted-since');
  const first = await invoices().issue(key, sampleInvoice, options({ approval: 'manual' }));
  await waitForStage(first.handle, 'awaiting-approval');
  // Deleted, and the run that made it terminated before it could record the code spent.
  const sepay = new SepayClient({ environment: { baseUrl: env.simulator.baseUrl }, clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET });
  await sepay.deleteDraft(key);
  await first.handle.terminate('draft deleted by hand');

  const rerun = await invoices().issue(key, sampleInvoice, options());
  const result = await rerun.handle.result();
  if (result.outcome !== 'issued') throw new Error('expected issued');
  expect(result.invoice.referenceCode).toBe(referenceCodeFor(key, 2));
  expect((await invoicesOfKey(key)).map((invoice) => invoice.status)).toEqual(['deleted', 'issued']);
});

it('a cancel whose create job is still pending at SePay past the deadline ends CompensationFailed, never cancelled with a draft to come (model test, I2)', async () => {
  const key = uniqueKey('create-pending-cancel');
  await env.sim.addFault({ endpoint: 'create', kind: 'job-pending-forever' });
  const handle = await env.start(key, options({ creationTimeout: '4s' }));
  await waitForStage(handle, 'awaiting-creation');
  await handle.cancel();
  const failure = await failureOf(handle.result());
  expect(failure.type).toBe(FailureType.CompensationFailed);
  expect((await handle.query(getInvoiceStatusQuery)).draft).toContain('may appear');
});
