/**
 * The invoice runs Temporal holds for business keys, read two ways: visibility for a whole batch
 * (a page of SePay's invoice list, one list query, never one per invoice), and the server's own
 * record of one key's latest run, for the moment right before a deletion, where visibility's lag
 * would hide a run that has just started.
 */
import { WorkflowNotFoundError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { getInvoiceStatusQuery } from '../contract/messages.js';
import { workflowIdFor } from '../contract/reference-code.js';
import { InvoiceNumber, InvoiceReferenceCode, InvoiceStage } from '../contract/search-attributes.js';
import type { InvoiceRunView, LatestRun, RunRecord } from './reconciliation-rules.js';

export type VisibilityClient = Pick<Client, 'workflow'>;

/**
 * Every run of each key (by workflow id, `invoice-<key>`), with the stage, reference code and
 * number it last recorded. Keys are `InvoiceKeySchema` identifiers, so they need no quoting.
 */
export async function runsOfKeys(client: VisibilityClient, invoiceKeys: Iterable<string>): Promise<Map<string, InvoiceRunView[]>> {
  const runs = new Map<string, InvoiceRunView[]>();
  const workflowIds = [...new Set([...invoiceKeys].map(workflowIdFor))];
  if (workflowIds.length === 0) return runs;
  const query = `WorkflowType = 'issueInvoiceWorkflow' AND WorkflowId IN (${workflowIds.map((id) => `'${id}'`).join(', ')})`;
  for await (const info of client.workflow.list({ query, pageSize: 1_000 })) {
    const view = toRunView(info);
    runs.set(view.workflowId, [...(runs.get(view.workflowId) ?? []), view]);
  }
  return runs;
}

/**
 * The latest run of `workflowId` (a describe without run id: the server's current run of the id,
 * read from its persistence, so a run started a millisecond ago is RUNNING here); undefined when
 * the id never had a run, or its runs are past retention.
 */
export async function latestRunOf(client: VisibilityClient, workflowId: string): Promise<LatestRun | undefined> {
  try {
    const info = await client.workflow.getHandle(workflowId).describe();
    return { workflowId, runId: info.runId, status: info.status.name, startTimeMs: info.startTime.getTime(), closeTimeMs: info.closeTime?.getTime() };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

const RECORD_QUERY_TIMEOUT_MS = 5_000;

/**
 * What the latest run of `workflowId` recorded, when it is closed: its status query, answered by a
 * worker replaying its history (a closed run's record no longer changes). Undefined when the id has
 * no closed latest run or no worker answers in time: the caller keeps the draft.
 */
export async function recordOfLatestRun(client: Pick<Client, 'workflow' | 'withDeadline'>, workflowId: string): Promise<RunRecord | undefined> {
  const latest = await latestRunOf(client, workflowId);
  if (!latest || latest.status === 'RUNNING') return undefined;
  try {
    const status = await client.withDeadline(Date.now() + RECORD_QUERY_TIMEOUT_MS, () => client.workflow.getHandle(workflowId, latest.runId).query(getInvoiceStatusQuery));
    return { runId: latest.runId, sent: status.sent ?? [] };
  } catch {
    return undefined;
  }
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
