/**
 * The activities' idempotency rules, one named test each: what an attempt does with a 409, a 400,
 * a 404, the attempt number, the heartbeat details an earlier attempt left and the time since the
 * step was scheduled. These rules decide whether a second invoice is ever created or issued, and
 * the integration tests can reach most of them only by racing a real worker; here each is set up
 * exactly, against the in-memory SePay of fake-sepay.ts, in `MockActivityEnvironment`.
 */
import { ApplicationFailure, type Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { AccountDirectory } from '../../activities/account-directory.js';
import { createActivities, type CreateInvoiceInput, type InvoiceActivityDeps } from '../../activities/invoice-activities.js';
import { FailureType } from '../../contract/failure-types.js';
import type { InvoiceContent } from '../../contract/input.js';
import { detailOf, FakeProviderAccounts, FakeSepay, fakeTokens, sepayError } from './fake-sepay.js';

const KEY = 'order-1001';
const ISSUED_DATE = '2026-11-20 09:30:00';

const invoice = {
  provider_account_id: 'acc-1',
  template_code: '1',
  invoice_series: 'C26TAA',
  currency: 'VND',
  payment_method: 'CK',
  buyer: { type: 'company', name: 'Công ty TNHH Ví Dụ', tax_code: '0101234567' },
  items: [
    { line_number: 1, line_type: 1, item_name: 'Sản phẩm A', unit: 'cái', quantity: 2, unit_price: 100_000, tax_rate: 10 },
    { line_number: 2, line_type: 1, item_name: 'Dịch vụ lắp đặt', unit: 'giờ', quantity: 1.5, unit_price: 200_000, tax_rate: 8, discount_amount: 10_000 },
  ],
  notes: 'Đơn hàng 1001',
} satisfies InvoiceContent;

const createInput = (extra: Partial<CreateInvoiceInput> = {}): CreateInvoiceInput => ({
  referenceCode: KEY,
  invoice: { ...invoice, issued_date: ISSUED_DATE },
  isDraft: true,
  ...extra,
});

/** What SePay holds after a create of `content` under `referenceCode`. */
function heldAtSepay(referenceCode: string, status: 'draft' | 'issued', content: InvoiceContent = invoice, invoiceNumber = status === 'issued' ? '00000042' : '0') {
  return detailOf({ ...content, issued_date: ISSUED_DATE, reference_code: referenceCode } as Parameters<typeof detailOf>[0], status, invoiceNumber);
}

const withPrice = (unitPrice: number): InvoiceContent => ({
  ...invoice,
  items: invoice.items.map((line, at) => (at === 0 ? { ...line, unit_price: unitPrice } : line)),
});

const MINUTE = 60_000;
const quietLogger = new DefaultLogger('ERROR');

interface Attempt {
  /** Runs an activity in this attempt's context. */
  run<A extends unknown[], R>(activity: (...args: A) => Promise<R>, ...args: A): Promise<R>;
  /** Every heartbeat the attempt sent, in order. */
  beats: unknown[];
}

/** One attempt of an activity: `scheduledAgoMs` is how long ago the step was first scheduled. */
function attempt({ scheduledAgoMs = 0, ...info }: Partial<Info> & { scheduledAgoMs?: number } = {}): Attempt {
  // Expected failures are logged at WARN by the SDK: noise here, where each is asserted.
  const env = new MockActivityEnvironment({ scheduledTimestampMs: Date.now() - scheduledAgoMs, ...info }, { logger: quietLogger });
  const beats: unknown[] = [];
  env.on('heartbeat', (details: unknown) => beats.push(details));
  function run<A extends unknown[], R>(activity: (...args: A) => Promise<R>, ...args: A): Promise<R> {
    return env.run<A, R, typeof activity>(activity, ...args);
  }
  return { run, beats };
}

function activitiesOver(sepay: FakeSepay, deps: Partial<InvoiceActivityDeps> = {}) {
  return createActivities({ sepay, tokens: fakeTokens, ...deps });
}

/** The ApplicationFailure an activity threw, so its type, retryability and details can be checked. */
async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ApplicationFailure)) throw new Error(`expected an ApplicationFailure, got ${String(error)}`);
  return error;
}

