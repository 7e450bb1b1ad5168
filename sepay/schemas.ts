/**
 * Shapes of the SePay eInvoice API v1 (../shared/sepay-einvoice-api.md), as zod schemas.
 *
 * These schemas are the single source of truth: the client parses every response with them, the
 * simulator validates every request with them, and the workflow input and JSON Schemas derive from
 * them. Field names stay snake_case, as SePay documents them, so users can read the API docs.
 *
 * Responses are parsed leniently (unknown fields are dropped, numbers that the docs show as strings
 * are accepted either way, `success` is optional); requests are checked strictly.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** A number that SePay sometimes sends as a string ("534", "100000.00"). */
export const Numeric = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, 'expected a number or a numeric string')
    .transform(Number),
]);

export const Currency = z.enum(['VND', 'USD', 'CAD']);
export const PaymentMethod = z.enum(['TM', 'CK', 'TM/CK', 'KHAC']);
/** 1 goods/service, 2 promotion, 3 trade discount, 4 note. */
export const LineType = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);
/** VAT rate in percent; -2 not subject to VAT, -1 not declared. */
export const TaxRate = z.union([z.literal(-2), z.literal(-1), z.literal(0), z.literal(5), z.literal(8), z.literal(10)]);
export const BuyerType = z.enum(['personal', 'company']);
export const InvoiceStatus = z.enum(['draft', 'issued', 'cancelled']);
export const JobStatus = z.enum(['Pending', 'Success', 'Failed']);
export const InvoiceSource = z.enum(['manual', 'api']);

/** `YYYY-MM-DD HH:mm:ss`, as the create request wants it. */
export const IssuedDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'expected "YYYY-MM-DD HH:mm:ss"')
  // Date.parse rolls "02-30" over to March, so compare the round trip instead.
  .refine((s) => {
    const iso = s.replace(' ', 'T');
    const date = new Date(iso + 'Z');
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso);
  }, 'not a real date and time');

export const Paging = z.object({
  per_page: Numeric,
  total: Numeric,
  has_more: z.boolean(),
  current_page: Numeric,
  page_count: Numeric,
});

/** `{"success": true, "data": ...}`; some documented examples omit `success`. */
export function envelope<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true).optional(), data });
}

export const ErrorEnvelope = z.object({
  success: z.literal(false),
  error: z.object({ code: z.string(), message: z.string() }),
});

// ---------------------------------------------------------------------------------------------
// §2 token

export const TokenData = z.object({
  access_token: z.string().min(1),
  token_type: z.literal('Bearer'),
  expires_in: Numeric,
});

// ---------------------------------------------------------------------------------------------
// §3, §4 provider accounts

export const ProviderAccount = z.object({
  id: z.string(),
  provider: z.string(),
  active: z.boolean(),
  tax_authority_approved_date: z.string().nullable().optional(),
});

export const TemplateSeries = z.object({
  template_code: z.string(),
  invoice_series: z.string(),
  invoice_label: z.string().optional(),
});

export const ProviderAccountDetail = ProviderAccount.extend({ templates: z.array(TemplateSeries) });

export const ProviderAccountList = z.object({ paging: Paging, items: z.array(ProviderAccount) });

// ---------------------------------------------------------------------------------------------
// §5 create (request)

/** Whether a number has at most `max` decimal places (within floating-point noise). */
export const atMostDecimals = (max: number) => (n: number) => Math.abs(Math.round(n * 10 ** max) - n * 10 ** max) < 1e-6;

export const Buyer = z.object({
  type: BuyerType.optional(),
  name: z.string().optional(),
  legal_name: z.string().optional(),
  tax_code: z.string().optional(),
  address: z.string().optional(),
  email: z.email().optional(),
  phone: z.string().optional(),
  buyer_code: z.string().optional(),
  national_id: z.string().optional(),
});

export const InvoiceLine = z.object({
  line_number: z.int().positive(),
  line_type: LineType,
  item_code: z.string().optional(),
  item_name: z.string().min(1),
  unit: z.string().optional(),
  quantity: z.number().nonnegative().refine(atMostDecimals(2), 'at most 2 decimal places').optional(),
  unit_price: z.number().nonnegative().optional(),
  tax_rate: TaxRate.optional(),
  discount_tax: z.number().min(0).max(100).optional(),
  discount_amount: z.number().nonnegative().optional(),
  before_discount_and_tax_amount: z.number().nonnegative().optional(),
});

export const CreateInvoiceRequest = z.object({
  template_code: z.string().min(1),
  invoice_series: z.string().min(1),
  issued_date: IssuedDateTime,
  currency: Currency,
  provider_account_id: z.string().min(1),
  reference_code: z.string().min(1).max(100).optional(),
  payment_method: PaymentMethod.optional(),
  is_draft: z.boolean(),
  buyer: Buyer,
  items: z.array(InvoiceLine).min(1),
  notes: z.string().optional(),
  total_amount: z.int().nonnegative().optional(),
});

