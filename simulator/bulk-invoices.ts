/**
 * `POST /__sim/invoices/bulk`: thousands of invoices at once, as if SePay had held them for months,
 * so reconciliation and list paging can be tested at a realistic size without thousands of jobs.
 */
import { z } from 'zod';
import { accountForCreate } from './accounts.js';
import { DUPLICATE_MESSAGE } from './api/create.js';
import { type Sim } from './context.js';
import { SEEDED_ACCOUNT_ID, VAT_TEMPLATE } from './defaults.js';
import { ApiError, validate } from './http.js';
import { markIssuedInThePast, newInvoice } from './invoices.js';
import { CreateRequestShape, IssuedDateTime, type SimCreateRequest } from './rules/create-request.js';

/** Enough for any test or benchmark, small enough that one request cannot exhaust the heap. */
export const MAX_BULK_INVOICES = 100_000;

export const BulkInvoicesBody = z.object({
  count: z.int().min(1).max(MAX_BULK_INVOICES),
  status: z.enum(['draft', 'issued']).default('issued'),
  source: z.enum(['api', 'manual']).default('api'),
  /** Codes are the prefix and a zero-padded 1-based counter: `bulk-00001` … `bulk-10000`. */
  referencePrefix: z.string().min(1).max(100).default('bulk-'),
  /** Fields laid over the default body (seeded account, VAT template, one 220 000 VND line). */
  invoice: CreateRequestShape.omit({ reference_code: true, is_draft: true }).partial().default({}),
  /** The first invoice's `issued_date` (default: the body's); each next one `issuedStepSeconds` later. */
  issuedFrom: IssuedDateTime.optional(),
  issuedStepSeconds: z.int().nonnegative().default(0),
});
export type BulkInvoicesInput = z.input<typeof BulkInvoicesBody>;

export interface BulkInvoicesResult {
  created: number;
  first: string;
  last: string;
}

const DEFAULT_BODY: Omit<SimCreateRequest, 'is_draft'> = {
  template_code: VAT_TEMPLATE.template_code,
  invoice_series: VAT_TEMPLATE.invoice_series,
  issued_date: '2026-01-05 09:00:00',
  currency: 'VND',
  provider_account_id: SEEDED_ACCOUNT_ID,
  payment_method: 'CK',
  buyer: { type: 'company', name: 'Công ty Khách Hàng Mẫu', tax_code: '0101234567' },
  items: [{ line_number: 1, line_type: 1, item_name: 'Dịch vụ', quantity: 2, unit_price: 100_000, tax_rate: 10 }],
};

/** `YYYY-MM-DD HH:mm:ss` plus whole seconds, read and written as a wall-clock time (no zone). */
function laterBy(dateTime: string, seconds: number): string {
  if (seconds === 0) return dateTime;
  const ms = Date.parse(`${dateTime.replace(' ', 'T')}Z`) + seconds * 1000;
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** All or nothing: a taken code or a pair the account does not hold refuses the whole batch. */
export function addBulkInvoices(sim: Sim, body: unknown): BulkInvoicesResult {
  const input = validate(BulkInvoicesBody, body);
  const base = { ...DEFAULT_BODY, ...input.invoice, is_draft: input.status === 'draft' };
  accountForCreate(sim.state, base);
  const width = String(input.count).length;
  const codes = Array.from({ length: input.count }, (_, i) => `${input.referencePrefix}${String(i + 1).padStart(width, '0')}`);
  if (codes.some((code) => sim.state.invoices.has(code))) throw new ApiError(409, 'EINVOICE_DOCUMENT_EXISTED', DUPLICATE_MESSAGE);

  const from = input.issuedFrom ?? base.issued_date;
  const now = sim.now();
  codes.forEach((reference_code, i) => {
    const request = { ...base, reference_code, issued_date: laterBy(from, i * input.issuedStepSeconds) };
    const invoice = newInvoice(sim.state, request, input.source, now);
    if (input.status === 'issued') markIssuedInThePast(sim.state, invoice);
    else invoice.status = 'draft';
  });
  return { created: input.count, first: codes[0]!, last: codes.at(-1)! };
}
