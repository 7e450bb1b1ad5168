/**
 * One run's record of what it sent under a reference code (`InvoiceStatus.sent`) merged with
 * another's: the workflow folds in what earlier runs recorded, and the worker folds the earlier
 * runs together. Anything any run sent counts; nothing once sent is forgotten.
 */
import type { ReferenceCodeRecord } from '../contract/messages.js';

export function mergeRecordInto(into: ReferenceCodeRecord, from: ReferenceCodeRecord): void {
  into.createSent ||= from.createSent;
  into.createTrackingCode ??= from.createTrackingCode;
  into.issueRequested ||= from.issueRequested;
  into.spent ||= from.spent;
  if (from.draftSeen) into.draftSeen = true;
}

export function emptyRecord(referenceCode: string): ReferenceCodeRecord {
  return { referenceCode, createSent: false, issueRequested: false, spent: false };
}
