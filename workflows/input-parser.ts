/**
 * Turns a start's raw input into the parsed input (defaults applied), or the typed failure that
 * names every bad field. `parseIssueInput` serves the `parseIssueInput` local activity (every new
 * run); `parseLegacyIssueInput` serves the workflow itself when it replays a run started before
 * that activity existed, with the rules that run was checked by (input-legacy.ts).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { FailureType } from '../contract/failure-types.js';
import { describeIssues, IssueInvoiceInputSchema, type ParsedIssueInvoiceInput } from '../contract/input.js';
import { LegacyIssueInvoiceInputSchema } from './input-legacy.js';

export function parseIssueInput(rawInput: unknown): ParsedIssueInvoiceInput {
  return parseWith(IssueInvoiceInputSchema, rawInput);
}

export function parseLegacyIssueInput(rawInput: unknown): ParsedIssueInvoiceInput {
  return parseWith(LegacyIssueInvoiceInputSchema, rawInput);
}

function parseWith(schema: z.ZodType<ParsedIssueInvoiceInput>, rawInput: unknown): ParsedIssueInvoiceInput {
  const parsed = schema.safeParse(rawInput);
  if (parsed.success) return parsed.data;
  throw ApplicationFailure.create({
    type: FailureType.InvalidInvoiceInput,
    message: `invalid invoice input: ${describeIssues(parsed.error).join('; ')}`,
    nonRetryable: true,
    details: [{ issues: describeIssues(parsed.error) }],
  });
}