describe('createInvoice', () => {
  it('sends the create with the reference code and returns the tracking code', async () => {
    const sepay = new FakeSepay();
    const outcome = await attempt().run(activitiesOver(sepay).createInvoice, createInput());
    expect(outcome).toMatchObject({ referenceCode: KEY, providerAccountId: 'acc-1', trackingCode: 'job-1' });
    expect(outcome.existingStatus).toBeUndefined();
    expect(sepay.invoices.get(KEY)?.status).toBe('draft');
  });

  it('adopts the identical invoice behind a 409 and reports its status', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'issued'));
    const outcome = await attempt().run(activitiesOver(sepay).createInvoice, createInput());
    expect(outcome).toEqual({ referenceCode: KEY, providerAccountId: 'acc-1', existingStatus: 'issued' });
    expect(sepay.callsTo('createInvoice')).toEqual([KEY]);
  });

  it('refuses a 409 whose draft has other content: SepayReferenceConflict, not retryable, not spent', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft', withPrice(90_000)));
    const failure = await failureOf(attempt().run(activitiesOver(sepay).createInvoice, createInput()));
    expect(failure.type).toBe(FailureType.SepayReferenceConflict);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.details).toEqual([{ referenceCode: KEY, spent: false, differences: ['items.0.unit_price differs'] }]);
  });

  it('refuses a 409 whose issued invoice has other content: IssuedInvoiceDiffers naming the number', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'issued', withPrice(90_000), '00000077'));
    const failure = await failureOf(attempt().run(activitiesOver(sepay).createInvoice, createInput()));
    expect(failure.type).toBe(FailureType.IssuedInvoiceDiffers);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('invoice 00000077');
    expect(failure.details).toEqual([{ referenceCode: KEY, invoiceNumber: '00000077', differences: ['items.0.unit_price differs'] }]);
  });

  it('treats a code taken with nothing visible, within the window, as StillPending and remembers it in the heartbeat', async () => {
    const sepay = new FakeSepay();
    sepay.takenCodes.add(KEY);
    const { run, beats } = attempt({ scheduledAgoMs: MINUTE });
    const failure = await failureOf(run(activitiesOver(sepay).createInvoice, createInput()));
    expect(failure.type).toBe(FailureType.StillPending);
    expect(failure.nonRetryable).toBe(false);
    expect(beats).toContain('reference-code-taken');
  });

  it('answers spent at once for a code taken with nothing visible after the create job the record knows has ended', async () => {
    const sepay = new FakeSepay();
    sepay.takenCodes.add(KEY);
    sepay.jobs.set('earlier-job', { status: 'Success', message: 'created' });
    const outcome = await attempt().run(activitiesOver(sepay).createInvoice, createInput({ spentAsOutcome: true, knownCreateTrackingCode: 'earlier-job' }));
    expect(outcome).toMatchObject({ referenceCode: KEY, spent: true });
    // Still processing: only time tells, as without a known job.
    sepay.jobs.set('earlier-job', { status: 'Pending', message: 'still processing' });
    const pending = await failureOf(attempt().run(activitiesOver(sepay).createInvoice, createInput({ spentAsOutcome: true, knownCreateTrackingCode: 'earlier-job' })));
    expect(pending.type).toBe(FailureType.StillPending);
  });

  it('treats a code taken with nothing visible, past the window, as spent: SepayReferenceConflict with spent: true', async () => {
    const sepay = new FakeSepay();
    sepay.takenCodes.add(KEY);
    const failure = await failureOf(attempt({ scheduledAgoMs: 11 * MINUTE }).run(activitiesOver(sepay).createInvoice, createInput()));
    expect(failure.type).toBe(FailureType.SepayReferenceConflict);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.details).toEqual([{ referenceCode: KEY, spent: true }]);
    // Callers need do nothing: the next run of the key moves on by itself (issue #18).
    expect(failure.message).not.toContain('referenceGeneration');
  });

  it('with spentAsOutcome, a code taken and invisible past the window is an answer: spent, not a failure anyone could send', async () => {
    const sepay = new FakeSepay();
    sepay.takenCodes.add(KEY);
    const outcome = await attempt({ scheduledAgoMs: 11 * MINUTE }).run(activitiesOver(sepay).createInvoice, createInput({ spentAsOutcome: true }));
    expect(outcome).toMatchObject({ referenceCode: KEY, spent: true });
  });

  it('never sends the create again once an earlier attempt found the code taken: it only looks', async () => {
    const sepay = new FakeSepay();
    sepay.takenCodes.add(KEY);
    const still = await failureOf(
      attempt({ attempt: 2, heartbeatDetails: 'reference-code-taken', scheduledAgoMs: MINUTE }).run(activitiesOver(sepay).createInvoice, createInput()),
    );
    expect(still.type).toBe(FailureType.StillPending);

    // The earlier create finally shows up: adopted, still without a second create.
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft'));
    const outcome = await attempt({ attempt: 3, heartbeatDetails: 'reference-code-taken', scheduledAgoMs: 2 * MINUTE }).run(
      activitiesOver(sepay).createInvoice,
      createInput(),
    );
    expect(outcome).toMatchObject({ referenceCode: KEY, existingStatus: 'draft' });
    expect(sepay.callsTo('createInvoice')).toEqual([]);
    expect(sepay.callsTo('getInvoice')).toEqual([KEY, KEY]);
  });

  it('ignores a different issued_date when the date was the workflow default (issuedDateGiven: false)', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft'));
    const nextDay = { ...invoice, issued_date: '2026-11-21 08:00:00' };
    const outcome = await attempt().run(activitiesOver(sepay).createInvoice, createInput({ invoice: nextDay, issuedDateGiven: false }));
    expect(outcome.existingStatus).toBe('draft');
  });

  it('counts a different issued_date the caller gave as a different invoice', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft'));
    const nextDay = { ...invoice, issued_date: '2026-11-21 08:00:00' };
    const failure = await failureOf(attempt().run(activitiesOver(sepay).createInvoice, createInput({ invoice: nextDay })));
    expect(failure.type).toBe(FailureType.SepayReferenceConflict);
    expect(failure.message).toContain('issued_date differs');
  });

  it("lets the per-call unresolvedReferenceWindowMs override the worker's, longer or shorter", async () => {
    const sepay = new FakeSepay();
    sepay.takenCodes.add(KEY);
    const thirtyMinutesIn = () => attempt({ scheduledAgoMs: 30 * MINUTE });

    const worker10Minutes = activitiesOver(sepay, { unresolvedReferenceWindowMs: 10 * MINUTE });
    const longer = await failureOf(thirtyMinutesIn().run(worker10Minutes.createInvoice, createInput({ unresolvedReferenceWindowMs: 6 * 60 * MINUTE })));
    expect(longer.type).toBe(FailureType.StillPending);

    const worker6Hours = activitiesOver(sepay, { unresolvedReferenceWindowMs: 6 * 60 * MINUTE });
    const shorter = await failureOf(thirtyMinutesIn().run(worker6Hours.createInvoice, createInput({ unresolvedReferenceWindowMs: 10 * MINUTE })));
    expect(shorter.type).toBe(FailureType.SepayReferenceConflict);
    expect(shorter.details).toEqual([{ referenceCode: KEY, spent: true }]);
  });
});

