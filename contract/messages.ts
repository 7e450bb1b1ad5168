/**
 * Signals, updates and queries of `issueInvoiceWorkflow`, defined once and shared by the workflow
 * and the client, plus the shapes they carry.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { FailureType } from './failure-types.js';
import type { IssueMode } from './input.js';

export type InvoiceStage =
  | 'authenticating'
  | 'inspecting'
  | 'replacing-draft'
  | 'awaiting-quota'
  | 'awaiting-approval'
  | 'creating'
  | 'awaiting-creation'
  | 'issuing'
  | 'awaiting-issuance'
  | 'fetching-detail'
  | 'compensating'
  | 'issued'
  | 'cancelled'
  | 'failed';

export interface CancelRequest {
  reason: string;
}

export interface CancellationView {
  reason: string;
  via: 'signal' | 'update' | 'workflow-cancel';
  /** `too-late`: it arrived after the issue request was sent, so the invoice was issued anyway. */
  outcome: 'accepted' | 'too-late';
}

export interface CancellationAnswer {
  accepted: boolean;
  stage: InvoiceStage;
}

export interface ApproveRequest {
  approvedBy?: string;
}

export interface IssuedInvoice {
  referenceCode: string;
  invoiceNumber: string;
  invoiceSeries?: string;
  issuedDate: string;
  status: string;
  totalBeforeTax: number;
  taxAmount: number;
  totalAmount: number;
  pdfUrl: string | null;
  xmlUrl: string | null;
  taxAuthorityCode: string | null;
  providerAccountId: string;
}

export type IssueInvoiceResult =
  | { outcome: 'issued'; invoice: IssuedInvoice; lateCancellation?: CancellationView }
  | { outcome: 'cancelled'; referenceCode: string; reason: string; draftDeleted: boolean };

/**
 * What the runs of one key sent to SePay under one reference code, and what SePay answered: the
 * run's own record (kept in its status, read by later runs of the key from Temporal), never a
 * caller's hint. Later runs decide from it and from what SePay holds now.
 */
export interface ReferenceCodeRecord {
  referenceCode: string;
  /** The create request was sent (its answer may have been lost: the code may be taken). */
  createSent: boolean;
  /** The job SePay accepted for that create, when its answer arrived. */
  createTrackingCode?: string;
  /** The issue request (or a direct create) was sent: this code is past the point of no return. */
  issueRequested: boolean;
  /** SePay will never take this code again: its draft deleted, or its create job failed. */
  spent: boolean;
  /** SePay showed this code's draft: absent later, it was deleted (the code is spent), not still being created. */
  draftSeen?: boolean;
}

export interface InvoiceStatus {
  invoiceKey: string;
  stage: InvoiceStage;
  mode: IssueMode;
  referenceCode: string;
  providerAccountId?: string;
  createTrackingCode?: string;
  issueTrackingCode?: string;
  /** True once the issue request (or a direct create) was sent: from then on nothing is undone. */
  pointOfNoReturn: boolean;
  approval: 'not-required' | 'waiting' | 'approved';
  approvedBy?: string;
  cancellation?: CancellationView;
  lastError?: { type: FailureType | string; message: string };
  /** The fate of a draft this run deleted or could not delete, when that is worth telling. */
  draft?: string;
  /** Every reference code of the key that this run or an earlier one sent something for. */
  sent: ReferenceCodeRecord[];
  /** True once `sent` includes what the key's earlier runs recorded (a later run can stop reading there). */
  earlierRunsRecalled: boolean;
  /** The last signal or update refused because its argument did not parse: it changed nothing. */
  refusedMessage?: { name: string; problem: string };
  result?: IssueInvoiceResult;
}

/** Cancel while the invoice is not yet issued; after the issue request it is recorded as too late. */
export const cancelInvoiceSignal = defineSignal<[CancelRequest]>('cancelInvoice');
/** Same meaning as the signal, but answers: rejected by the validator once it is too late. */
export const requestCancellationUpdate = defineUpdate<CancellationAnswer, [CancelRequest]>('requestCancellation');
export const approveIssuanceSignal = defineSignal<[ApproveRequest]>('approveIssuance');
/** The merchant topped up SePay's quota: a run in `awaiting-quota` checks usage again at once. */
export const quotaToppedUpSignal = defineSignal<[]>('quotaToppedUp');
export const getInvoiceStatusQuery = defineQuery<InvoiceStatus>('getInvoiceStatus');

/** Memo keys the client reads to decide whether a re-run needs a new reference code. */
export const MemoKey = {
  referenceGeneration: 'referenceGeneration',
  referenceCodeSpent: 'referenceCodeSpent',
  /**
   * Set when the run sent the issue request (or a direct create) for its reference code: a re-run
   * that finds that code as a draft must follow the issuance, not wait for approval or delete it.
   */
  issueRequested: 'issueRequested',
} as const;
