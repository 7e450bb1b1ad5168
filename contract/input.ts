/**
 * The workflow's input, validated by the client before starting and again by the workflow itself.
 * `invoice` is SePay's create body (snake_case, as SePay documents it) minus what the workflow owns:
 * `reference_code` (derived from the business key) and `is_draft` (from the mode). Its rules live
 * in input-invoice.ts, those of `options` in input-options.ts; this file puts them together and
 * words the problems.
 */
import { z } from 'zod';
import { InvoiceContentSchema } from './input-invoice.js';
import { IssueInvoiceOptionsSchema } from './input-options.js';

export { InvoiceContentSchema } from './input-invoice.js';
export { ApprovalSchema, DurationSchema, IssueInvoiceOptionsSchema, IssueModeSchema } from './input-options.js';

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

export const IssueInvoiceInputSchema = z.strictObject({
  invoiceKey: InvoiceKeySchema,
  invoice: InvoiceContentSchema,
  options: IssueInvoiceOptionsSchema.default(IssueInvoiceOptionsSchema.parse({})),
});

/** What callers pass (defaults optional). */
export type IssueInvoiceInput = z.input<typeof IssueInvoiceInputSchema>;
/** What the workflow works with (defaults applied). */
export type ParsedIssueInvoiceInput = z.output<typeof IssueInvoiceInputSchema>;
export type InvoiceContent = z.output<typeof InvoiceContentSchema>;
export type IssueInvoiceOptions = z.output<typeof IssueInvoiceOptionsSchema>;
export type IssueMode = IssueInvoiceOptions['mode'];

/**
 * The problems are reported in a failure that history stores: a bounded number of lines, and
 * unknown field names (the only part of a path the caller chose) shortened.
 */
const MAX_REPORTED_ISSUES = 50;
const MAX_REPORTED_KEY_LENGTH = 64;

/**
 * One line per problem, each naming the field, e.g. `invoice.items.0.quantity: at most 2 decimal
 * places` or `invoice.items.0.taxrate: unknown field`.
 */
export function describeIssues(error: z.ZodError): string[] {
  const lines = error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${pathOf([...issue.path, key])}: unknown field`);
    return [`${pathOf(issue.path) || '(input)'}: ${issue.message}`];
  });
  if (lines.length <= MAX_REPORTED_ISSUES) return lines;
  return [...lines.slice(0, MAX_REPORTED_ISSUES), `… and ${lines.length - MAX_REPORTED_ISSUES} more problems`];
}

function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((segment) => {
      const text = String(segment);
      return text.length > MAX_REPORTED_KEY_LENGTH ? `${text.slice(0, MAX_REPORTED_KEY_LENGTH)}…` : text;
    })
    .join('.');
}