describe('createInvoice: a 400 from SePay after the account cache vouched for the account', () => {
  const VAT_PAIR = { template_code: '1', invoice_series: 'C26TAA', invoice_label: '1 - C26TAA - Hóa đơn giá trị gia tăng' };
  const SALES_PAIR = { template_code: '2', invoice_series: 'C26TBB', invoice_label: '2 - C26TBB - Hóa đơn bán hàng' };
  const account = { id: 'acc-1', provider: 'matbao', active: true, tax_authority_approved_date: null, templates: [VAT_PAIR, SALES_PAIR] };

  /** A worker whose account cache has read `acc-1` as usable, as prepareInvoice leaves it; SePay then refuses the create with 400. */
  async function cachedThenRefused() {
    const sepay = new FakeSepay().failNext('createInvoice', sepayError('bad-request', 'createInvoice'));
    const providerAccounts = new FakeProviderAccounts([account]);
    const accounts = new AccountDirectory({ sepay: providerAccounts });
    await accounts.resolve(invoice);
    return { sepay, providerAccounts, activities: activitiesOver(sepay, { accounts }) };
  }

  it('answers the refusal as the outcome refused when asked, on the first attempt only: nothing was created', async () => {
    const { providerAccounts, activities } = await cachedThenRefused();
    providerAccounts.accounts = [{ ...account, active: false }];
    const outcome = await attempt().run(activities.createInvoice, createInput({ refusedAsOutcome: true }));
    expect(outcome.refused).toMatchObject({ type: FailureType.SepayAccountUnavailable });
    expect(outcome.trackingCode).toBeUndefined();
    // A later attempt's refusal proves nothing about the earlier one (its answer may have been lost after SePay committed it).
    const again = await cachedThenRefused();
    again.providerAccounts.accounts = [{ ...account, active: false }];
    const failure = await failureOf(attempt({ attempt: 2 }).run(again.activities.createInvoice, createInput({ refusedAsOutcome: true })));
    expect(failure).toMatchObject({ type: FailureType.SepayAccountUnavailable, nonRetryable: true });
  });

  it('fails SepayAccountUnavailable, not SepayValidationFailed, when a fresh read shows the account deactivated', async () => {
    const { providerAccounts, activities } = await cachedThenRefused();
    providerAccounts.accounts = [{ ...account, active: false }];
    const failure = await failureOf(attempt().run(activities.createInvoice, createInput()));
    expect(failure).toMatchObject({ type: FailureType.SepayAccountUnavailable, nonRetryable: true });
    expect(failure.message).toContain('acc-1');
    expect(providerAccounts.reads.detail).toBe(2);
  });

  it('fails SepayTemplateNotAllocated, listing what is allocated, when a fresh read shows the pair de-allocated', async () => {
    const { providerAccounts, activities } = await cachedThenRefused();
    providerAccounts.accounts = [{ ...account, templates: [SALES_PAIR] }];
    const failure = await failureOf(attempt().run(activities.createInvoice, createInput()));
    expect(failure).toMatchObject({ type: FailureType.SepayTemplateNotAllocated, nonRetryable: true });
    expect(failure.details).toEqual([
      { providerAccountId: 'acc-1', requested: { templateCode: '1', invoiceSeries: 'C26TAA' }, allocatedPairs: [{ templateCode: '2', invoiceSeries: 'C26TBB' }] },
    ]);
  });

  it("keeps SepayValidationFailed when the fresh read finds the account and pair usable: the 400 was about something else", async () => {
    const { providerAccounts, activities } = await cachedThenRefused();
    const failure = await failureOf(attempt().run(activities.createInvoice, createInput()));
    expect(failure).toMatchObject({ type: FailureType.SepayValidationFailed, nonRetryable: true });
    expect(providerAccounts.reads.detail).toBe(2);
  });

  it('keeps SepayValidationFailed when the fresh read itself fails: an outage says nothing about the account', async () => {
    const { providerAccounts, activities } = await cachedThenRefused();
    providerAccounts.getProviderAccount = () => Promise.reject(sepayError('unavailable'));
    const failure = await failureOf(attempt().run(activities.createInvoice, createInput()));
    expect(failure.type).toBe(FailureType.SepayValidationFailed);
  });
});

