/**
 * Maps a failed SePay call to the `ApplicationFailure` Temporal acts on: a stable `type`,
 * `nonRetryable` where sending the same request again cannot help, and the server's Retry-After as
 * the next retry delay.
 */
import { ApplicationFailure } from '@temporalio/common';
import { SepayError, type SepayErrorKind } from '../sepay/index.js';
import { FailureType } from '../contract/failure-types.js';

const TYPE_BY_KIND: Readonly<Record<SepayErrorKind, FailureType>> = {
  auth: FailureType.SepayAuthFailed,
  'bad-request': FailureType.SepayValidationFailed,
  'not-found': FailureType.SepayValidationFailed,
  'method-not-allowed': FailureType.SepayValidationFailed,
  quota: FailureType.SepayQuotaExceeded,
  conflict: FailureType.SepayReferenceConflict,
  unprocessable: FailureType.SepayRegistrationNotApproved,
  'rate-limited': FailureType.SepayRateLimited,
  unavailable: FailureType.SepayUnavailable,
  network: FailureType.SepayUnavailable,
  timeout: FailureType.SepayUnavailable,
  // A body that does not parse is most often a proxy's error page: worth another try.
  'invalid-response': FailureType.SepayUnavailable,
};

export function toApplicationFailure(error: unknown): unknown {
  if (!(error instanceof SepayError)) return error;
  const retryable = error.retryable || error.kind === 'invalid-response';
  return ApplicationFailure.create({
    type: TYPE_BY_KIND[error.kind],
    message: error.message,
    nonRetryable: !retryable,
    nextRetryDelay: error.retryAfterMs,
    details: [{ status: error.status ?? null, code: error.code, endpoint: error.endpoint }],
  });
}

/** Runs a SePay call and rethrows its failure as an `ApplicationFailure`. */
export async function sepayCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toApplicationFailure(error);
  }
}

export function isSepayError(error: unknown, ...kinds: SepayErrorKind[]): error is SepayError {
  return error instanceof SepayError && kinds.includes(error.kind);
}

/** A SePay job that has not finished yet: retried on the poll schedule, logged as benign. */
export function stillPending(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.StillPending, message, category: 'BENIGN' });
}
