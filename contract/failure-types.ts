/**
 * Stable `ApplicationFailure.type` names. Clients, alerts and retry policies match on these, so
 * they never change and never mirror class names.
 */
export const FailureType = {
  InvalidInvoiceInput: 'InvalidInvoiceInput',
  SepayAuthFailed: 'SepayAuthFailed',
  SepayValidationFailed: 'SepayValidationFailed',
  SepayQuotaExceeded: 'SepayQuotaExceeded',
  /** No provider account could be chosen: none given, no worker default, and not exactly one active at SePay (details list them). */
  SepayAccountNotChosen: 'SepayAccountNotChosen',
  /** The provider account is unknown to SePay or not active. */
  SepayAccountUnavailable: 'SepayAccountUnavailable',
  /** The template code and series are not a pair SePay allocated to the account (details list the pairs). */
  SepayTemplateNotAllocated: 'SepayTemplateNotAllocated',
  /** The invoice is dated before the account's tax-authority approval date. */
  InvoiceDateBeforeTaxApproval: 'InvoiceDateBeforeTaxApproval',
  SepayRegistrationNotApproved: 'SepayRegistrationNotApproved',
  SepayReferenceConflict: 'SepayReferenceConflict',
  /** The key's invoice is issued at SePay with other content: nothing more is issued (details name the number). */
  IssuedInvoiceDiffers: 'IssuedInvoiceDiffers',
  /** Deleting the draft of a cancelled or failed run failed: the draft may remain (details say where). */
  CompensationFailed: 'CompensationFailed',
  SepayJobFailed: 'SepayJobFailed',
  SepayRateLimited: 'SepayRateLimited',
  SepayUnavailable: 'SepayUnavailable',
  StillPending: 'StillPending',
  DeadlineExceeded: 'DeadlineExceeded',
  /** What an earlier run of the key sent could not be read from Temporal yet (retried). */
  EarlierRunUnreadable: 'EarlierRunUnreadable',

  /** The worker requires payload encryption (PAYLOAD_ENCRYPTION_REQUIRED) and the input came in clear. */
  PayloadNotEncrypted: 'PayloadNotEncrypted',
} as const;

export type FailureType = (typeof FailureType)[keyof typeof FailureType];
