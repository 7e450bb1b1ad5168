/**
 * issueInvoiceWorkflow: one Vietnamese e-invoice, from the business app's order to an issued
 * invoice with its PDF, through SePay's asynchronous create and issue jobs.
 *
 *   authenticate → [approve] → create → await creation → issue → await issuance → fetch detail
 *
 * Until the issue request is sent (in `direct` mode: the create request) the invoice can be
 * cancelled by signal, update or workflow cancellation, and a draft already at SePay is deleted.
 * From that point on nothing is undone: a late cancel is recorded as too late.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  metricMeter,
  patched,
  proxyLocalActivities,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  TimeoutFailure,
  upsertMemo,
  upsertSearchAttributes,
  type ActivityOptions,
} from '@temporalio/workflow';
import { msToNumber, type Duration } from '@temporalio/common';
import type { CreateInvoiceOutcome, InputActivities, InvoiceActivities } from '../activities/index.js';
import { FailureType } from './failure-types.js';
import type { IssueInvoiceInput, ParsedIssueInvoiceInput } from './input.js';
import {
  approveIssuanceSignal,
  cancelInvoiceSignal,
  getInvoiceStatusQuery,
  MemoKey,
  requestCancellationUpdate,
  type CancellationView,
  type InvoiceStage,
  type InvoiceStatus,
  type IssueInvoiceResult,
} from './messages.js';
import { DEFAULT_MODE, FIRST_REFERENCE_GENERATION } from './input-defaults.js';
import { referenceCodeFor } from './reference-code.js';
import { InvoiceNumber, InvoiceReferenceCode, InvoiceStage as InvoiceStageKey, ProviderAccountId } from './search-attributes.js';
import { formatVietnamDateTime } from './vietnam-time.js';

/** One SePay request per attempt; SePay outages are retried until the step's deadline. */
const REQUEST_TIMEOUT: Duration = '30 seconds';
/**
 * Activities heartbeat while they run (activities/keepalive.ts), so an attempt lost with its worker
 * is retried after this, not after the whole start-to-close timeout.
 */
const HEARTBEAT_TIMEOUT: Duration = '10 seconds';
const REQUEST_RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;

