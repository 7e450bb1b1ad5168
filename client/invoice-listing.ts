/**
 * Finding invoices through Temporal visibility: by workflow type, and by the `InvoiceStage` search
 * attribute the workflow keeps up to date.
 */
import { type WorkflowExecutionInfo, type WorkflowExecutionStatusName } from '@temporalio/client';
import { type InvoiceStage } from '../contract/messages.js';
import { workflowIdFor } from '../contract/reference-code.js';
import { InvoiceStage as InvoiceStageKey } from '../contract/search-attributes.js';
import { InvoiceStageSchema } from '../contract/message-schemas.js';

export interface InvoiceListEntry {
  invoiceKey: string;
  workflowId: string;
  runId: string;
  /** Undefined for a run that has not reached its first stage yet. */
  stage: InvoiceStage | undefined;
  status: WorkflowExecutionStatusName;
  startTime: Date;
}

/** Throws `RangeError` for a stage the workflow never enters. */
export function parseInvoiceStage(text: string): InvoiceStage {
  const parsed = InvoiceStageSchema.safeParse(text);
  if (!parsed.success) throw new RangeError(`unknown invoice stage "${text}": expected one of ${InvoiceStageSchema.options.join(', ')}`);
  return parsed.data;
}

/** `openOnly`: runs still running; a run that ended keeps the stage it last had. */
export function invoiceListQuery(stage?: string, { openOnly = false }: { openOnly?: boolean } = {}): string {
  const conditions = [`WorkflowType = 'issueInvoiceWorkflow'`];
  if (stage !== undefined) conditions.push(`${InvoiceStageKey.name} = '${parseInvoiceStage(stage)}'`);
  if (openOnly) conditions.push(`ExecutionStatus = 'Running'`);
  return conditions.join(' AND ');
}

// The workflow id is the key behind a fixed prefix; deriving the prefix keeps one definition of it.
const WORKFLOW_ID_PREFIX = workflowIdFor('');

export function toInvoiceListEntry(info: WorkflowExecutionInfo): InvoiceListEntry {
  const stage = InvoiceStageSchema.safeParse(info.typedSearchAttributes.get(InvoiceStageKey));
  return {
    invoiceKey: info.workflowId.startsWith(WORKFLOW_ID_PREFIX) ? info.workflowId.slice(WORKFLOW_ID_PREFIX.length) : info.workflowId,
    workflowId: info.workflowId,
    runId: info.runId,
    stage: stage.success ? stage.data : undefined,
    status: info.status.name,
    startTime: info.startTime,
  };
}
