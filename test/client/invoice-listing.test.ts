/**
 * The visibility query behind `list`: a run that was terminated or timed out keeps the stage it
 * last had, so a stage's open runs need the execution status in the query (issue #20).
 */
import { describe, expect, it } from 'vitest';
import { invoiceListQuery } from '../../client/invoice-listing.js';

describe('invoiceListQuery with openOnly', () => {
  it('keeps to running runs, with or without a stage', () => {
    expect(invoiceListQuery('awaiting-approval', { openOnly: true })).toBe(
      `WorkflowType = 'issueInvoiceWorkflow' AND InvoiceStage = 'awaiting-approval' AND ExecutionStatus = 'Running'`,
    );
    expect(invoiceListQuery(undefined, { openOnly: true })).toBe(`WorkflowType = 'issueInvoiceWorkflow' AND ExecutionStatus = 'Running'`);
  });

  it('lists ended runs too when not asked', () => {
    expect(invoiceListQuery('awaiting-approval', { openOnly: false })).toBe(`WorkflowType = 'issueInvoiceWorkflow' AND InvoiceStage = 'awaiting-approval'`);
  });
});
