/**
 * InvoiceClient without a server: input is refused before anything reaches Temporal, and the pure
 * pieces (reference generation after an ended run, list queries, failure types) behave.
 */
import { ApplicationFailure, Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { failureType } from '../../client/failure-type.js';
import { InvoiceClient } from '../../client/invoice-client.js';
import { invoiceListQuery } from '../../client/invoice-listing.js';
import { InvalidInvoiceInputError, validateIssueInput } from '../../client/issue-input.js';
import { FailureType } from '../../contract/failure-types.js';
import { type IssueInvoiceInput } from '../../contract/input.js';
import { sampleInvoice } from './sample-invoice.js';

const invoice: IssueInvoiceInput['invoice'] = sampleInvoice();

const badInvoice = {
  ...invoice,
  currency: 'EUR',
  items: [{ ...invoice.items[0]!, quantity: 1.234 }],
} as unknown as IssueInvoiceInput['invoice'];

describe('InvoiceClient.issue with invalid input', () => {
  let connection: Connection | undefined;
  afterEach(async () => {
    await connection?.close();
  });

  it('throws InvalidInvoiceInputError naming every bad field and contacts no server', async () => {
    // A lazy connection to a port nothing listens on: any call would fail, none may be made.
    connection = Connection.lazy({ address: '127.0.0.1:1' });
    const client = new Client({ connection });
    const start = vi.spyOn(client.workflow, 'start');
    const getHandle = vi.spyOn(client.workflow, 'getHandle');
    const invoices = new InvoiceClient({ client });

    const error = await invoices.issue('order 1', badInvoice, { mode: 'fast' as 'direct' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidInvoiceInputError);
    const { type, issues } = error as InvalidInvoiceInputError;
    expect(type).toBe('InvalidInvoiceInput');
    expect(issues.map((issue) => issue.split(':')[0])).toEqual(['invoiceKey', 'invoice.currency', 'invoice.items.0.quantity', 'options.mode']);
    expect(issues).toContain('invoice.items.0.quantity: at most 2 decimal places');
    expect(start).not.toHaveBeenCalled();
    expect(getHandle).not.toHaveBeenCalled();
  });
});

describe('validateIssueInput', () => {
  it('returns the input with every option defaulted', () => {
    const input = validateIssueInput({ invoiceKey: 'order-1', invoice });
    expect(input.options).toMatchObject({ mode: 'draft-then-issue', approval: 'auto', referenceGeneration: 1 });
  });
});

describe('invoiceListQuery', () => {
  it('filters by workflow type, and by stage when given', () => {
    expect(invoiceListQuery()).toBe(`WorkflowType = 'issueInvoiceWorkflow'`);
    expect(invoiceListQuery('awaiting-approval')).toBe(`WorkflowType = 'issueInvoiceWorkflow' AND InvoiceStage = 'awaiting-approval'`);
  });

  it('refuses a stage the workflow never enters (nothing is pasted into the query)', () => {
    expect(() => invoiceListQuery(`issued' OR WorkflowType = 'other`)).toThrow(RangeError);
  });
});

describe('failureType', () => {
  it('reads the stable type of a failed workflow, and of input refused before starting', () => {
    const failed = new WorkflowFailedError('Workflow execution failed', ApplicationFailure.nonRetryable('job failed', FailureType.SepayJobFailed), 'NON_RETRYABLE_FAILURE');
    expect(failureType(failed)).toBe('SepayJobFailed');
    expect(failureType(new InvalidInvoiceInputError(['invoice: required']))).toBe('InvalidInvoiceInput');
    expect(failureType(new Error('connection refused'))).toBeUndefined();
  });
});
