/**
 * The reconciliation rules case by case: one SePay invoice and the runs of its key in, the
 * findings out; then, row by row, whether an orphan draft may be deleted given what SePay and the
 * key's latest run say right before the deletion. The integration test
 * (test/integration/reconciliation.test.ts) shows the same rules against real runs and a simulator
 * holding 10,000 invoices.
 */
import { describe, expect, it } from 'vitest';
import { classifyInvoice, deletionVerdict, issuedDateMs, type InvoiceRunView, type LatestRun, type ListedInvoice, type RunRecord } from '../../activities/reconciliation-rules.js';
import type { ReferenceCodeRecord } from '../../contract/messages.js';
import { parseReferenceCode } from '../../contract/reference-code-key.js';

const HOUR = 3_600_000;
const asOfMs = Date.parse('2026-03-10T12:00:00+07:00');
const rules = { asOfMs, draftAgeThresholdMs: 24 * HOUR };

function invoice(overrides: Partial<ListedInvoice> = {}): ListedInvoice {
  return { reference_code: 'order-1', invoice_number: '0000007', status: 'issued', issued_date: '2026-03-10', source: 'api', ...overrides };
}

function run(overrides: Partial<InvoiceRunView> = {}): InvoiceRunView {
  return { workflowId: 'invoice-order-1', runId: 'r1', status: 'COMPLETED', startTimeMs: 1, stage: 'issued', referenceCode: 'order-1', invoiceNumber: '0000007', ...overrides };
}

const kinds = (listed: ListedInvoice, runs: InvoiceRunView[]) => classifyInvoice(listed, runs, rules).map((finding) => finding.kind);

describe('classifyInvoice', () => {
  it('finds nothing when the latest run says issued with the number SePay shows', () => {
    expect(kinds(invoice(), [run()])).toEqual([]);
  });

  it.each(['FAILED', 'TERMINATED', 'TIMED_OUT'])('reports an issued invoice whose latest run is %s', (status) => {
    const [finding] = classifyInvoice(invoice(), [run({ status, stage: 'awaiting-issuance' })], rules);
    expect(finding).toMatchObject({ kind: 'issued-without-run', runStatus: status, runStage: 'awaiting-issuance', invoiceKey: 'order-1' });
  });

  it('reports an issued invoice no run of its key ever worked on', () => {
    expect(classifyInvoice(invoice(), [], rules)).toMatchObject([{ kind: 'issued-without-run', runStatus: 'none' }]);
  });

  it('judges by the latest run: an older failed run does not count once a newer one says issued', () => {
    expect(kinds(invoice(), [run({ runId: 'old', status: 'FAILED', stage: 'failed', startTimeMs: 1 }), run({ startTimeMs: 2 })])).toEqual([]);
    expect(kinds(invoice(), [run({ startTimeMs: 1 }), run({ runId: 'new', status: 'FAILED', stage: 'failed', startTimeMs: 2 })])).toEqual(['issued-without-run']);
  });

  it('leaves an issued invoice alone while a run of its key is open: that run adopts it', () => {
    expect(kinds(invoice(), [run({ status: 'RUNNING', stage: 'awaiting-issuance' })])).toEqual([]);
  });

  it('reports a run that says issued where SePay shows another number or a draft', () => {
    expect(classifyInvoice(invoice(), [run({ invoiceNumber: '0000099' })], rules)).toMatchObject([
      { kind: 'run-status-differs', sepayInvoiceNumber: '0000007', runInvoiceNumber: '0000099' },
    ]);
    expect(kinds(invoice({ status: 'draft', invoice_number: '0', issued_date: '2026-01-01' }), [run()])).toEqual(['run-status-differs']);
  });

  it('matches a run by the reference code it recorded: a run issued under another generation does not cover this code', () => {
    expect(kinds(invoice({ reference_code: 'order-1~2' }), [run()])).toEqual(['issued-without-run']);
    expect(kinds(invoice({ reference_code: 'order-1~2' }), [run({ referenceCode: 'order-1~2' })])).toEqual([]);
  });

  it('reports a draft older than the threshold with no open run, not a younger one nor one with an open run', () => {
    const old = invoice({ status: 'draft', invoice_number: '0', issued_date: '2026-03-08 09:00:00' });
    expect(classifyInvoice(old, [], rules)).toMatchObject([{ kind: 'orphan-draft', runStatus: 'none' }]);
    expect(kinds(old, [run({ status: 'TERMINATED', stage: 'awaiting-approval' })])).toEqual(['orphan-draft']);
    expect(kinds(old, [run({ status: 'RUNNING', stage: 'awaiting-approval' })])).toEqual([]);
    expect(kinds(invoice({ status: 'draft', invoice_number: '0', issued_date: '2026-03-10 08:00:00' }), [])).toEqual([]);
  });

  it('reports a manual invoice whatever its status and code', () => {
    expect(kinds(invoice({ source: 'manual', reference_code: 'f47ac10b-58cc-4372-a567-0e02b2c3d479' }), [])).toEqual(['manual']);
    expect(kinds(invoice({ source: 'manual', status: 'draft', issued_date: '2020-01-01' }), [])).toEqual(['manual']);
  });

  it('treats a code that no key can produce as having no run', () => {
    expect(kinds(invoice({ reference_code: 'not ours/1' }), [run()])).toEqual(['issued-without-run']);
  });
});

