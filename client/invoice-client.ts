/**
 * What a business app uses to issue invoices: one workflow per business key, started, watched,
 * approved and cancelled through the messages the workflow defines.
 *
 * Workflow failures surface as the SDK's `WorkflowFailedError` from `result()`; its `cause` is the
 * typed `ApplicationFailure` (`cause.type` is a stable `FailureType` name, also given by
 * `failureType(error)`).
 */
import {
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowExecutionDescription,
  type WorkflowHandle,
} from '@temporalio/client';
import { isDeepStrictEqual } from 'node:util';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { dataConverterFromEnv } from '../codec/data-converter.js';
import { temporalConnectConfig } from './temporal-connection.js';
import { type issueInvoiceWorkflow } from '../workflows/index.js';
import { type IssueInvoiceInput, type ParsedIssueInvoiceInput } from '../contract/input.js';
import {
  approveIssuanceSignal,
  cancelInvoiceSignal,
  getInvoiceStatusQuery,
  MemoKey,
  requestCancellationUpdate,
  type InvoiceStage,
  type InvoiceStatus,
  type IssueInvoiceResult,
} from '../contract/messages.js';
import { referenceCodeFor, workflowIdFor } from '../contract/reference-code.js';
import { searchableStage } from '../workflows/run-visibility.js';
import { InvoiceReferenceCode as InvoiceReferenceCodeKey, InvoiceStage as InvoiceStageKey } from '../contract/search-attributes.js';
import { DEFAULT_TASK_QUEUE } from '../contract/task-queue.js';
import { invoiceListQuery, toInvoiceListEntry, type InvoiceListEntry } from './invoice-listing.js';
import { validateIssueInput } from './issue-input.js';

export type InvoiceWorkflowHandle = WorkflowHandle<typeof issueInvoiceWorkflow>;

export interface InvoiceClientOptions {
  client: Client;
  /** The task queue the invoice workers poll. */
  taskQueue?: string;
}

export interface IssuedRun {
  workflowId: string;
  runId: string;
  /**
   * True when the returned run was already there before this call (still running, or completed
   * for the same invoice); false when this call started it. Best effort: the SDK does not
   * say whether a start attached to a run, so two callers racing on a new key may both read false
   * (they still share one run and one invoice).
   */
  existing: boolean;
  handle: InvoiceWorkflowHandle;
}

export type CancellationRequestOutcome = { accepted: true; stage: InvoiceStage } | { accepted: false; reason: string };

