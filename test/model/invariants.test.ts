/**
 * The judge judged: each invariant of the model-based test flags the situation it names and lets
 * the honest one pass, on hand-made observations (no servers).
 */
import { describe, expect, it } from 'vitest';
import type { SimInvoice } from '../../simulator/control-client.js';
import type { IssueInvoiceResult } from '../../contract/messages.js';
import { CONTENTS } from './contents.js';
import {
  atMostOneIssuedInvoicePerKey,
  boundedCostPerRun,
  cancelledMeansNothingIssued,
  contentDifferences,
  failureNamesCode,
  heldInvoiceIsReported,
  issuedMeansHeldAsAsked,
  malformedMessagesChangeNothing,
  MAX_HISTORY_EVENTS,
  noDraftLeftBehind,
} from './invariants.js';
import { newRunRecord, type MalformedMessage } from './model.js';
import { historyCost, type RunFailure, type RunObservation, type SequenceObservation } from './observe.js';
import type { PublicInvoiceDetail } from './sepay-holdings.js';

const KEY = 'order-1';

function held(referenceCode: string, status: string, invoiceNumber = status === 'issued' ? '7' : '0', requests: Partial<Pick<SimInvoice, 'create_requests' | 'issue_requests'>> = {}): SimInvoice {
  return { reference_code: referenceCode, status, invoice_number: invoiceNumber, create_requests: 1, issue_requests: status === 'issued' ? 1 : 0, ...requests } as SimInvoice;
}

/** One create, wait, issue and wait attempt each: what a run that met no trouble shows. */
const SMOOTH_RUN = { eventCount: 40, attempts: { createInvoice: 1, awaitCreation: 1, issueInvoice: 1, awaitIssuance: 1 } };

function run(ending: { result?: IssueInvoiceResult; failure?: RunFailure; status?: RunObservation['status'] }, content: 'A' | 'B' = 'A'): RunObservation {
  const record = newRunRecord(`run-${content}`, content, {});
  return { record, status: ending.result ? 'COMPLETED' : 'FAILED', failedWorkflowTasks: [], history: SMOOTH_RUN, ...ending };
}

function issuedResult(invoiceNumber: string, referenceCode = KEY): IssueInvoiceResult {
  return { outcome: 'issued', invoice: { referenceCode, invoiceNumber } as Extract<IssueInvoiceResult, { outcome: 'issued' }>['invoice'] };
}

/** SePay's §10 detail of content A: lines as 2-decimal strings. */
function detailOfA(): PublicInvoiceDetail {
  return {
    reference_code: KEY,
    invoice_number: '7',
    status: 'issued',
    buyer: { ...CONTENTS.A.buyer },
    items: CONTENTS.A.items.map((line) => ({
      line_number: line.line_number,
      item_name: line.item_name,
      unit: line.unit ?? null,
      quantity: line.quantity!.toFixed(2),
      unit_price: line.unit_price!.toFixed(2),
      total_amount: (line.quantity! * line.unit_price!).toFixed(2),
      tax_rate: Number(line.tax_rate).toFixed(2),
    })),
  };
}

function sequence(runs: RunObservation[], invoices: SimInvoice[], details: PublicInvoiceDetail[] = []): SequenceObservation {
  const issuedDetails = new Map(details.map((detail) => [detail.reference_code, detail]));
  return { keys: [{ key: KEY, runs, sepay: { invoices, issuedDetails } }], stillOpen: [] };
}

describe('I1', () => {
  it('flags a second issued invoice under the next generation, not a deleted one', () => {
    expect(atMostOneIssuedInvoicePerKey(sequence([], [held(KEY, 'issued'), held(`${KEY}~2`, 'issued', '8')]))).toHaveLength(1);
    expect(atMostOneIssuedInvoicePerKey(sequence([], [held(KEY, 'deleted'), held(`${KEY}~2`, 'issued')]))).toEqual([]);
  });
});

