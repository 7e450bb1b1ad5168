/**
 * Turns a start's raw input into the parsed input (defaults applied), or the typed failure that
 * names every bad field. Shared by the `parseIssueInput` local activity (new runs) and by the
 * workflow itself when it replays a run started before that activity existed.
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from './failure-types.js';
import { describeIssues, IssueInvoiceInputSchema, type ParsedIssueInvoiceInput } from './input.js';

export function parseIssueInput(rawInput: unknown): ParsedIssueInvoiceInput {
  const parsed = IssueInvoiceInputSchema.safeParse(rawInput);
  if (parsed.success) return parsed.data;
  throw ApplicationFailure.create({
    type: FailureType.InvalidInvoiceInput,
    message: `invalid invoice input: ${describeIssues(parsed.error).join('; ')}`,
    nonRetryable: true,
    details: [{ issues: describeIssues(parsed.error) }],
  });
}