/** Temporal did not answer at the address the configuration gave: the message names it, the cause says why. */
export class TemporalUnreachableError extends Error {
  override readonly name = 'TemporalUnreachableError';
  readonly type = 'TemporalUnreachable';
  constructor(
    readonly address: string,
    readonly namespace: string,
    cause: unknown,
  ) {
    super(`cannot connect to Temporal at ${address} (namespace ${namespace}; TEMPORAL_ADDRESS or the profile): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export class InvoiceClient {
  readonly client: Client;
  readonly taskQueue: string;

  constructor({ client, taskQueue = DEFAULT_TASK_QUEUE }: InvoiceClientOptions) {
    this.client = client;
    this.taskQueue = taskQueue;
  }

  /**
   * Connects from the standard TEMPORAL_* variables (as the Temporal CLI reads them) and
   * SEPAY_TASK_QUEUE, encrypting payloads like the worker when PAYLOAD_ENCRYPTION_KEYS is set.
   */
  static async connect(env: Record<string, string | undefined> = process.env): Promise<InvoiceClient> {
    const { connectionOptions, namespace } = temporalConnectConfig(env);
    const dataConverter = dataConverterFromEnv(env);
    const address = connectionOptions.address ?? 'localhost:7233';
    const connection = await Connection.connect(connectionOptions).catch((error: unknown) => {
      throw new TemporalUnreachableError(address, namespace, error);
    });
    return new InvoiceClient({ client: new Client({ connection, namespace, dataConverter }), taskQueue: env.SEPAY_TASK_QUEUE || undefined });
  }

  /** Closes the underlying connection (shared with anyone else using the same `Client`). */
  async close(): Promise<void> {
    await this.client.connection.close();
  }

  /**
   * Starts the invoice for `invoiceKey`, or returns the run that already has it: a second call
   * while it runs attaches to that run, and a key whose run completed for the same invoice returns
   * that run. Other content after a completed run starts a new run, which fails
   * `IssuedInvoiceDiffers` (never a second invoice), as a plain start of that content would.
   * Throws `InvalidInvoiceInputError` (listing every bad field) before contacting Temporal.
   */
  async issue(
    invoiceKey: string,
    invoice: IssueInvoiceInput['invoice'],
    options: IssueInvoiceInput['options'] = {},
  ): Promise<IssuedRun> {
    const input = validateIssueInput({ invoiceKey, invoice, options });
    const workflowId = workflowIdFor(invoiceKey);
    // What earlier runs of the key sent, the worker reads itself (activities/earlier-runs.ts): a
    // start from here carries nothing another caller's start would not.
    const previous = await this.describeLatestRun(workflowId);
    try {
      return await this.start(input, previous, 'ALLOW_DUPLICATE_FAILED_ONLY');
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      // Refused by ALLOW_DUPLICATE_FAILED_ONLY: this key's invoice has completed. Asked for the same
      // invoice, that run is the answer. Asked for other content, it is not: a new run decides from
      // what SePay holds (IssuedInvoiceDiffers; cancelled for a cancelled key), as a plain start does.
      const { runId } = await this.handle(invoiceKey).describe();
      const completed = this.handle(invoiceKey, runId);
      if (await this.askedForSameInvoice(completed, input)) return { workflowId, runId, existing: true, handle: completed };
      return this.start(input, previous, 'ALLOW_DUPLICATE');
    }
  }

  private async start(
    input: ParsedIssueInvoiceInput,
    previous: WorkflowExecutionDescription | undefined,
    workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' | 'ALLOW_DUPLICATE',
  ): Promise<IssuedRun> {
    const workflowId = workflowIdFor(input.invoiceKey);
    const handle = await this.client.workflow.start<typeof issueInvoiceWorkflow>('issueInvoiceWorkflow', {
      taskQueue: this.taskQueue,
      workflowId,
      // The parsed input, defaults included: the history shows exactly what this run was asked to do.
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy,
      staticSummary: summaryOf(input),
      // Known at start, so the run need not write them again (each write is a billed action).
      typedSearchAttributes: [
        { key: InvoiceStageKey, value: searchableStage('creating') },
        { key: InvoiceReferenceCodeKey, value: referenceCodeFor(input.invoiceKey, input.options.referenceGeneration) },
      ],
      memo: {
        [MemoKey.referenceGeneration]: input.options.referenceGeneration,
        [MemoKey.referenceCodeSpent]: false,
        [MemoKey.issueRequested]: false,
      },
    });
    const runId = handle.firstExecutionRunId;
    return { workflowId, runId, existing: runId === previous?.runId, handle };
  }

  /** Whether `run` was started for this invoice content (its start input, read from its history). */
  private async askedForSameInvoice(run: InvoiceWorkflowHandle, input: ParsedIssueInvoiceInput): Promise<boolean> {
    const { events } = await run.fetchHistory();
    const payloads = events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
    try {
      const [earlier] = await decodeArrayFromPayloads(this.client.options.loadedDataConverter, payloads);
      return isDeepStrictEqual(validateIssueInput(earlier).invoice, input.invoice);
    } catch {
      // An input this client would not send (a fake run, say): the new run looks at SePay itself.
      return false;
    }
  }

  /** Follows the latest run for the key (`runId` pins one). */
  handle(invoiceKey: string, runId?: string): InvoiceWorkflowHandle {
    return this.client.workflow.getHandle<typeof issueInvoiceWorkflow>(workflowIdFor(invoiceKey), runId);
  }

  getStatus(invoiceKey: string): Promise<InvoiceStatus> {
    return this.handle(invoiceKey).query(getInvoiceStatusQuery);
  }

  /** Fire and forget: after the point of no return the workflow records the cancel as too late. */
  cancel(invoiceKey: string, reason: string): Promise<void> {
    return this.handle(invoiceKey).signal(cancelInvoiceSignal, { reason });
  }

  /** Like `cancel`, but answers: rejected, with the reason, once it is too late (or the run has ended). */
  async requestCancellation(invoiceKey: string, reason: string): Promise<CancellationRequestOutcome> {
    try {
      const { stage } = await this.handle(invoiceKey).executeUpdate(requestCancellationUpdate, { args: [{ reason }] });
      return { accepted: true, stage };
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) return { accepted: false, reason: error.cause?.message ?? error.message };
      // A run that has ended takes no updates: too late as well, unless the key was never issued.
      const ended = error instanceof WorkflowNotFoundError ? await this.describeLatestRun(workflowIdFor(invoiceKey)) : undefined;
      if (!ended) throw error;
      const stage = ended.typedSearchAttributes.get(InvoiceStageKey) ?? 'unknown';
      return { accepted: false, reason: `too late to cancel: the invoice has already ended (stage ${stage}, ${ended.status.name})` };
    }
  }

  /** For `approval: 'manual'`; ignored by a run that is not waiting for approval. */
  approve(invoiceKey: string, approvedBy?: string): Promise<void> {
    return this.handle(invoiceKey).signal(approveIssuanceSignal, { approvedBy });
  }

  /** Waits for the outcome; a failed run throws `WorkflowFailedError` (see `failureType`). */
  result(invoiceKey: string): Promise<IssueInvoiceResult> {
    return this.handle(invoiceKey).result();
  }

  /**
   * Invoices, newest first as the visibility store orders them; `stage` filters by current stage,
   * `openOnly` keeps running runs (one that ended keeps the stage it last had).
   */
  async *list({ stage, openOnly, pageSize }: { stage?: InvoiceStage; openOnly?: boolean; pageSize?: number } = {}): AsyncIterable<InvoiceListEntry> {
    for await (const info of this.client.workflow.list({ query: invoiceListQuery(stage, { openOnly }), pageSize })) {
      yield toInvoiceListEntry(info);
    }
  }

  /** Strongly consistent, unlike visibility: a re-run must see how the previous run ended. */
  private async describeLatestRun(workflowId: string): Promise<WorkflowExecutionDescription | undefined> {
    try {
      return await this.client.workflow.getHandle(workflowId).describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }
}

/** The Web UI's one-line summary: identifiers and choices only, never buyer data. */
function summaryOf({ invoiceKey, options }: ParsedIssueInvoiceInput): string {
  return `Invoice ${invoiceKey} · ${options.mode} · ${options.approval === 'manual' ? 'manual approval' : 'auto approval'}`;
}
