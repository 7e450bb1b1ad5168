/**
 * The stable failure type behind an error from `InvoiceClient`: what alerts and callers match on,
 * rather than class names or messages.
 */
import { ActivityFailure, ApplicationFailure, WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { type FailureType } from '../contract/failure-types.js';
import { InvalidInvoiceInputError } from './issue-input.js';

/**
 * `InvalidInvoiceInput` for input refused before starting; for a failed workflow or update, the
 * `type` of the `ApplicationFailure` it ended with (see `FailureType`); otherwise `undefined`
 * (a terminated or timed-out run, a connection problem...).
 */
export function failureType(error: unknown): FailureType | string | undefined {
  if (error instanceof InvalidInvoiceInputError) return error.type;
  let cause = error;
  while (cause instanceof WorkflowFailedError || cause instanceof WorkflowUpdateFailedError || cause instanceof ActivityFailure) {
    cause = cause.cause;
  }
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}
