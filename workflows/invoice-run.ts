/**
 * The state of one invoice run and every transition of it: stage, reference code, cancellation,
 * approval, point of no return, what is recorded for the next run (memo), and the result. The
 * workflow function calls these and reads as its list of steps; nothing else mutates the state
 * (samples-typescript's message-passing/safe-message-handlers keeps its state the same way).
 */
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  setCurrentDetails,
  setHandler,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { describeStatus, startingStatus } from './current-details.js';
import { FailureType } from './failure-types.js';
import type { ParsedIssueInvoiceInput } from './input.js';
import {
  approveIssuanceSignal,
  cancelInvoiceSignal,
  quotaToppedUpSignal,
  getInvoiceStatusQuery,
  MemoKey,
  requestCancellationUpdate,
  type CancellationView,
  type InvoiceStage,
  type InvoiceStatus,
  type IssuedInvoice,
  type IssueInvoiceResult,
} from './messages.js';
import { referenceCodeFor } from './reference-code.js';
import { countEndedRun, errorView, failureDetails, toWorkflowFailure } from './run-outcome.js';
import { isUnencryptedPayload } from './unencrypted-payload.js';
import { RunVisibility } from './run-visibility.js';
import { InvoiceNumber, InvoiceReferenceCode, ProviderAccountId } from './search-attributes.js';

export class InvoiceRun {
  readonly status: InvoiceStatus;
  /** Cancelled by an accepted cancel: stops whatever runs before the point of no return. */
  readonly beforeIssue = new CancellationScope();
  #invoiceKey = '';
  #generation = 1;
  #topUps = 0;
  readonly #visibility = new RunVisibility();