export async function issueInvoiceWorkflow(rawInput: IssueInvoiceInput): Promise<IssueInvoiceResult> {
  // The handlers come before validation, which waits for a local activity: a query, signal or
  // update arriving meanwhile must find them. Until then the status is what the start carried.
  const status = startingStatus(rawInput);

  // ---- messages -------------------------------------------------------------------------------
  const beforeIssue = new CancellationScope();
  const cancel = (reason: string, via: CancellationView['via']): void => {
    if (status.cancellation?.outcome === 'accepted') return;
    status.cancellation = { reason, via, outcome: status.pointOfNoReturn ? 'too-late' : 'accepted' };
    if (!status.pointOfNoReturn) beforeIssue.cancel();
  };
  setHandler(getInvoiceStatusQuery, () => status);
  setHandler(cancelInvoiceSignal, ({ reason }) => cancel(reason, 'signal'));
  setHandler(
    requestCancellationUpdate,
    ({ reason }) => {
      cancel(reason, 'update');
      return { accepted: true, stage: status.stage };
    },
    {
      validator: (_request) => {
        if (status.pointOfNoReturn) throw new Error(`too late to cancel: the invoice is being issued (stage ${status.stage})`);
      },
    },
  );
  setHandler(approveIssuanceSignal, ({ approvedBy }) => {
    if (status.approval !== 'waiting') return;
    status.approval = 'approved';
    status.approvedBy = approvedBy;
  });
  // Workflow cancellation (Web UI button, handle.cancel()) means the same as the cancel signal.
  CancellationScope.current().cancelRequested.catch(() => cancel('cancelled through Temporal', 'workflow-cancel'));

  const input = await parsedInput(rawInput);
  const { invoiceKey, invoice, options } = input;
  const referenceCode = referenceCodeFor(invoiceKey, options.referenceGeneration);
  Object.assign(status, { invoiceKey, mode: options.mode, referenceCode });
  const activities = stepActivities(input);
  const polling = { pollIntervalMs: msToNumber(options.pollInitialInterval), fastPhaseMs: msToNumber(options.pollFastPhase) };

  const enter = (stage: InvoiceStage): void => {
    status.stage = stage;
    upsertSearchAttributes([{ key: InvoiceStageKey, value: stage }]);
    setCurrentDetails(describeStatus(status));
    if (stage === 'issued' || stage === 'cancelled' || stage === 'failed') countEndedRun(stage);
  };
  upsertSearchAttributes([{ key: InvoiceReferenceCode, value: referenceCode }]);
  upsertMemo({ [MemoKey.referenceGeneration]: options.referenceGeneration });

  let created: CreateInvoiceOutcome | undefined;
  const createInvoice = async (isDraft: boolean): Promise<void> => {
    enter('creating');
    const issuedDate = invoice.issued_date ?? formatVietnamDateTime(new Date());
    // A create request is never abandoned half-way: its outcome decides what compensation does.
    created = await CancellationScope.nonCancellable(() =>
      activities.create.createInvoice({ referenceCode, invoice: { ...invoice, issued_date: issuedDate }, isDraft }),
    );
    status.providerAccountId = created.providerAccountId;
    status.createTrackingCode = created.trackingCode;
    upsertSearchAttributes([{ key: ProviderAccountId, value: created.providerAccountId }]);
    enter('awaiting-creation');
    await activities.awaitCreation.awaitCreation({ referenceCode, trackingCode: created.trackingCode, ...polling });
  };

  // ---- before the point of no return: cancellable --------------------------------------------
  try {
    await beforeIssue.run(async () => {
      enter('authenticating');
      await activities.authenticate.verifyCredentials();
      if (options.mode === 'draft-then-issue') await createInvoice(true);
      if (options.approval === 'manual') {
        enter('awaiting-approval');
        const approved = await condition(() => status.approval === 'approved', options.approvalTimeout);
        if (!approved) throw deadlineExceeded(`no approval within ${String(options.approvalTimeout)}`);
      }
    });
  } catch (error) {
    if (status.cancellation?.outcome === 'accepted' || isCancellation(error)) {
      status.cancellation ??= { reason: 'cancelled', via: 'workflow-cancel', outcome: 'accepted' };
      return finishCancelled(status.cancellation.reason, await compensate());
    }
    await compensate();
    throw fail(error);
  }
  // A cancel that landed between the last step and here still wins: nothing was issued yet.
  if (status.cancellation?.outcome === 'accepted') return finishCancelled(status.cancellation.reason, await compensate());

  // ---- the point of no return ----------------------------------------------------------------
  status.pointOfNoReturn = true;
  try {
    const invoiceDetail = await CancellationScope.nonCancellable(async () => {
      if (options.mode === 'direct') {
        await createInvoice(false);
      } else {
        enter('issuing');
        const issued = await activities.issue.issueInvoice({ referenceCode });
        status.issueTrackingCode = issued.trackingCode;
        enter('awaiting-issuance');
        await activities.awaitIssuance.awaitIssuance({ referenceCode, trackingCode: issued.trackingCode, ...polling });
      }
      enter('fetching-detail');
      return activities.fetchDetail.fetchInvoiceDetail({ referenceCode, providerAccountId: created!.providerAccountId });
    });
    const result: IssueInvoiceResult = { outcome: 'issued', invoice: invoiceDetail };
    if (status.cancellation) result.lateCancellation = status.cancellation;
    status.result = result;
    upsertSearchAttributes([{ key: InvoiceNumber, value: invoiceDetail.invoiceNumber }]);
    enter('issued');
    return result;
  } catch (error) {
    throw fail(error);
  }

  // ---- helpers (closures over this run's state) ----------------------------------------------

  /** Deletes the draft this run created, waiting first for a create job still in flight. */
  async function compensate(): Promise<boolean> {
    if (!created || status.pointOfNoReturn) return false;
    const createdOutcome = created;
    enter('compensating');
    return CancellationScope.nonCancellable(async () => {
      try {
        await activities.compensationWait.awaitCreation({ referenceCode, trackingCode: createdOutcome.trackingCode, ...polling });
      } catch (error) {
        // A failed create left nothing; a create still running past its deadline can't be helped.
        status.lastError = errorView(error);
      }
      const outcome = await activities.compensation.deleteDraft({ referenceCode });
      // SePay never takes a reference code twice: a re-run of this key needs the next generation.
      upsertMemo({ [MemoKey.referenceCodeSpent]: true });
      return outcome.deleted;
    });
  }

  function finishCancelled(reason: string, draftDeleted: boolean): IssueInvoiceResult {
    const result: IssueInvoiceResult = { outcome: 'cancelled', referenceCode, reason, draftDeleted };
    status.result = result;
    enter('cancelled');
    return result;
  }

  function fail(error: unknown): unknown {
    const failure = toWorkflowFailure(error);
    status.lastError = errorView(failure);
    // A failed create job spends the reference code in either mode (in `direct` mode after the
    // point of no return, where no compensation runs); a failed issue job leaves a reusable draft.
    if (failure instanceof ApplicationFailure && failure.type === FailureType.SepayJobFailed && failedJob(failure) === 'create') {
      upsertMemo({ [MemoKey.referenceCodeSpent]: true });
    }
    enter('failed');
    return failure;
  }
}