describe('I2', () => {
  const cancelled = run({ result: { outcome: 'cancelled', referenceCode: KEY, reason: 'r', draftDeleted: true } });
  it('flags a cancelled key with a draft left or an invoice issued', () => {
    expect(cancelledMeansNothingIssued(sequence([cancelled], [held(KEY, 'draft')]))).toHaveLength(1);
    expect(cancelledMeansNothingIssued(sequence([cancelled], [held(KEY, 'issued')]))).toHaveLength(1);
  });
  it('passes a cancelled key whose draft was deleted', () => {
    expect(cancelledMeansNothingIssued(sequence([cancelled], [held(KEY, 'deleted')]))).toEqual([]);
  });
});

describe('I3', () => {
  it('reads SePay decimal strings as the numbers asked for', () => {
    expect(contentDifferences(detailOfA(), CONTENTS.A)).toEqual([]);
  });
  it('flags an issued run whose content is not what SePay issued', () => {
    const violations = issuedMeansHeldAsAsked(sequence([run({ result: issuedResult('7') }, 'B')], [held(KEY, 'issued')], [detailOfA()]));
    expect(violations).toHaveLength(1);
    expect(violations[0]!.message).toMatch(/items\.0\.unit_price/);
  });
});

describe('I4', () => {
  const failed = (message: string, details: unknown[] = []) => run({ failure: { type: 'SepayReferenceConflict', message, details } });
  it('accepts a typed failure that names the issued number, in its message or details', () => {
    expect(heldInvoiceIsReported(sequence([failed('content differs from the issued invoice 7')], [held(KEY, 'issued')]))).toEqual([]);
    expect(heldInvoiceIsReported(sequence([failed('content differs', [{ invoiceNumber: '7' }])], [held(KEY, 'issued')]))).toEqual([]);
  });
  it('flags a failure that does not name it, and an issued result with another number', () => {
    expect(heldInvoiceIsReported(sequence([failed('HTTP 400: not a draft (items.7)')], [held(KEY, 'issued')]))).toHaveLength(1);
    expect(heldInvoiceIsReported(sequence([run({ result: issuedResult('6') })], [held(KEY, 'issued')]))).toHaveLength(1);
  });
});

describe('I6', () => {
  const issuedNext = run({ result: issuedResult('8', `${KEY}~2`) });
  it('flags a draft of the key left behind by a latest run that ended issued under the next code, or failed without naming it', () => {
    expect(noDraftLeftBehind(sequence([issuedNext], [held(KEY, 'draft'), held(`${KEY}~2`, 'issued', '8')]))).toHaveLength(1);
    const deadline = run({ failure: { type: 'DeadlineExceeded', message: 'no approval within 3s', details: [] } });
    expect(noDraftLeftBehind(sequence([deadline], [held(KEY, 'draft')]))).toHaveLength(1);
  });
  it('passes a draft the latest run names: CompensationFailed, or past the point of no return with issueRequested', () => {
    const compensation = run({ failure: { type: 'CompensationFailed', message: `the draft ${KEY} could not be deleted`, details: [{ referenceCode: KEY, draft: 'may-remain' }] } });
    expect(noDraftLeftBehind(sequence([compensation], [held(KEY, 'draft')]))).toEqual([]);
    const pastPoint = run({ failure: { type: 'SepayJobFailed', message: 'SePay issue job failed', details: [{ referenceCode: KEY, issueRequested: true }] } });
    expect(noDraftLeftBehind(sequence([pastPoint], [held(KEY, 'draft')]))).toEqual([]);
  });
  it('passes while the latest run is open or was terminated (the settle phase re-runs those), and a deleted draft', () => {
    expect(noDraftLeftBehind(sequence([run({ status: 'RUNNING' })], [held(KEY, 'draft')]))).toEqual([]);
    expect(noDraftLeftBehind(sequence([run({ status: 'TERMINATED' })], [held(KEY, 'draft')]))).toEqual([]);
    expect(noDraftLeftBehind(sequence([issuedNext], [held(KEY, 'deleted'), held(`${KEY}~2`, 'issued', '8')]))).toEqual([]);
  });
  it('reads a code as a whole: a failure about key~2 does not name key', () => {
    const aboutNext = run({ failure: { type: 'CompensationFailed', message: `the draft ${KEY}~2 could not be deleted`, details: [] } });
    expect(failureNamesCode(aboutNext, KEY)).toBe(false);
    expect(failureNamesCode(aboutNext, `${KEY}~2`)).toBe(true);
    expect(failureNamesCode(run({ failure: { message: `terminated with ${KEY}`, details: [] } }), KEY)).toBe(false);
  });
});

