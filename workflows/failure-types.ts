/**
 * Stable `ApplicationFailure.type` names. Clients, alerts and retry policies match on these, so
 * they never change and never mirror class names.
 */
export const FailureType = {
  InvalidInvoiceInput: 'InvalidInvoiceInput',
  SepayAuthFailed: 'SepayAuthFailed',
  SepayValidationFailed: 'SepayValidationFailed',
  SepayQuotaExceeded: 'SepayQuotaExceeded',
  SepayRegistrationNotApproved: 'SepayRegistrationNotApproved',
  SepayReferenceConflict: 'SepayReferenceConflict',
  SepayJobFailed: 'SepayJobFailed',
  SepayRateLimited: 'SepayRateLimited',
  SepayUnavailable: 'SepayUnavailable',
  StillPending: 'StillPending',
  DeadlineExceeded: 'DeadlineExceeded',
} as const;

export type FailureType = (typeof FailureType)[keyof typeof FailureType];