/** The status before the input is validated: identical to the validated one for a valid input. */
function startingStatus(rawInput: unknown): InvoiceStatus {
  const raw = (typeof rawInput === 'object' && rawInput !== null ? rawInput : {}) as Partial<IssueInvoiceInput>;
  const options = raw.options ?? {};
  const invoiceKey = typeof raw.invoiceKey === 'string' ? raw.invoiceKey : '';
  return {
    invoiceKey,
    stage: 'authenticating',
    mode: options.mode ?? DEFAULT_MODE,
    referenceCode: referenceCodeFor(invoiceKey, options.referenceGeneration ?? FIRST_REFERENCE_GENERATION),
    pointOfNoReturn: false,
    approval: options.approval === 'manual' ? 'waiting' : 'not-required',
  };
}

/** Validation moved out of the sandbox; runs started before keep their in-sandbox parse on replay. */
export const VALIDATE_OUTSIDE_SANDBOX = 'validate-input-outside-sandbox';

const validation = proxyLocalActivities<InputActivities>({ summary: 'Validate the invoice input', startToCloseTimeout: '10 seconds' });

/**
 * The input with its defaults, or the `InvalidInvoiceInput` failure naming every bad field. New
 * runs parse in a local activity: inside the sandbox, zod and the SePay schemas would be evaluated
 * again in every run's module cache (bench/README.md). The parser module is imported lazily so
 * new runs never evaluate it here.
 */
async function parsedInput(rawInput: unknown): Promise<ParsedIssueInvoiceInput> {
  try {
    // Not cancellable: a cancel that arrives meanwhile is honoured by the steps that follow.
    if (patched(VALIDATE_OUTSIDE_SANDBOX)) return await CancellationScope.nonCancellable(() => validation.parseIssueInput(rawInput));
    const { parseIssueInput } = await import(/* webpackMode: "eager" */ './input-parser.js');
    return parseIssueInput(rawInput);
  } catch (error) {
    countEndedRun('failed');
    throw error instanceof ActivityFailure ? error.cause : error;
  }
}