describe('prepareInvoice: what SePay holds for the key', () => {
  const inspect = async (sepay: FakeSepay, generation: number, content: InvoiceContent = invoice) => {
    const preparation = await attempt().run(activitiesOver(sepay).prepareInvoice, { invoiceKey: KEY, generation, invoice: content, issuedDate: ISSUED_DATE });
    return preparation.found;
  };

  it('answers absent when no generation has an invoice, after looking at every one', async () => {
    const sepay = new FakeSepay();
    await expect(inspect(sepay, 3)).resolves.toEqual({ status: 'absent' });
    expect(sepay.callsTo('getInvoice')).toEqual([`${KEY}~3`, `${KEY}~2`, KEY]);
  });

  it('finds generation 2 before generation 1', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft', withPrice(90_000)));
    sepay.invoices.set(`${KEY}~2`, heldAtSepay(`${KEY}~2`, 'issued'));
    const state = await inspect(sepay, 2);
    expect(state).toEqual({
      status: 'issued',
      generation: 2,
      referenceCode: `${KEY}~2`,
      invoiceNumber: '00000042',
      providerAccountId: 'acc-1',
      manual: false,
      differences: [],
    });
    expect(sepay.callsTo('getInvoice')).toEqual([`${KEY}~2`]);
  });

  it('names each difference from what this run asks for: a price, the buyer, an extra line', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft', withPrice(90_000)));
    await expect(inspect(sepay, 1)).resolves.toMatchObject({ status: 'draft', differences: ['items.0.unit_price differs'] });

    const renamed = { ...invoice, buyer: { ...invoice.buyer, name: 'Công ty Cổ phần Khác' } };
    await expect(inspect(sepay, 1, renamed)).resolves.toMatchObject({ differences: ['buyer.name differs', 'items.0.unit_price differs'] });

    const extraLine = { ...withPrice(90_000), items: [...withPrice(90_000).items, { line_number: 3, line_type: 4 as const, item_name: 'Ghi chú' }] };
    await expect(inspect(sepay, 1, extraLine)).resolves.toMatchObject({ differences: ['items: 3 lines asked, 2 at SePay'] });
  });

  it("marks a draft made in SePay's web UI as manual", async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, { ...heldAtSepay(KEY, 'draft'), source: 'manual' });
    const state = await inspect(sepay, 1);
    expect(state).toMatchObject({ status: 'draft', manual: true });
    expect(state.status !== 'absent' && state.differences.length).toBeGreaterThan(0);
  });

  it('turns an error other than 404 into a typed failure instead of reading it as absent', async () => {
    const sepay = new FakeSepay().failNext('getInvoice', sepayError('unavailable'));
    const failure = await failureOf(inspect(sepay, 1));
    expect(failure.type).toBe(FailureType.SepayUnavailable);
    expect(failure.nonRetryable).toBe(false);

    const refused = await failureOf(inspect(new FakeSepay().failNext('getInvoice', sepayError('auth')), 1));
    expect(refused.type).toBe(FailureType.SepayAuthFailed);
  });
});

