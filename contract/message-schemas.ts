/**
 * zod mirrors of the result and status shapes in `contract/messages.ts`, for the JSON Schemas that
 * apps in other languages read and for checking a stage name at run time. The compile-time checks
 * below fail the build the moment a mirror and its TypeScript type drift apart.
 */
import { z } from 'zod';
import { IssueModeSchema } from './input.js';
import { type CancellationView, type InvoiceStage, type InvoiceStatus, type IssueInvoiceResult, type IssuedInvoice } from './messages.js';

export const InvoiceStageSchema = z.enum([
  'authenticating',
  'inspecting',
  'replacing-draft',
  'awaiting-quota',
  'awaiting-approval',
  'creating',
  'awaiting-creation',
  'issuing',
  'awaiting-issuance',
  'fetching-detail',
  'compensating',
  'issued',
  'cancelled',
  'failed',
]);

export const CancellationViewSchema = z.object({
  reason: z.string(),
  via: z.enum(['signal', 'update', 'workflow-cancel']),
  outcome: z.enum(['accepted', 'too-late']),
});

export const IssuedInvoiceSchema = z.object({
  referenceCode: z.string(),
  invoiceNumber: z.string(),
  invoiceSeries: z.string().optional(),
  issuedDate: z.string(),
  status: z.string(),
  totalBeforeTax: z.number(),
  taxAmount: z.number(),
  totalAmount: z.number(),
  pdfUrl: z.string().nullable(),
  xmlUrl: z.string().nullable(),
  taxAuthorityCode: z.string().nullable(),
  providerAccountId: z.string(),
});

export const IssueInvoiceResultSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('issued'), invoice: IssuedInvoiceSchema, lateCancellation: CancellationViewSchema.optional() }),
  z.object({ outcome: z.literal('cancelled'), referenceCode: z.string(), reason: z.string(), draftDeleted: z.boolean() }),
]);

export const ReferenceCodeRecordSchema = z.object({
  referenceCode: z.string(),
  createSent: z.boolean(),
  createTrackingCode: z.string().optional(),
  issueRequested: z.boolean(),
  spent: z.boolean(),
  draftSeen: z.boolean().optional(),
});

export const InvoiceStatusSchema = z.object({
  invoiceKey: z.string(),
  stage: InvoiceStageSchema,
  mode: IssueModeSchema,
  referenceCode: z.string(),
  providerAccountId: z.string().optional(),
  createTrackingCode: z.string().optional(),
  issueTrackingCode: z.string().optional(),
  pointOfNoReturn: z.boolean(),
  approval: z.enum(['not-required', 'waiting', 'approved']),
  approvedBy: z.string().optional(),
  cancellation: CancellationViewSchema.optional(),
  lastError: z.object({ type: z.string(), message: z.string() }).optional(),
  draft: z.string().optional(),
  sent: z.array(ReferenceCodeRecordSchema),
  earlierRunsRecalled: z.boolean(),
  refusedMessage: z.object({ name: z.string(), problem: z.string() }).optional(),
  result: IssueInvoiceResultSchema.optional(),
});

/** `true` only when each type is assignable to the other. */
type Mirrors<Schema extends z.ZodType, Type> = [z.output<Schema>] extends [Type] ? ([Type] extends [z.output<Schema>] ? true : false) : false;

const _stage: Mirrors<typeof InvoiceStageSchema, InvoiceStage> = true;
const _cancellation: Mirrors<typeof CancellationViewSchema, CancellationView> = true;
const _issued: Mirrors<typeof IssuedInvoiceSchema, IssuedInvoice> = true;
const _result: Mirrors<typeof IssueInvoiceResultSchema, IssueInvoiceResult> = true;
const _status: Mirrors<typeof InvoiceStatusSchema, InvoiceStatus> = true;