/** One proxy per step, so each step carries its own summary, deadline and poll schedule. */
function stepActivities({ options }: ParsedIssueInvoiceInput) {
  const request = (summary: string, deadline: Duration): ActivityOptions => ({
    summary,
    startToCloseTimeout: REQUEST_TIMEOUT,
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    scheduleToCloseTimeout: deadline,
    retry: REQUEST_RETRY,
  });
  // A wait is one activity: its first attempt checks at the initial interval for the fast phase,
  // then `StillPending` makes Temporal retry it with backoff. Either way the history does not grow
  // however long SePay takes.
  const poll = (summary: string, deadline: Duration): ActivityOptions => ({
    ...request(summary, deadline),
    startToCloseTimeout: msToNumber(options.pollFastPhase) + msToNumber(REQUEST_TIMEOUT),
    retry: {
      initialInterval: options.pollInitialInterval,
      backoffCoefficient: 1.5,
      maximumInterval: options.pollMaximumInterval,
    },
  });
  return {
    authenticate: proxyActivities<InvoiceActivities>(request('Get a SePay access token', options.creationTimeout)),
    create: proxyActivities<InvoiceActivities>(request('Create the invoice at SePay', options.creationTimeout)),
    awaitCreation: proxyActivities<InvoiceActivities>(poll('Wait for SePay to create the invoice', options.creationTimeout)),
    issue: proxyActivities<InvoiceActivities>(request('Issue the invoice (point of no return)', options.issuanceTimeout)),
    awaitIssuance: proxyActivities<InvoiceActivities>(poll('Wait for SePay to issue the invoice', options.issuanceTimeout)),
    fetchDetail: proxyActivities<InvoiceActivities>(request('Fetch the issued invoice', options.issuanceTimeout)),
    compensationWait: proxyActivities<InvoiceActivities>(poll('Wait for the create job before deleting the draft', options.creationTimeout)),
    compensation: proxyActivities<InvoiceActivities>(poll('Delete the draft (compensation)', options.creationTimeout)),
  };
}

/**
 * `sepay_invoices_total{outcome}` (worker/metrics.ts). Not a command: the history is unchanged,
 * and the SDK drops metrics while replaying, so each run counts once.
 */
function countEndedRun(outcome: 'issued' | 'cancelled' | 'failed'): void {
  metricMeter.createCounter('sepay_invoices_total', 'runs', 'Invoice runs that ended, by outcome').add(1, { outcome });
}

function failedJob(failure: ApplicationFailure): unknown {
  const [details] = (failure.details ?? []) as [{ job?: unknown }?];
  return details?.job;
}

function deadlineExceeded(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.DeadlineExceeded, message, nonRetryable: true });
}

/** The failure the workflow ends with: the activity's typed cause, or DeadlineExceeded on timeout. */
function toWorkflowFailure(error: unknown): unknown {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof TimeoutFailure) return deadlineExceeded(`${(error as ActivityFailure).activityType} did not finish before its deadline`);
  if (cause instanceof ApplicationFailure && cause.type === FailureType.StillPending) {
    return deadlineExceeded(`SePay had not finished before the deadline: ${cause.message}`);
  }
  return cause;
}

function errorView(error: unknown): InvoiceStatus['lastError'] {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return { type: cause.type ?? 'ApplicationFailure', message: cause.message };
  if (cause instanceof Error) return { type: cause.name, message: cause.message };
  return { type: 'Unknown', message: String(cause) };
}

/** The Web UI's "current details": the stage and what an operator looks up, one item per line. */
function describeStatus(status: InvoiceStatus): string {
  const lines = [`**Stage:** ${status.stage}`, `**Reference code:** ${status.referenceCode}`, `**Mode:** ${status.mode}`];
  if (status.result?.outcome === 'issued') {
    lines.push(`**Invoice number:** ${status.result.invoice.invoiceNumber}`, `**Total amount:** ${status.result.invoice.totalAmount}`);
  }
  if (status.createTrackingCode) lines.push(`**Create tracking code:** ${status.createTrackingCode}`);
  if (status.issueTrackingCode) lines.push(`**Issue tracking code:** ${status.issueTrackingCode}`);
  // "waiting" only while it is: a cancelled or failed run no longer waits for anybody.
  if (status.approval === 'approved') lines.push(`**Approval:** approved${status.approvedBy ? ` by ${status.approvedBy}` : ''}`);
  if (status.stage === 'awaiting-approval') lines.push('**Approval:** waiting');
  if (status.cancellation) lines.push(`**Cancellation:** ${status.cancellation.outcome} (${status.cancellation.reason})`);
  if (status.lastError) lines.push(`**Last error:** ${status.lastError.type}: ${status.lastError.message}`);
  // A markdown list: the Web UI renders plain lines as one run-on paragraph.
  return lines.map((line) => `- ${line}`).join('\n');
}
