/**
 * The two places an invalid input is refused, read the same way: the client's
 * `InvalidInvoiceInputError` before a start, and the workflow side's non-retryable
 * `InvalidInvoiceInput` ApplicationFailure. Tests assert the same issue lines from both.
 */
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'vitest';
import { InvalidInvoiceInputError, validateIssueInput } from '../../client/issue-input.js';
import { FailureType } from '../../contract/failure-types.js';
import { parseIssueInput } from '../../workflows/input-parser.js';
import { sampleInvoice } from '../client/sample-invoice.js';

/** A valid input whose parts a test may spoil (a fresh copy each call). */
export function validInput() {
  return { invoiceKey: 'order-2026-000123', invoice: sampleInvoice() as Record<string, unknown>, options: {} as Record<string, unknown> };
}

/** The issue lines of a refused input, after checking that client and workflow agree on them. */
export function issuesOf(input: unknown): string[] {
  let clientIssues: string[] | undefined;
  try {
    validateIssueInput(input);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInvoiceInputError);
    clientIssues = (error as InvalidInvoiceInputError).issues;
  }
  expect(clientIssues, 'the client accepted the input').toBeDefined();

  let failure: ApplicationFailure | undefined;
  try {
    parseIssueInput(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ApplicationFailure);
    failure = error as ApplicationFailure;
  }
  expect(failure, 'the workflow side accepted the input').toBeDefined();
  expect(failure!.type).toBe(FailureType.InvalidInvoiceInput);
  expect(failure!.nonRetryable).toBe(true);
  expect(failure!.details).toEqual([{ issues: clientIssues }]);
  return clientIssues!;
}

/** Both sides accept the input; returns the parsed input. */
export function accepted(input: unknown) {
  const parsed = validateIssueInput(input);
  expect(parseIssueInput(input)).toEqual(parsed);
  return parsed;
}
