/**
 * JSON Schemas of the workflow's input, result and status, for apps in other languages that start
 * `issueInvoiceWorkflow` with their own Temporal SDK or the Temporal CLI. Generated from the zod
 * schemas (`npm run schemas`) and committed under `schema/`; a unit test keeps them current.
 */
import { z } from 'zod';
import { IssueInvoiceInputSchema } from '../contract/input.js';
import { DEFAULT_TASK_QUEUE } from '../contract/task-queue.js';
import { InvoiceStatusSchema, IssueInvoiceResultSchema } from '../contract/message-schemas.js';

interface SchemaFile {
  schema: z.ZodType;
  /** `input`: what a caller may send (defaults optional); `output`: what the workflow returns. */
  io: 'input' | 'output';
  title: string;
  description: string;
}

const files: Record<string, SchemaFile> = {
  'issue-invoice-input.schema.json': {
    schema: IssueInvoiceInputSchema,
    io: 'input',
    title: 'issueInvoiceWorkflow input',
    description:
      `The single argument of workflow type "issueInvoiceWorkflow" (task queue "${DEFAULT_TASK_QUEUE}" unless configured ` +
      'otherwise), started with workflow id "invoice-<invoiceKey>", id conflict policy USE_EXISTING and id reuse policy ' +
      'ALLOW_DUPLICATE_FAILED_ONLY. `invoice` is the SePay create body without reference_code and is_draft. The workflow ' +
      'checks more than this schema can say (real dates, issued_date not in the future in Vietnam time, a buyer name or ' +
      'legal_name, tax_rate on every goods line of a VAT invoice (template_code "1"), whole VND amounts and at most 2 decimal ' +
      'places otherwise, a serialised invoice of at most 256 KiB, duration strings and their order) and fails with the ' +
      'non-retryable ApplicationFailure type "InvalidInvoiceInput" naming each bad field.',
  },
  'issue-invoice-result.schema.json': {
    schema: IssueInvoiceResultSchema,
    io: 'output',
    title: 'issueInvoiceWorkflow result',
    description:
      'What a completed issueInvoiceWorkflow returns: the issued invoice, or a cancellation before issuance. A failed ' +
      'run returns nothing; its ApplicationFailure type is one of the stable FailureType names.',
  },
  'invoice-status.schema.json': {
    schema: InvoiceStatusSchema,
    io: 'output',
    title: 'getInvoiceStatus query result',
    description: 'The answer of the "getInvoiceStatus" query: stage, reference and tracking codes, approval, cancellation, last error, result.',
  },
};

/** File name under `schema/` → its text, exactly as committed. */
export function jsonSchemaFiles(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(files).map(([name, { schema, io, title, description }]) => {
      const { $schema, ...rest } = z.toJSONSchema(schema, {
        io,
        // Results may gain fields in later versions; a consumer validating them should not break.
        override: io === 'output' ? ({ jsonSchema }) => void delete jsonSchema.additionalProperties : undefined,
      });
      return [name, `${JSON.stringify({ $schema, title, description, ...rest }, null, 2)}\n`];
    }),
  );
}
