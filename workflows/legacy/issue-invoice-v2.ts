/**
 * issueInvoiceWorkflow as it was before SePay's state of the reference code decided the path
 * (patch `reference-state-decides-path`): kept, unchanged in its commands, only so that runs
 * started on it replay and finish on the same path. New runs never come here. Delete this file
 * when no open run lacks the patch (docs/replay.md, "Retiring a patch").
 *
 *   authenticate → [approve] → create → await creation → issue → await issuance → fetch detail
 */
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common';
import type { CreateInvoiceOutcome } from '../../activities/index.js';
import { describeStatus, startingStatus } from '../current-details.js';
import { FailureType } from '../../contract/failure-types.js';
import type { IssueInvoiceInput } from '../../contract/input.js';
import {
  approveIssuanceSignal,
  cancelInvoiceSignal,
  getInvoiceStatusQuery,
  MemoKey,
  requestCancellationUpdate,
  type CancellationView,
  type InvoiceStage,
  type IssueInvoiceResult,
} from '../../contract/messages.js';
import { referenceCodeFor } from '../../contract/reference-code.js';
import { countEndedRun, deadlineExceeded, errorView, failureDetails, toWorkflowFailure } from '../run-outcome.js';
import { InvoiceNumber, InvoiceReferenceCode, InvoiceStage as InvoiceStageKey, ProviderAccountId } from '../../contract/search-attributes.js';
import { stepActivities } from '../step-activities.js';
import { parsedInput } from '../validated-input.js';
import { formatVietnamDateTime } from '../vietnam-time.js';

export async function issueInvoiceWorkflowV2(rawInput: IssueInvoiceInput): Promise<IssueInvoiceResult> {
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

  const input = await parsedInput(rawInput, { legacy: true });
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
    if (failure instanceof ApplicationFailure && failure.type === FailureType.SepayJobFailed && failureDetails(failure).job === 'create') {
      upsertMemo({ [MemoKey.referenceCodeSpent]: true });
    }
    enter('failed');
    return failure;
  }
}

