/**
 * The run's input with its defaults, or the `InvalidInvoiceInput` failure naming every bad field.
 * New runs parse in a local activity: inside the sandbox, zod and the SePay schemas would be
 * evaluated again in every run's module cache (bench/README.md). The parser module is imported
 * lazily so new runs never evaluate it here.
 */
import { CancellationScope, patched, proxyLocalActivities } from '@temporalio/workflow';
import type { InputActivities } from '../activities/index.js';
import type { ParsedIssueInvoiceInput } from '../contract/input.js';
import { countEndedRun, failureCause } from './run-outcome.js';

/** Validation moved out of the sandbox; runs started before keep their in-sandbox parse on replay. */
export const VALIDATE_OUTSIDE_SANDBOX = 'validate-input-outside-sandbox';

const validation = proxyLocalActivities<InputActivities>({ summary: 'Validate the invoice input', startToCloseTimeout: '10 seconds' });

/** What validation answers: the parsed input, whose invoice is left out when it is the one the run started with. */
export type ValidatedInput = Omit<ParsedIssueInvoiceInput, 'invoice'> & { invoice?: ParsedIssueInvoiceInput['invoice'] };

/** Runs started before the local activity existed replay the in-sandbox parse (`legacy`). */
export async function parsedInput(rawInput: unknown, { legacy = false } = {}): Promise<ParsedIssueInvoiceInput> {
  try {
    // Not cancellable: a cancel that arrives meanwhile is honoured by the steps that follow.
    if (!legacy || patched(VALIDATE_OUTSIDE_SANDBOX)) {
      const validated = await CancellationScope.nonCancellable(() => validation.parseIssueInput(rawInput));
      // Valid, so the invoice it left out is the one the run started with.
      return { ...validated, invoice: validated.invoice ?? (rawInput as ParsedIssueInvoiceInput).invoice };
    }
    // The rules those runs were validated by: stricter ones would change what their replay decides.
    const { parseLegacyIssueInput } = await import(/* webpackMode: "eager" */ './input-parser.js');
    return parseLegacyIssueInput(rawInput);
  } catch (error) {
    countEndedRun('failed');
    throw failureCause(error);
  }
}
