/**
 * The `invoice` of the workflow input: SePay's create body (sepay/schemas.ts) minus what the
 * workflow owns, checked more strictly than SePay's own schema so that nothing doubtful reaches
 * SePay: unknown fields are refused, not dropped (a typo like `taxrate` would otherwise issue an
 * invoice without its tax rate), strings and lines are capped (invoice-limits.ts), and the
 * cross-field rules of invoice-rules.ts apply.
 */
import { z } from 'zod';
import { Buyer, CreateInvoiceRequest, InvoiceLine, IssuedDateTime } from '../sepay/schemas.js';
import { MAX_INVOICE_BYTES, MAX_INVOICE_LINES, MAX_LENGTH } from './invoice-limits.js';
import {
  amountPrecisionProblem,
  hasBuyerName,
  isIssuedDateInFuture,
  LINE_MONEY_FIELDS,
  serialisedSize,
  VAT_TAX_RATE_ISSUE,
  vatLinesMissingTaxRate,
} from './invoice-rules.js';

/** `shape` with a maximum length on the named string fields, optional ones staying optional. */
function withMaxLengths<Shape extends z.ZodRawShape>(shape: Shape, maxLengths: { readonly [K in keyof Shape]?: number }): Shape {
  const capped: Record<string, z.core.$ZodType> = { ...shape };
  for (const [key, max] of Object.entries(maxLengths) as [string, number][]) {
    const field = capped[key] as z.ZodType;
    const inner = field instanceof z.ZodOptional ? (field.unwrap() as z.ZodType) : field;
    const cappedInner = inner.check(z.maxLength(max, `at most ${max} characters`));
    capped[key] = field instanceof z.ZodOptional ? cappedInner.optional() : cappedInner;
  }
  return capped as unknown as Shape;
}

export const InvoiceBuyerSchema = z
  .strictObject(withMaxLengths(Buyer.shape, MAX_LENGTH.buyer))
  .refine(hasBuyerName, 'needs name or legal_name');

export const InvoiceLineSchema = z.strictObject(withMaxLengths(InvoiceLine.shape, MAX_LENGTH.line));

/** Vietnam time, with the clock skew invoice-rules.ts allows. Inside the workflow sandbox `Date.now()` is the workflow's clock. */
const PastIssuedDateTime = IssuedDateTime.refine((date) => !isIssuedDateInFuture(date, Date.now()), 'must not be in the future (Vietnam time, UTC+7)');

const InvoiceObjectSchema = z.strictObject(
  withMaxLengths(
    {
      ...CreateInvoiceRequest.omit({ reference_code: true, is_draft: true }).shape,
      // The worker's configured defaults fill these when a merchant uses a single account and series.
      provider_account_id: z.string().min(1).optional(),
      template_code: z.string().min(1).optional(),
      invoice_series: z.string().min(1).optional(),
      // Defaults to the workflow's start time in Vietnam time (UTC+7).
      issued_date: PastIssuedDateTime.optional(),
      buyer: InvoiceBuyerSchema,
      items: z.array(InvoiceLineSchema).min(1).max(MAX_INVOICE_LINES, `at most ${MAX_INVOICE_LINES} lines`),
    },
    MAX_LENGTH.invoice,
  ),
);

type InvoiceObject = z.output<typeof InvoiceObjectSchema>;

/** Rules that need more than one field: VAT lines need a tax rate, amounts fit the currency. */
function checkAcrossFields(invoice: InvoiceObject, context: z.RefinementCtx): void {
  // Without template_code the worker's default decides; the create step checks again once it is known.
  for (const index of vatLinesMissingTaxRate(invoice, invoice.template_code)) {
    context.addIssue({ code: 'custom', path: ['items', index, VAT_TAX_RATE_ISSUE.field], message: VAT_TAX_RATE_ISSUE.message });
  }
  invoice.items.forEach((line, index) => {
    for (const field of LINE_MONEY_FIELDS) {
      const amount = line[field];
      const problem = amount === undefined ? undefined : amountPrecisionProblem(amount, invoice.currency);
      if (problem) context.addIssue({ code: 'custom', path: ['items', index, field], message: problem });
    }
  });
}

/** Runs whatever else failed, so an oversized invoice is always named as such. */
function checkSize(invoice: unknown, context: z.RefinementCtx): void {
  const bytes = serialisedSize(invoice);
  if (bytes <= MAX_INVOICE_BYTES) return;
  context.addIssue({ code: 'custom', message: `serialised size ${formatBytes(bytes)} exceeds the ${formatBytes(MAX_INVOICE_BYTES)} limit` });
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  return `${Math.ceil(bytes / 1024)} KiB`;
}

export const InvoiceContentSchema = InvoiceObjectSchema.superRefine(checkAcrossFields).superRefine(checkSize, { when: () => true });