describe('issueInvoice', () => {
  const issue = (sepay: FakeSepay, info: Partial<Info> = {}) => attempt(info).run(activitiesOver(sepay).issueInvoice, { referenceCode: KEY });

  it('sends the issue request for a draft and returns its tracking code', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft'));
    await expect(issue(sepay)).resolves.toEqual({ trackingCode: 'job-1' });
  });

  it('answers {} to a 409 (an issue job already in flight), so the workflow follows the invoice', async () => {
    const sepay = new FakeSepay().failNext('issueInvoice', sepayError('conflict', 'issueInvoice'));
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft'));
    await expect(issue(sepay)).resolves.toEqual({});
  });

  it('answers alreadyIssued to a 400 when the invoice is issued', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'issued'));
    await expect(issue(sepay)).resolves.toEqual({ alreadyIssued: true });
    expect(sepay.callsTo('issueInvoice')).toEqual([KEY]);
  });

  it('fails SepayValidationFailed on a 400 while the invoice is still a draft', async () => {
    const sepay = new FakeSepay().failNext('issueInvoice', sepayError('bad-request', 'issueInvoice'));
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft'));
    const failure = await failureOf(issue(sepay));
    expect(failure.type).toBe(FailureType.SepayValidationFailed);
    expect(failure.nonRetryable).toBe(true);
  });

  it('on a later attempt, finds the invoice issued and never sends the issue request again', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'issued'));
    await expect(issue(sepay, { attempt: 2 })).resolves.toEqual({ alreadyIssued: true });
    expect(sepay.callsTo('issueInvoice')).toEqual([]);
  });

  it('on a later attempt, sends the issue request when the invoice is still a draft', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft'));
    await expect(issue(sepay, { attempt: 2 })).resolves.toEqual({ trackingCode: 'job-1' });
    expect(sepay.callsTo('issueInvoice')).toEqual([KEY]);
  });
});

