/**
 * The workflow's input, validated by the client before starting and again by the workflow itself.
 * `invoice` is SePay's create body (snake_case, as SePay documents it) minus what the workflow owns:
 * `reference_code` (derived from the business key) and `is_draft` (from the mode).
 */
import { msToNumber } from '@temporalio/common';
import { z } from 'zod';
import { CreateInvoiceRequest, IssuedDateTime } from '../sepay/schemas.js';
import { DEFAULT_APPROVAL, DEFAULT_MODE, FIRST_REFERENCE_GENERATION } from './input-defaults.js';

/** Temporal duration: milliseconds or a string such as '90s', '2 hours'. */
export const DurationSchema = z.union([z.number().int().positive(), z.string().min(1)]).refine((value) => {
  try {
    return msToNumber(value as never) > 0;
  } catch {
    return false;
  }
}, 'expected a positive duration such as 30000, "90s" or "2 hours"');

/**
 * The business key (order id...). It names the workflow and the SePay reference code, both visible
 * in the Web UI and never encrypted, so it must be an identifier, not personal data.
 */
export const InvoiceKeySchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/,
    'expected 1-64 letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
  );

export const InvoiceContentSchema = CreateInvoiceRequest.omit({ reference_code: true, is_draft: true }).extend({
  // The worker's configured defaults fill these when a merchant uses a single account and series.
  provider_account_id: z.string().min(1).optional(),
  template_code: z.string().min(1).optional(),
  invoice_series: z.string().min(1).optional(),
  // Defaults to the workflow's start time in Vietnam time (UTC+7).
  issued_date: IssuedDateTime.optional(),
});

export const IssueModeSchema = z.enum(['draft-then-issue', 'direct']);
export const ApprovalSchema = z.enum(['auto', 'manual']);

export const IssueInvoiceOptionsSchema = z
  .object({
    mode: IssueModeSchema.default(DEFAULT_MODE),
    approval: ApprovalSchema.default(DEFAULT_APPROVAL),
    /** How long a manual approval may take before the draft is deleted. */
    approvalTimeout: DurationSchema.default('72 hours'),
    /** How long SePay may take to finish the create job. */
    creationTimeout: DurationSchema.default('6 hours'),
    /** How long SePay may take to finish the issue job. */
    issuanceTimeout: DurationSchema.default('24 hours'),
    /** First and longest pause between two status checks of a SePay job. */
    pollInitialInterval: DurationSchema.default('2 seconds'),
    pollMaximumInterval: DurationSchema.default('1 minute'),
    /** How long the first check of a job keeps checking at the initial interval before backing off. */
    pollFastPhase: DurationSchema.default('30 seconds'),
    /**
     * Bumped by the client when an earlier run for the same key spent its reference code (a failed
     * create job or a deleted draft): SePay never accepts a reference code twice.
     */
    referenceGeneration: z.int().min(FIRST_REFERENCE_GENERATION).default(FIRST_REFERENCE_GENERATION),
  })
  .strict();

export const IssueInvoiceInputSchema = z
  .object({
    invoiceKey: InvoiceKeySchema,
    invoice: InvoiceContentSchema,
    options: IssueInvoiceOptionsSchema.default(IssueInvoiceOptionsSchema.parse({})),
  })
  .strict();

/** What callers pass (defaults optional). */
export type IssueInvoiceInput = z.input<typeof IssueInvoiceInputSchema>;
/** What the workflow works with (defaults applied). */
export type ParsedIssueInvoiceInput = z.output<typeof IssueInvoiceInputSchema>;
export type InvoiceContent = z.output<typeof InvoiceContentSchema>;
export type IssueInvoiceOptions = z.output<typeof IssueInvoiceOptionsSchema>;
export type IssueMode = z.output<typeof IssueModeSchema>;

/** One line per problem, each naming the field, e.g. `invoice.items.0.quantity: at most 2 decimal places`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`);
}
