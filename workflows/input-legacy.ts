/**
 * The input rules as they stood before validation moved into a local activity, frozen. A run that
 * started before that (no `validate-input-outside-sandbox` marker) parses its input inside the
 * workflow again on every replay; checking it with today's stricter rules could refuse an input
 * that run accepted and went on with, and the replay would no longer match its history. New runs
 * never use this. Delete it with the in-sandbox parse (docs/replay.md, "Retiring a patch").
 */
import { msToNumber } from '@temporalio/common';
import { z } from 'zod';
import { CreateInvoiceRequest, IssuedDateTime } from '../sepay/schemas.js';
import { InvoiceKeySchema } from '../contract/input.js';
import { OptionsObjectSchema } from '../contract/input-options.js';

const LegacyDurationSchema = z.union([z.number().int().positive(), z.string().min(1)]).refine((value) => {
  try {
    return msToNumber(value as never) > 0;
  } catch {
    return false;
  }
}, 'expected a positive duration such as 30000, "90s" or "2 hours"');

const LegacyInvoiceContentSchema = CreateInvoiceRequest.omit({ reference_code: true, is_draft: true }).extend({
  provider_account_id: z.string().min(1).optional(),
  template_code: z.string().min(1).optional(),
  invoice_series: z.string().min(1).optional(),
  issued_date: IssuedDateTime.optional(),
});

const LegacyOptionsSchema = OptionsObjectSchema.extend({
  approvalTimeout: LegacyDurationSchema.default('72 hours'),
  creationTimeout: LegacyDurationSchema.default('6 hours'),
  issuanceTimeout: LegacyDurationSchema.default('24 hours'),
  pollInitialInterval: LegacyDurationSchema.default('2 seconds'),
  pollMaximumInterval: LegacyDurationSchema.default('1 minute'),
  pollFastPhase: LegacyDurationSchema.default('30 seconds'),
});

export const LegacyIssueInvoiceInputSchema = z.strictObject({
  invoiceKey: InvoiceKeySchema,
  invoice: LegacyInvoiceContentSchema,
  options: LegacyOptionsSchema.default(LegacyOptionsSchema.parse({})),
});
