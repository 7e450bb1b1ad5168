/**
 * How a run's failures are told: the typed failure it ends with, the error shown in its status,
 * and the ended-runs metric. Shared by the current workflow and the one kept for replay.
 */
import { ActivityFailure, ApplicationFailure, metricMeter, TimeoutFailure } from '@temporalio/workflow';
import { FailureType } from '../contract/failure-types.js';
import type { InvoiceStatus } from '../contract/messages.js';

/**
 * `sepay_invoices_total{outcome}` (worker/metrics.ts). Not a command: the history is unchanged,
 * and the SDK drops metrics while replaying, so each run counts once.
 */
export function countEndedRun(outcome: 'issued' | 'cancelled' | 'failed'): void {
  metricMeter.createCounter('sepay_invoices_total', 'runs', 'Invoice runs that ended, by outcome').add(1, { outcome });
}

/** What an activity failed with: a regular activity's failure wraps it, a local activity's comes as it is. */
export function failureCause(error: unknown): unknown {
  return error instanceof ActivityFailure ? error.cause : error;
}

/** The typed failure behind `error` when it is of `type`, else undefined. */
export function typedFailure(error: unknown, type: FailureType): ApplicationFailure | undefined {
  const cause = failureCause(error);
  return cause instanceof ApplicationFailure && cause.type === type ? cause : undefined;
}

/** The first detail object of a typed failure, e.g. `{ job: 'create' }` or `{ spent: true }`. */
export function failureDetails(failure: ApplicationFailure): Record<string, unknown> {
  const [details] = (failure.details ?? []) as [Record<string, unknown>?];
  return details ?? {};
}

export function deadlineExceeded(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.DeadlineExceeded, message, nonRetryable: true });
}

/** The failure the workflow ends with: the activity's typed cause, or DeadlineExceeded on timeout. */
export function toWorkflowFailure(error: unknown): unknown {
  const cause = failureCause(error);
  if (cause instanceof TimeoutFailure) return deadlineExceeded(`${(error as ActivityFailure).activityType} did not finish before its deadline`);
  if (cause instanceof ApplicationFailure && cause.type === FailureType.StillPending) {
    return deadlineExceeded(`SePay had not finished before the deadline: ${cause.message}`);
  }
  return cause;
}

export function errorView(error: unknown): InvoiceStatus['lastError'] {
  const cause = failureCause(error);
  if (cause instanceof ApplicationFailure) return { type: cause.type ?? 'ApplicationFailure', message: cause.message };
  if (cause instanceof Error) return { type: cause.name, message: cause.message };
  return { type: 'Unknown', message: String(cause) };
}

/**
 * The run's failure with a note on where SePay may hold its invoice: the same type, the note after
 * its message, `facts` (the reference code, what was sent) added to its details, the original as
 * its cause. What the run then says is read from its own record, never from these details.
 */
export function failureNaming(error: unknown, note: string, facts: Record<string, unknown>): unknown {
  const cause = toWorkflowFailure(error);
  if (!(cause instanceof ApplicationFailure)) return cause;
  return ApplicationFailure.create({
    type: cause.type ?? FailureType.SepayUnavailable,
    message: `${cause.message} (${note})`,
    nonRetryable: true,
    details: [{ ...failureDetails(cause), ...facts }],
    cause,
  });
}
