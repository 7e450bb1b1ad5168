/**
 * Typed failures that say what SePay holds for a key, built the same way by the workflow and by
 * the activities, so the message and the details an operator or a client reads never drift.
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../contract/failure-types.js';

/** The key's invoice is issued with other content: nothing more may be issued for it. */
export function issuedInvoiceDiffers(referenceCode: string, invoiceNumber: string, differences: string[]): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.IssuedInvoiceDiffers,
    message:
      `invoice ${invoiceNumber} (reference code ${referenceCode}) is already issued at SePay with different content ` +
      `(${differences.join(', ')}); nothing was issued. A correction needs a replacement or adjustment invoice`,
    nonRetryable: true,
    details: [{ referenceCode, invoiceNumber, differences }],
  });
}

/** SePay shows the key's invoice cancelled (voided after issuance): issuing again is not ours to decide. */
export function cancelledAtSepay(referenceCode: string, invoiceNumber: string | undefined): ApplicationFailure {
  const invoice = invoiceNumber ? `invoice ${invoiceNumber}` : 'the invoice';
  return ApplicationFailure.create({
    type: FailureType.SepayReferenceConflict,
    message: `${invoice} (reference code ${referenceCode}) was issued and then cancelled at SePay; nothing was issued again`,
    nonRetryable: true,
    details: [{ referenceCode, invoiceNumber: invoiceNumber ?? null, spent: false }],
  });
}

/** A draft made in SePay's web UI holds the key's code: not ours to issue or delete. */
export function madeByHand(referenceCode: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.SepayReferenceConflict,
    message: `reference code ${referenceCode} belongs to a draft made in SePay's web UI; it was neither issued nor deleted`,
    nonRetryable: true,
    details: [{ referenceCode, spent: false }],
  });
}

/** Deleting the draft of a cancelled or failed run failed: it may still be at SePay. */
export function compensationFailed(referenceCode: string, cause: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.CompensationFailed,
    message: `the draft ${referenceCode} could not be deleted at SePay and may remain there; delete it by hand or re-run the key`,
    nonRetryable: true,
    details: [{ referenceCode, draft: 'may-remain' }],
    cause: cause instanceof Error ? cause : undefined,
  });
}

/** SePay reports the create job failed (not for quota): it made nothing, and the code is spent. */
export function createJobFailed(referenceCode: string, trackingCode: string, sepayMessage: string | undefined): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.SepayJobFailed,
    message: `SePay create job failed: ${sepayMessage ?? 'no message'}`,
    nonRetryable: true,
    details: [{ referenceCode, trackingCode, job: 'create' }],
  });
}

/** The code stayed taken at SePay with nothing visible for the whole creation window: spent. */
export function referenceCodeSpent(referenceCode: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.SepayReferenceConflict,
    message: `reference code ${referenceCode} is spent at SePay (a failed create or a deleted draft); a new run of the key moves on to the next code by itself`,
    nonRetryable: true,
    details: [{ referenceCode, spent: true }],
  });
}