describe('awaitIssuance', () => {
  /** Attempt 1 would otherwise poll within its fast phase; a long interval makes it one check. */
  const oneCheck = { referenceCode: KEY, pollIntervalMs: MINUTE, fastPhaseMs: 0 };

  it('without a tracking code, asks a draft to issue again: a 409 means the earlier job still runs (StillPending)', async () => {
    const sepay = new FakeSepay().failNext('issueInvoice', sepayError('conflict', 'issueInvoice'));
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft'));
    const failure = await failureOf(attempt().run(activitiesOver(sepay).awaitIssuance, oneCheck));
    expect(failure.type).toBe(FailureType.StillPending);
    expect(sepay.callsTo('issueInvoice')).toEqual([KEY]);
  });

  it('without a tracking code, follows an accepted new issue request by its tracking code: a failed job ends SepayJobFailed', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft'));
    sepay.jobs.set('job-1', { status: 'Failed', message: 'chữ ký số không hợp lệ' });
    const { run, beats } = attempt();
    const failure = await failureOf(run(activitiesOver(sepay).awaitIssuance, oneCheck));
    expect(failure.type).toBe(FailureType.SepayJobFailed);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.details).toEqual([{ referenceCode: KEY, trackingCode: 'job-1', job: 'issue' }]);
    expect(beats).toContainEqual({ issueTrackingCode: 'job-1' });
    expect(sepay.callsTo('checkIssue')).toEqual(['job-1']);
  });

  it('without a tracking code, follows an accepted new issue request by its tracking code: a successful job is the outcome', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft'));
    const issued = { ...heldAtSepay(KEY, 'issued'), invoice_number: '00000051' };
    sepay.jobs.set('job-1', { status: 'Success', message: 'ok', invoice: issued });
    const { run, beats } = attempt();
    await expect(run(activitiesOver(sepay).awaitIssuance, oneCheck)).resolves.toEqual({ status: 'issued', invoiceNumber: '00000051' });
    expect(beats).toContainEqual({ issueTrackingCode: 'job-1' });
  });

  it('on a later attempt, checks the tracking code its heartbeat details name, without issuing again', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft'));
    sepay.jobs.set('job-7', { status: 'Pending', message: 'đang ký' });
    const later = { attempt: 2, heartbeatDetails: { issueTrackingCode: 'job-7' } };
    const failure = await failureOf(attempt(later).run(activitiesOver(sepay).awaitIssuance, oneCheck));
    expect(failure.type).toBe(FailureType.StillPending);
    expect(sepay.callsTo('checkIssue')).toEqual(['job-7']);
    expect(sepay.callsTo('issueInvoice')).toEqual([]);
    expect(sepay.callsTo('getInvoice')).toEqual([]);

    sepay.jobs.set('job-7', { status: 'Failed', message: 'lỗi ký' });
    const failed = await failureOf(attempt({ ...later, attempt: 3 }).run(activitiesOver(sepay).awaitIssuance, oneCheck));
    expect(failed.type).toBe(FailureType.SepayJobFailed);
  });

  it('a draft whose issue job is in flight answers 409 to another issue request (the fake, as SePay)', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft'));
    await sepay.issueInvoice(KEY);
    await expect(sepay.issueInvoice(KEY)).rejects.toMatchObject({ kind: 'conflict' });
    sepay.jobs.set('job-1', { status: 'Failed', message: 'lỗi ký' });
    await expect(sepay.issueInvoice(KEY)).resolves.toMatchObject({ tracking_code: 'job-2' });
  });

  /**
   * Issue #11 finding 5, second form: the beats after a re-sent issue request (the next check's, the
   * keepalive timer's) used to repeat the details the attempt started with, forgetting the new job.
   */
  it('within one attempt, keeps following a re-sent issue request by its tracking code and leaves that code as the last heartbeat', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft'));
    const { run, beats } = attempt();
    const failure = await failureOf(run(activitiesOver(sepay).awaitIssuance, { referenceCode: KEY, pollIntervalMs: 10, fastPhaseMs: 100 }));
    expect(failure.type).toBe(FailureType.StillPending);
    expect(sepay.callsTo('issueInvoice')).toEqual([KEY]);
    expect(sepay.callsTo('checkIssue').every((code) => code === 'job-1')).toBe(true);
    expect(beats.at(-1)).toEqual({ issueTrackingCode: 'job-1' });
  });

  it('without a tracking code, an invoice already issued is the outcome, with nothing sent', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'issued'));
    await expect(attempt().run(activitiesOver(sepay).awaitIssuance, oneCheck)).resolves.toEqual({ status: 'issued', invoiceNumber: '00000042' });
    expect(sepay.callsTo('issueInvoice')).toEqual([]);
  });
});

