/**
 * What the earlier runs of a key sent to SePay, read by the worker from Temporal itself, so that a
 * plain start of `issueInvoiceWorkflow` from any caller (the HTTP API, the Temporal CLI, the Web UI,
 * an SDK in another language) gets the same re-run guarantees as `InvoiceClient.issue`, and no
 * caller's hint or memo has to be trusted.
 *
 * The facts are each run's own record (`InvoiceStatus.sent`), answered by a worker replaying that
 * run's history: what it sent, under which code, with which tracking code, and what SePay told it.
 * Visibility finds the runs; it lags, so the list is read until it shows the asking run itself.
 */
import { setTimeout } from 'node:timers/promises';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { getInvoiceStatusQuery, type InvoiceStatus, type IssueInvoiceResult, type ReferenceCodeRecord } from '../contract/messages.js';
import { parseReferenceCode } from '../contract/reference-code-key.js';
import { emptyRecord, mergeRecordInto } from '../workflows/reference-code-record.js';

export type TemporalReader = Pick<Client, 'workflow' | 'withDeadline'>;

export interface EarlierRunsRequest {
  workflowId: string;
  /** The asking run: not an earlier one, and the sign that visibility has caught up. */
  runId: string;
}

export interface EarlierRuns {
  /** What every earlier run of the key sent, merged (newest run's record first). */
  sent: ReferenceCodeRecord[];
  /** The newest earlier run that completed: its result is the key's answer. */
  completed?: { runId: string; result: IssueInvoiceResult };
}

/** Activities the runs record: a run whose history schedules none of them sent nothing to SePay. */
const SENDING_ACTIVITIES = new Set(['createInvoice', 'issueInvoice', 'deleteDraft']);
/** Runs read at most: beyond them a key has been retried by hand far more than any app does. */
const MAX_EARLIER_RUNS = 20;
const VISIBILITY_WAIT_MS = 5_000;
const VISIBILITY_RECHECK_MS = 100;
const STATUS_QUERY_TIMEOUT_MS = 5_000;

export class EarlierRunUnreadable extends Error {
  override readonly name = 'EarlierRunUnreadable';
}

export async function recallEarlierRuns(
  client: TemporalReader,
  { workflowId, runId }: EarlierRunsRequest,
  { signal, visibilityWaitMs = VISIBILITY_WAIT_MS }: { signal?: AbortSignal; visibilityWaitMs?: number } = {},
): Promise<EarlierRuns> {
  const runs = await listRuns(client, workflowId, runId, { signal, visibilityWaitMs });
  const earlier = runs
    .filter((run) => run.runId !== runId && run.type === 'issueInvoiceWorkflow' && run.status.name !== 'RUNNING')
    .sort((a, b) => b.startTime.getTime() - a.startTime.getTime())
    .slice(0, MAX_EARLIER_RUNS);
  const records: ReferenceCodeRecord[][] = [];
  for (const run of earlier) {
    signal?.throwIfAborted();
    const handle = client.workflow.getHandle(workflowId, run.runId);
    const status = await statusOf(client, run);
    // Runs from before the record kept one only in their status fields: both are read.
    if (status) records.push([...(status.sent ?? []), ...recordOfEarlierCode(status)]);
    if (run.status.name === 'COMPLETED') {
      // A completed run is final: it issued the invoice or cancelled it. Older runs are settled by it.
      const result = (await handle.result()) as IssueInvoiceResult;
      return { sent: merge(records), completed: { runId: run.runId, result } };
    }
    if (status?.earlierRunsRecalled) break;
  }
  return { sent: merge(records) };
}

/** Every run of the workflow id, once visibility shows the asking run (or after the wait). */
async function listRuns(
  client: TemporalReader,
  workflowId: string,
  runId: string,
  { signal, visibilityWaitMs }: { signal?: AbortSignal; visibilityWaitMs: number },
): Promise<WorkflowExecutionInfo[]> {
  const deadline = Date.now() + visibilityWaitMs;
  for (;;) {
    const runs: WorkflowExecutionInfo[] = [];
    // Keys are InvoiceKeySchema identifiers: a workflow id needs no escaping.
    for await (const info of client.workflow.list({ query: `WorkflowId = '${workflowId}'`, pageSize: 100 })) runs.push(info);
    if (runs.some((run) => run.runId === runId) || Date.now() >= deadline) return runs;
    await setTimeout(VISIBILITY_RECHECK_MS, undefined, { signal });
  }
}

/**
 * The earlier run's status, answered by a worker replaying its history; undefined when the run
 * sent nothing (it ended before its first step, so it has no record to give).
 */
async function statusOf(client: TemporalReader, run: WorkflowExecutionInfo): Promise<Partial<InvoiceStatus> | undefined> {
  // Its history first (no worker needed): a run that scheduled no SePay request, like a fake run
  // on a queue nobody serves, has nothing to tell, whatever its memo says.
  if (!(await sentAnything(client, run))) return undefined;
  const handle = client.workflow.getHandle(run.workflowId, run.runId);
  try {
    return await client.withDeadline(Date.now() + STATUS_QUERY_TIMEOUT_MS, () => handle.query(getInvoiceStatusQuery));
  } catch (error) {
    throw new EarlierRunUnreadable(`cannot read what run ${run.runId} of ${run.workflowId} sent to SePay: ${(error as Error).message}`);
  }
}

async function sentAnything(client: TemporalReader, run: WorkflowExecutionInfo): Promise<boolean> {
  const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
  return (history.events ?? []).some((event) => SENDING_ACTIVITIES.has(event.activityTaskScheduledEventAttributes?.activityType?.name ?? ''));
}

/** A run from before runs kept a record: its status names one code and what it sent for it. */
function recordOfEarlierCode(status: Partial<InvoiceStatus>): ReferenceCodeRecord[] {
  if (!status.referenceCode || !parseReferenceCode(status.referenceCode)) return [];
  return [
    {
      referenceCode: status.referenceCode,
      createSent: status.createTrackingCode !== undefined,
      createTrackingCode: status.createTrackingCode,
      issueRequested: status.pointOfNoReturn === true,
      spent: false,
    },
  ];
}

/** One record per code: anything any run sent counts. */
function merge(records: ReferenceCodeRecord[][]): ReferenceCodeRecord[] {
  const byCode = new Map<string, ReferenceCodeRecord>();
  for (const record of records.flat()) {
    const known = byCode.get(record.referenceCode) ?? emptyRecord(record.referenceCode);
    mergeRecordInto(known, record);
    byCode.set(record.referenceCode, known);
  }
  return [...byCode.values()];
}

/** The highest generation the records name, and whether SePay has spent its code. */
export function latestGeneration(sent: readonly ReferenceCodeRecord[], invoiceKey: string): { generation: number; spent: boolean } | undefined {
  let latest: { generation: number; spent: boolean } | undefined;
  for (const record of sent) {
    const parsed = parseReferenceCode(record.referenceCode);
    if (parsed?.invoiceKey !== invoiceKey) continue;
    if (!latest || parsed.generation > latest.generation) latest = { generation: parsed.generation, spent: record.spent };
  }
  return latest;
}
