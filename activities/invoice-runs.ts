/**
 * The invoice runs Temporal's visibility holds for a batch of business keys: one list query for
 * the whole batch (a page of SePay's invoice list), never one per invoice.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { workflowIdFor } from '../workflows/reference-code.js';
import { InvoiceNumber, InvoiceReferenceCode, InvoiceStage } from '../workflows/search-attributes.js';
import type { InvoiceRunView } from './reconciliation-rules.js';

export type VisibilityClient = Pick<Client, 'workflow'>;

/**
 * Every run of each key (by workflow id, `invoice-<key>`), with the stage, reference code and
 * number it last recorded. Keys are `InvoiceKeySchema` identifiers, so they need no quoting.
 */
export async function runsOfKeys(client: VisibilityClient, invoiceKeys: Iterable<string>, { openOnly = false } = {}): Promise<Map<string, InvoiceRunView[]>> {
  const runs = new Map<string, InvoiceRunView[]>();
  const workflowIds = [...new Set([...invoiceKeys].map(workflowIdFor))];
  if (workflowIds.length === 0) return runs;
  const conditions = [`WorkflowType = 'issueInvoiceWorkflow'`, `WorkflowId IN (${workflowIds.map((id) => `'${id}'`).join(', ')})`];
  if (openOnly) conditions.push(`ExecutionStatus = 'Running'`);
  for await (const info of client.workflow.list({ query: conditions.join(' AND '), pageSize: 1_000 })) {
    const view = toRunView(info);
    runs.set(view.workflowId, [...(runs.get(view.workflowId) ?? []), view]);
  }
  return runs;
}

function toRunView(info: WorkflowExecutionInfo): InvoiceRunView {
  const attributes = info.typedSearchAttributes;
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    status: info.status.name,
    startTimeMs: info.startTime.getTime(),
    stage: attributes.get(InvoiceStage),
    referenceCode: attributes.get(InvoiceReferenceCode),
    invoiceNumber: attributes.get(InvoiceNumber),
  };
}