describe('404 grace after SePay accepted a job (deps.notFoundGraceMs)', () => {
  const GRACE = 2 * MINUTE;
  const deps = { notFoundGraceMs: GRACE };
  const checkCreate = { referenceCode: KEY, trackingCode: 'job-9', pollIntervalMs: MINUTE, fastPhaseMs: 0 };

  it('a 404 from a job check within the grace is StillPending', async () => {
    const sepay = new FakeSepay().failNext('checkCreate', sepayError('not-found', 'checkCreate'));
    const failure = await failureOf(attempt({ scheduledAgoMs: GRACE / 4 }).run(activitiesOver(sepay, deps).awaitCreation, checkCreate));
    expect(failure.type).toBe(FailureType.StillPending);
  });

  it('a 404 from a job check after the grace is believed: the typed 404 failure', async () => {
    const sepay = new FakeSepay().failNext('checkIssue', sepayError('not-found', 'checkIssue'));
    const failure = await failureOf(
      attempt({ scheduledAgoMs: GRACE * 2 }).run(activitiesOver(sepay, deps).awaitIssuance, { ...checkCreate, trackingCode: 'job-9' }),
    );
    expect(failure.type).toBe(FailureType.SepayValidationFailed);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.details).toEqual([{ status: 404, code: 'NOT-FOUND', endpoint: 'GET /v1/invoices/issue/check/{tracking_code}' }]);
  });

  const fetchDetail = (sepay: FakeSepay, scheduledAgoMs: number) =>
    attempt({ scheduledAgoMs }).run(activitiesOver(sepay, deps).fetchInvoiceDetail, { referenceCode: KEY, providerAccountId: 'acc-1' });

  it('fetchInvoiceDetail: a 404 within the grace is StillPending, after it the typed 404 failure', async () => {
    expect((await failureOf(fetchDetail(new FakeSepay(), GRACE / 4))).type).toBe(FailureType.StillPending);
    const believed = await failureOf(fetchDetail(new FakeSepay(), GRACE * 2));
    expect(believed.type).toBe(FailureType.SepayValidationFailed);
    expect(believed.nonRetryable).toBe(true);
  });

  it('fetchInvoiceDetail: an invoice still shown as a draft within the grace is StillPending', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft'));
    expect((await failureOf(fetchDetail(sepay, GRACE / 4))).type).toBe(FailureType.StillPending);
  });

  it('fetchInvoiceDetail: an issued invoice becomes the result, the provider account passed through', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'issued'));
    await expect(fetchDetail(sepay, 0)).resolves.toMatchObject({
      referenceCode: KEY,
      invoiceNumber: '00000042',
      status: 'issued',
      issuedDate: '2026-11-20',
      providerAccountId: 'acc-1',
      pdfUrl: `https://sepay.test/${KEY}.pdf`,
      xmlUrl: null,
    });
  });
});

describe('deleteDraft', () => {
  const deleteDraft = (sepay: FakeSepay) => attempt().run(activitiesOver(sepay).deleteDraft, { referenceCode: KEY });

  it('deletes a draft', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft'));
    await expect(deleteDraft(sepay)).resolves.toEqual({ deleted: true });
    expect(sepay.invoices.has(KEY)).toBe(false);
  });

  it('answers not-found to a 404: nothing to delete is not an error', async () => {
    await expect(deleteDraft(new FakeSepay())).resolves.toEqual({ deleted: false, status: 'not-found' });
  });

  it('answers status issued to a 400 when the invoice was issued meanwhile', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'issued'));
    await expect(deleteDraft(sepay)).resolves.toEqual({ deleted: false, status: 'issued' });
    expect(sepay.invoices.get(KEY)?.status).toBe('issued');
  });

  it('compares an invoice found issued with the create the run sent: its number and the differences', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'issued', withPrice(90_000), '00000077'));
    const { invoice, isDraft, issuedDateGiven } = createInput();
    const compared = await attempt().run(activitiesOver(sepay).deleteDraft, { referenceCode: KEY, compareWith: { invoice, isDraft, issuedDateGiven } });
    expect(compared).toEqual({ deleted: false, status: 'issued', issued: { invoiceNumber: '00000077', differences: ['items.0.unit_price differs'] } });
  });

  it('retries a 400 while the invoice is still a draft (an issue job in flight): StillPending', async () => {
    const sepay = new FakeSepay().failNext('deleteDraft', sepayError('bad-request', 'deleteDraft'));
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft'));
    const failure = await failureOf(deleteDraft(sepay));
    expect(failure.type).toBe(FailureType.StillPending);
    expect(failure.nonRetryable).toBe(false);
    expect(sepay.invoices.has(KEY)).toBe(true);
  });
});