  /** Registers the handlers at once: a query, signal or update may arrive before validation ends. */
  constructor(rawInput: unknown) {
    this.status = startingStatus(rawInput);
    setHandler(getInvoiceStatusQuery, () => this.status);
    // A message sent in clear to a worker that requires encryption arrives as a marker
    // (workflows/unencrypted-payload.ts): it neither cancels nor approves anything.
    setHandler(cancelInvoiceSignal, (request) => {
      if (!isUnencryptedPayload(request)) this.cancel(request.reason, 'signal');
    });
    setHandler(
      requestCancellationUpdate,
      ({ reason }) => {
        this.cancel(reason, 'update');
        return { accepted: true, stage: this.status.stage };
      },
      {
        validator: (request) => {
          if (isUnencryptedPayload(request)) throw new Error('refused: the request was not encrypted and this worker requires encryption');
          if (this.status.pointOfNoReturn) throw new Error(`too late to cancel: the invoice is being issued (stage ${this.status.stage})`);
        },
      },
    );
    setHandler(quotaToppedUpSignal, () => void this.#topUps++);
    setHandler(approveIssuanceSignal, (request) => {
      if (this.status.approval !== 'waiting' || isUnencryptedPayload(request)) return;
      this.status.approval = 'approved';
      this.status.approvedBy = request.approvedBy;
    });
    // Workflow cancellation (Web UI button, handle.cancel()) means the same as the cancel signal.
    CancellationScope.current().cancelRequested.catch(() => this.cancel('cancelled through Temporal', 'workflow-cancel'));
  }

  get referenceCode(): string {
    return this.status.referenceCode;
  }

  get generation(): number {
    return this.#generation;
  }

  /** How many `quotaToppedUp` signals arrived: a wait for quota checks again when this grows. */
  get topUps(): number {
    return this.#topUps;
  }

  get cancelAccepted(): boolean {
    return this.status.cancellation?.outcome === 'accepted';
  }

  begin({ invoiceKey, options }: ParsedIssueInvoiceInput): void {
    this.#invoiceKey = invoiceKey;
    this.status.invoiceKey = invoiceKey;
    this.status.mode = options.mode;
    this.useGeneration(options.referenceGeneration);
  }

  enter(stage: InvoiceStage): void {
    this.status.stage = stage;
    this.#visibility.enter(stage);
    setCurrentDetails(describeStatus(this.status));
    if (stage === 'issued' || stage === 'cancelled' || stage === 'failed') countEndedRun(stage);
  }

  /** The reference code this run works on; recorded for the client's next run of the key. */
  useGeneration(generation: number): void {
    this.#generation = generation;
    this.status.referenceCode = referenceCodeFor(this.#invoiceKey, generation);
    this.#visibility.set(InvoiceReferenceCode, this.status.referenceCode);
    this.#visibility.memo({ [MemoKey.referenceGeneration]: generation, [MemoKey.referenceCodeSpent]: false, [MemoKey.issueRequested]: false });
  }

  /** SePay will never take this code again (its draft deleted, its create failed): the next run moves on. */
  markSpent(): void {
    this.#visibility.memo({ [MemoKey.referenceCodeSpent]: true });
  }

  /** From here nothing is undone; recorded so a re-run follows the issuance instead of redoing it. */
  passPointOfNoReturn(): void {
    if (this.status.pointOfNoReturn) return;
    this.status.pointOfNoReturn = true;
    this.#visibility.memo({ [MemoKey.issueRequested]: true });
  }

  created(providerAccountId: string, trackingCode: string | undefined): void {
    this.status.providerAccountId = providerAccountId;
    this.status.createTrackingCode = trackingCode;
    this.#visibility.set(ProviderAccountId, providerAccountId);
  }

  issuing(trackingCode: string | undefined): void {
    this.status.issueTrackingCode = trackingCode;
  }

  /** False when the approval deadline passed first. */
  async approved(timeout: Duration): Promise<boolean> {
    if (this.status.approval !== 'waiting') return true;
    this.enter('awaiting-approval');
    return condition(() => this.status.approval === 'approved', timeout);
  }

  /** A quota refusal issued nothing: the invoice can be cancelled again, and a re-run must not follow an issuance. */
  backBeforePointOfNoReturn(): void {
    this.status.pointOfNoReturn = false;
    this.#visibility.memo({ [MemoKey.issueRequested]: false });
  }

  /** The approval wait is moot: the invoice is already issued or being issued at SePay. */
  skipApproval(): void {
    if (this.status.approval === 'waiting') this.status.approval = 'not-required';
  }

  cancel(reason: string, via: CancellationView['via']): void {
    if (this.cancelAccepted) return;
    this.status.cancellation = { reason, via, outcome: this.status.pointOfNoReturn ? 'too-late' : 'accepted' };
    if (!this.status.pointOfNoReturn) this.beforeIssue.cancel();
  }

  /** SePay turned out to hold the invoice issued or issuing: an accepted cancel came too late after all. */
  cancellationTooLate(): void {
    if (this.status.cancellation) this.status.cancellation.outcome = 'too-late';
  }

  noteDraft(fate: string): void {
    this.status.draft = fate;
  }

  noteError(error: unknown): void {
    this.status.lastError = errorView(error);
  }

  finishIssued(invoice: IssuedInvoice): IssueInvoiceResult {
    const result: IssueInvoiceResult = { outcome: 'issued', invoice };
    if (this.status.cancellation) result.lateCancellation = this.status.cancellation;
    this.status.result = result;
    this.#visibility.set(InvoiceNumber, invoice.invoiceNumber);
    this.enter('issued');
    return result;
  }

  finishCancelled(draftDeleted: boolean): IssueInvoiceResult {
    const reason = this.status.cancellation?.reason ?? 'cancelled';
    const result: IssueInvoiceResult = { outcome: 'cancelled', referenceCode: this.referenceCode, reason, draftDeleted };
    this.status.result = result;
    this.enter('cancelled');
    return result;
  }

  /** The typed failure the run ends with; a code SePay has spent is recorded for the next run. */
  fail(error: unknown): unknown {
    const failure = toWorkflowFailure(error);
    this.noteError(failure);
    if (failure instanceof ApplicationFailure && spendsReferenceCode(failure)) this.markSpent();
    this.enter('failed');
    return failure;
  }
}

/** A failed create job, or a code SePay says is taken with nothing behind it. */
function spendsReferenceCode(failure: ApplicationFailure): boolean {
  const details = failureDetails(failure);
  if (failure.type === FailureType.SepayJobFailed) return details.job === 'create';
  return failure.type === FailureType.SepayReferenceConflict && details.spent === true;
}