/** §5.5, §7: an accepted asynchronous job. */
export const JobAccepted = z.object({
  tracking_code: z.string().min(1),
  tracking_url: z.string(),
  message: z.string().optional(),
});

// ---------------------------------------------------------------------------------------------
// §6, §8 job checks; §10, §11 invoices

export const InvoiceSummary = z.object({
  reference_code: z.string(),
  invoice_number: z.string(),
  issued_date: z.string(),
  pdf_url: z.string().nullable().optional(),
  xml_url: z.string().nullable().optional(),
  status: InvoiceStatus,
  buyer: Buyer.extend({ email: z.string().optional() }).partial().optional(),
  total_before_tax: Numeric,
  tax_amount: Numeric,
  total_amount: Numeric,
  notes: z.string().nullable().optional(),
  source: InvoiceSource.optional(),
});

export const JobCheck = z.object({
  reference_code: z.string(),
  status: JobStatus,
  message: z.string(),
  invoice: InvoiceSummary.optional(),
});

export const InvoiceLineDetail = z.object({
  line_number: Numeric,
  line_type: Numeric,
  item_code: z.string().nullable().optional(),
  item_name: z.string(),
  unit: z.string().nullable().optional(),
  quantity: Numeric.nullable().optional(),
  unit_price: Numeric.nullable().optional(),
  total_amount: Numeric.nullable().optional(),
  tax_rate: Numeric.nullable().optional(),
  tax_amount: Numeric.nullable().optional(),
});

export const InvoiceDetail = InvoiceSummary.extend({
  invoice_series: z.string().optional(),
  document_type: Numeric.optional(),
  tax_authority_code: z.string().nullable().optional(),
  provider_status: z.string().optional(),
  payment_method: z.string().nullable().optional(),
  items: z.array(InvoiceLineDetail),
});

export const InvoiceList = z.object({ paging: Paging, items: z.array(InvoiceSummary) });

// ---------------------------------------------------------------------------------------------
// §7 issue, §9 delete, §12 download, §13 usage

export const IssueInvoiceRequest = z.object({ reference_code: z.string().min(1) });

export const DeleteDraftData = z.object({ reference_code: z.string(), message: z.string().optional() });

export const FileType = z.enum(['pdf', 'xml']);
export const DownloadData = z.object({ file_type: FileType, file_name: z.string(), content: z.string() });

export const UsageData = z.object({ quota_remaining: Numeric });

export const ListInvoicesQuery = z.object({
  page: z.coerce.number().int().positive().optional(),
  per_page: z.coerce.number().int().positive().optional(),
  source: InvoiceSource.optional(),
});

// ---------------------------------------------------------------------------------------------
// Types, inferred once.

export type Currency = z.infer<typeof Currency>;
export type PaymentMethod = z.infer<typeof PaymentMethod>;
export type InvoiceStatus = z.infer<typeof InvoiceStatus>;
export type JobStatus = z.infer<typeof JobStatus>;
export type InvoiceSource = z.infer<typeof InvoiceSource>;
export type Paging = z.infer<typeof Paging>;
export type TokenData = z.infer<typeof TokenData>;
export type ProviderAccount = z.infer<typeof ProviderAccount>;
export type TemplateSeries = z.infer<typeof TemplateSeries>;
export type ProviderAccountDetail = z.infer<typeof ProviderAccountDetail>;
export type ProviderAccountList = z.infer<typeof ProviderAccountList>;
export type Buyer = z.infer<typeof Buyer>;
export type InvoiceLine = z.infer<typeof InvoiceLine>;
export type CreateInvoiceRequest = z.infer<typeof CreateInvoiceRequest>;
export type JobAccepted = z.infer<typeof JobAccepted>;
export type InvoiceSummary = z.infer<typeof InvoiceSummary>;
export type JobCheck = z.infer<typeof JobCheck>;
export type InvoiceLineDetail = z.infer<typeof InvoiceLineDetail>;
export type InvoiceDetail = z.infer<typeof InvoiceDetail>;
export type InvoiceList = z.infer<typeof InvoiceList>;
export type IssueInvoiceRequest = z.infer<typeof IssueInvoiceRequest>;
export type DeleteDraftData = z.infer<typeof DeleteDraftData>;
export type FileType = z.infer<typeof FileType>;
export type DownloadData = z.infer<typeof DownloadData>;
export type UsageData = z.infer<typeof UsageData>;
export type ListInvoicesQuery = z.infer<typeof ListInvoicesQuery>;
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;