describe('I7', () => {
  it('passes SePay requests within the attempts the histories show', () => {
    expect(boundedCostPerRun(sequence([run({ result: issuedResult('7') })], [held(KEY, 'issued', '7', { create_requests: 1, issue_requests: 1 })]))).toEqual([]);
  });
  it('flags more create or issue requests than attempts, and a history past the bound', () => {
    const issued = run({ result: issuedResult('7') });
    expect(boundedCostPerRun(sequence([issued], [held(KEY, 'issued', '7', { create_requests: 2 })]))).toHaveLength(1);
    expect(boundedCostPerRun(sequence([issued], [held(KEY, 'issued', '7', { issue_requests: 3 })]))).toHaveLength(1);
    const long = { ...issued, history: { ...SMOOTH_RUN, eventCount: MAX_HISTORY_EVENTS + 1 } };
    expect(boundedCostPerRun(sequence([long], [held(KEY, 'issued')]))).toHaveLength(1);
  });
  it('counts an attempt that never ended and one in flight at termination', () => {
    const record = { attemptsAtTermination: { createInvoice: 2 } };
    const scheduled = (id: number, name: string) => ({ eventId: id, eventType: 10, activityTaskScheduledEventAttributes: { activityType: { name } } });
    const started = (scheduledEventId: number, attempt: number) => ({ eventType: 11, activityTaskStartedEventAttributes: { scheduledEventId, attempt } });
    const events = [scheduled(5, 'createInvoice'), started(5, 3), scheduled(9, 'createInvoice'), scheduled(12, 'issueInvoice')];
    // Plain numbers where the proto has Long ids: historyCost reads ids as strings either way.
    expect(historyCost(events as unknown as Parameters<typeof historyCost>[0], record)).toEqual({ eventCount: 4, attempts: { createInvoice: 6, issueInvoice: 1 } });
  });
});

describe('I8', () => {
  const withMessages = (malformed: MalformedMessage[], failedWorkflowTasks: string[] = []) => {
    const observed = run({ result: issuedResult('7') });
    return { ...observed, failedWorkflowTasks, record: { ...observed.record, malformed } };
  };
  it('passes refused messages and those that found the run closed', () => {
    const sent: MalformedMessage[] = [
      { what: 'cancelInvoice without argument', outcome: 'refused' },
      { what: 'requestCancellation without argument', outcome: 'closed' },
    ];
    expect(malformedMessagesChangeNothing(sequence([withMessages(sent)], []))).toEqual([]);
  });
  it('flags an accepted update, a signal never recorded, a change it made, and a failed workflow task', () => {
    expect(malformedMessagesChangeNothing(sequence([withMessages([{ what: 'requestCancellation without argument', outcome: 'accepted' }])], []))).toHaveLength(1);
    expect(malformedMessagesChangeNothing(sequence([withMessages([{ what: 'cancelInvoice without argument', outcome: 'not recorded' }])], []))).toHaveLength(1);
    expect(malformedMessagesChangeNothing(sequence([withMessages([{ what: 'approveIssuance with a string', outcome: 'refused', changed: 'approval' }])], []))).toHaveLength(1);
    const failedTask = withMessages([{ what: 'cancelInvoice without argument', outcome: 'refused' }], ['WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE: boom']);
    expect(malformedMessagesChangeNothing(sequence([failedTask], []))).toHaveLength(1);
  });
});
