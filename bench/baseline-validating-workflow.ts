/**
 * The baseline plus the invoice workflow's input validation (zod, `contract/input.ts`), in a bundle
 * of its own: the workflow sandbox evaluates a bundle's modules anew for every workflow, so what a
 * workflow imports is paid per invoice, in CPU and in the memory of every cached workflow.
 */
import { IssueInvoiceInputSchema } from '../contract/input.js';
import { baselineWorkflow as plainBaseline, type BaselineInput } from './baseline-workflow.js';

export async function baselineWorkflow(input: BaselineInput): Promise<{ activities: number }> {
  IssueInvoiceInputSchema.parse(input.invoiceInput);
  return plainBaseline(input);
}