describe('quota refusals past the point of no return are waited out in place, on the same code (issue #18)', () => {
  const QUOTA_MESSAGE = 'QUOTA_HAS_BEEN_USERD_UP: hạn ngạch hóa đơn đã hết';

  it('a 403 on the issue request is retryable: the same draft is asked again after the backoff', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft'));
    sepay.failNext('issueInvoice', sepayError('quota', 'issueInvoice'));
    const failure = await failureOf(attempt().run(activitiesOver(sepay).issueInvoice, { referenceCode: KEY }));
    expect(failure.type).toBe(FailureType.SepayQuotaExceeded);
    expect(failure.nonRetryable).toBe(false);
    expect(await attempt({ attempt: 2 }).run(activitiesOver(sepay).issueInvoice, { referenceCode: KEY })).toMatchObject({ trackingCode: expect.any(String) });
    expect(sepay.callsTo('createInvoice')).toEqual([]);
  });

  it('an issue job failing for quota is remembered, and the next attempt asks SePay to issue the draft again', async () => {
    const sepay = new FakeSepay();
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft'));
    const { trackingCode } = await attempt().run(activitiesOver(sepay).issueInvoice, { referenceCode: KEY });
    sepay.jobs.set(trackingCode!, { status: 'Failed', message: QUOTA_MESSAGE });
    const first = attempt();
    const failure = await failureOf(first.run(activitiesOver(sepay).awaitIssuance, { referenceCode: KEY, trackingCode }));
    expect(failure).toMatchObject({ type: FailureType.SepayQuotaExceeded, nonRetryable: false });
    expect(first.beats.at(-1)).toEqual({ issueTrackingCode: trackingCode, quotaFailed: true });
    const second = attempt({ attempt: 2, heartbeatDetails: first.beats.at(-1) });
    await failureOf(second.run(activitiesOver(sepay).awaitIssuance, { referenceCode: KEY, trackingCode }));
    expect(sepay.callsTo('issueInvoice')).toEqual([KEY, KEY]);
    expect(second.beats.at(-1)).toMatchObject({ issueTrackingCode: expect.not.stringMatching(trackingCode!) });
  });
});

describe("SePay's answers are results, not failures anyone could send (issue #18)", () => {
  it('a create job SePay reports failed is the outcome failed, with whether the quota was the reason', async () => {
    const sepay = new FakeSepay();
    sepay.jobs.set('job-7', { status: 'Failed', message: 'QUOTA_EXCEEDED' });
    sepay.jobs.set('job-8', { status: 'Failed', message: 'Sai thông tin người mua' });
    const activities = activitiesOver(sepay);
    expect(await attempt().run(activities.awaitCreation, { referenceCode: KEY, trackingCode: 'job-7', failedAsOutcome: true })).toMatchObject({ status: 'failed', quota: true });
    expect(await attempt().run(activities.awaitCreation, { referenceCode: KEY, trackingCode: 'job-8', failedAsOutcome: true })).toMatchObject({ status: 'failed', quota: false });
  });

  it('a create whose answer never came: looked for while a just-accepted job may be invisible, then gone', async () => {
    const sepay = new FakeSepay();
    const activities = activitiesOver(sepay);
    const early = await failureOf(attempt({ scheduledAgoMs: 10_000 }).run(activities.awaitCreation, { referenceCode: KEY, absentAfterGraceIsGone: true }));
    expect(early.type).toBe(FailureType.StillPending);
    expect(await attempt({ scheduledAgoMs: 3 * MINUTE }).run(activities.awaitCreation, { referenceCode: KEY, absentAfterGraceIsGone: true })).toMatchObject({ status: 'gone' });
    sepay.invoices.set(KEY, heldAtSepay(KEY, 'draft'));
    expect(await attempt({ scheduledAgoMs: 10_000 }).run(activities.awaitCreation, { referenceCode: KEY, absentAfterGraceIsGone: true })).toMatchObject({ status: 'draft' });
  });
});
