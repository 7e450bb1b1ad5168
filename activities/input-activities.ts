/**
 * Input validation as a local activity: in the worker's main thread zod and the SePay schemas are
 * loaded once, whereas inside the workflow sandbox every run evaluates them again in its own
 * module cache (bench/README.md measured ~14 ms CPU and ~1.8 MiB per cached run). It is also the
 * first thing every new run does, so an input that a worker requiring encryption received in
 * clear stops here, before anything reaches SePay.
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../contract/failure-types.js';
import type { ParsedIssueInvoiceInput } from '../contract/input.js';
import type { ValidatedInput } from '../workflows/validated-input.js';
import { parseIssueInput } from '../workflows/input-parser.js';
import { isUnencryptedPayload } from '../contract/unencrypted-payload.js';

export const inputActivities = {
  /**
   * The parsed input; without its invoice when that is the one the run was started with (the
   * result is stored in history: the invoice is there already, in the start event).
   */
  async parseIssueInput(rawInput: unknown): Promise<ValidatedInput> {
    if (isUnencryptedPayload(rawInput)) {
      throw ApplicationFailure.create({
        type: FailureType.PayloadNotEncrypted,
        message:
          'the workflow input arrived unencrypted and this worker requires payload encryption (PAYLOAD_ENCRYPTION_REQUIRED): ' +
          'start the invoice from a client that holds PAYLOAD_ENCRYPTION_KEYS; nothing was sent to SePay',
        nonRetryable: true,
      });
    }
    const parsed: ParsedIssueInvoiceInput = parseIssueInput(rawInput);
    const { invoice, ...rest } = parsed;
    const asStarted = (rawInput as { invoice?: unknown }).invoice;
    return JSON.stringify(invoice) === JSON.stringify(asStarted) ? rest : parsed;
  },
};

export type InputActivities = typeof inputActivities;