describe('deletionVerdict', () => {
  const plainDraft = { reference_code: 'order-1', status: 'draft', issued_date: '2026-03-08 09:00:00', provider_status: '1' } as const;
  const latest = (status: string, closeTimeMs?: number): Pick<LatestRun, 'runId' | 'status' | 'closeTimeMs'> => ({ runId: 'run-1', status, closeTimeMs });
  const closed = latest('TERMINATED', asOfMs - HOUR);
  /** The closed run's record: what it sent under order-1 (`seen`: it saw the draft or knows its create's tracking code). */
  const record = (entry: Partial<ReferenceCodeRecord> | undefined, runId = 'run-1'): RunRecord => ({
    runId,
    sent: entry ? [{ referenceCode: 'order-1', createSent: true, issueRequested: false, spent: false, ...entry }] : [],
  });
  const seen = record({ draftSeen: true });

  it.each([
    ['a plain old draft, no run ever', 'delete', plainDraft, undefined, undefined],
    ['a plain old draft, its run closed before asOf and saw it', 'delete', plainDraft, closed, seen],
    ['its run knows the create\'s tracking code', 'delete', plainDraft, closed, record({ createTrackingCode: 'job-1' })],
    ['a detail without provider_status', 'delete', { reference_code: 'order-1', status: 'draft', issued_date: '2026-03-08' }, undefined, undefined],
    ['its run sent the create and never saw the draft (answer lost)', 'unknown-to-runs', plainDraft, closed, record({})],
    ['its run\'s record names no such code', 'unknown-to-runs', plainDraft, closed, record(undefined)],
    ['its run\'s record could not be read', 'unknown-to-runs', plainDraft, closed, undefined],
    ['the record read is of another run', 'unknown-to-runs', plainDraft, closed, record({ draftSeen: true }, 'run-0')],
    ['a run of the key open now', 'open-run', plainDraft, latest('RUNNING'), undefined],
    ['a run closed after asOf', 'recent-run', plainDraft, latest('COMPLETED', asOfMs + 1), seen],
    ['a closed run without a close time', 'recent-run', plainDraft, latest('FAILED'), seen],
    ['issued since the page was read', 'not-a-draft', { ...plainDraft, status: 'issued' }, undefined, undefined],
    ['being issued (provider_status past "1")', 'not-a-draft', { ...plainDraft, provider_status: '3' }, undefined, undefined],
    ['dated within the threshold', 'young-draft', { ...plainDraft, issued_date: '2026-03-10 08:00:00' }, undefined, undefined],
    ['a date that cannot be read', 'young-draft', { ...plainDraft, issued_date: '08/03/2026' }, undefined, undefined],
    ['gone at SePay', 'not-found', undefined, latest('RUNNING'), undefined],
  ] as const)('%s: %s', (_, verdict, draft, run, runRecord) => {
    expect(deletionVerdict(draft, run, runRecord, rules)).toBe(verdict);
  });

  it('deletes nothing when asOf cannot be read (an activity scheduled by an older workflow)', () => {
    expect(deletionVerdict(plainDraft, undefined, undefined, { ...rules, asOfMs: Number.NaN })).toBe('young-draft');
  });
});

describe('reference codes and dates', () => {
  it.each([
    ['order-1', { invoiceKey: 'order-1', generation: 1 }],
    ['order-1~2', { invoiceKey: 'order-1', generation: 2 }],
    ['order-1~13', { invoiceKey: 'order-1', generation: 13 }],
    ['order-1~1', undefined],
    ['order-1~02', undefined],
    ["o'1", undefined],
    ['', undefined],
  ])('parses %j', (code, parsed) => {
    expect(parseReferenceCode(code)).toEqual(parsed);
  });

  it('reads issued_date as Vietnam time, with or without the time of day', () => {
    expect(issuedDateMs('2026-03-10')).toBe(Date.parse('2026-03-09T17:00:00Z'));
    expect(issuedDateMs('2026-03-10 09:30:00')).toBe(Date.parse('2026-03-10T02:30:00Z'));
    expect(issuedDateMs('10/03/2026')).toBeNaN();
  });
});
