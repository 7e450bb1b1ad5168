/**
 * The judge judged: each invariant of the model-based test flags the situation it names and lets
 * the honest one pass, on hand-made observations (no servers).
 */
import { describe, expect, it } from 'vitest';
import type { SimInvoice } from '../../simulator/control-client.js';
import type { IssueInvoiceResult } from '../../workflows/messages.js';
import { CONTENTS } from './contents.js';
import {
  atMostOneIssuedInvoicePerKey,
  cancelledMeansNothingIssued,
  contentDifferences,
  heldInvoiceIsReported,
  issuedMeansHeldAsAsked,
} from './invariants.js';
import type { RunFailure, RunObservation, SequenceObservation } from './observe.js';
import type { PublicInvoiceDetail } from './sepay-holdings.js';

const KEY = 'order-1';

function held(referenceCode: string, status: string, invoiceNumber = status === 'issued' ? '7' : '0'): SimInvoice {
  return { reference_code: referenceCode, status, invoice_number: invoiceNumber } as SimInvoice;
}

function run(ending: { result?: IssueInvoiceResult; failure?: RunFailure }, content: 'A' | 'B' = 'A'): RunObservation {
  const record = { runId: `run-${content}`, content, options: {}, settleRerun: false, cancels: [], terminated: false };
  return { record, status: ending.result ? 'COMPLETED' : 'FAILED', failedWorkflowTasks: [], ...ending };
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
