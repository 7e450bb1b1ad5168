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
  log,
  setCurrentDetails,
  setHandler,
} from '@temporalio/workflow';
import type { z } from 'zod';
import type { Duration } from '@temporalio/common';
import { describeStatus, startingStatus } from './current-details.js';
import { FailureType } from '../contract/failure-types.js';
import type { ParsedIssueInvoiceInput } from '../contract/input.js';
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
  type ReferenceCodeRecord,
  type IssueInvoiceResult,
} from '../contract/messages.js';
import { referenceCodeFor } from '../contract/reference-code.js';
import { emptyRecord, mergeRecordInto } from './reference-code-record.js';
import { countEndedRun, errorView, failureDetails, toWorkflowFailure } from './run-outcome.js';
import { ApproveRequestSchema, CancelRequestSchema, parseArgument } from '../contract/message-arguments.js';
import { RunVisibility } from './run-visibility.js';
import { InvoiceNumber, InvoiceReferenceCode, ProviderAccountId } from '../contract/search-attributes.js';

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
    // Every argument is parsed first: a malformed one (or one sent in clear to a worker that
    // requires encryption) changes nothing and is recorded, and never fails the workflow task.
    setHandler(cancelInvoiceSignal, (request) => {
      const parsed = this.parsed(cancelInvoiceSignal.name, CancelRequestSchema, request);
      if (parsed) this.cancel(parsed.reason, 'signal');
    });
    setHandler(
      requestCancellationUpdate,
      (request) => {
        this.cancel(CancelRequestSchema.parse(request).reason, 'update');
        return { accepted: true, stage: this.status.stage };
      },
      {
        validator: (request) => {
          const parsed = parseArgument(CancelRequestSchema, request);
          if (!parsed.ok) throw new Error(`refused: ${parsed.problem}`);
          if (this.status.pointOfNoReturn) throw new Error(`too late to cancel: the invoice is being issued (stage ${this.status.stage})`);
        },
      },
    );
    setHandler(quotaToppedUpSignal, () => void this.#topUps++);
    setHandler(approveIssuanceSignal, (request) => {
      const parsed = this.parsed(approveIssuanceSignal.name, ApproveRequestSchema, request);
      if (!parsed || this.status.approval !== 'waiting') return;
      this.status.approval = 'approved';
      this.status.approvedBy = parsed.approvedBy;
    });
    // Workflow cancellation (Web UI button, handle.cancel()) means the same as the cancel signal.
    CancellationScope.current().cancelRequested.catch(() => this.cancel('cancelled through Temporal', 'workflow-cancel'));
  }

  /** The message's argument, or undefined (recorded, logged) when it does not parse. */
  private parsed<T>(name: string, schema: z.ZodType<T>, argument: unknown): T | undefined {
    const parsed = parseArgument(schema, argument);
    if (parsed.ok) return parsed.value;
    this.status.refusedMessage = { name, problem: parsed.problem };
    log.warn('message refused: its argument did not parse', { message: name, problem: parsed.problem });
    return undefined;
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
    this.record().spent = true;
    this.#visibility.memo({ [MemoKey.referenceCodeSpent]: true });
  }

  /** What the runs of the key sent under `referenceCode` (this run's code by default), if anything. */
  recorded(referenceCode = this.referenceCode): ReferenceCodeRecord | undefined {
    return this.status.sent.find((record) => record.referenceCode === referenceCode);
  }

  /** Adds what the key's earlier runs recorded (read by the first step from Temporal) to this run's record. */
  recall(earlier: readonly ReferenceCodeRecord[]): void {
    for (const record of earlier) mergeRecordInto(this.record(record.referenceCode), record);
    this.status.earlierRunsRecalled = true;
  }

  /** Written before the request goes out: its answer may be lost after SePay committed it. */
  sendingCreate(): void {
    this.record().createSent = true;
  }

  /** SePay showed a draft under `referenceCode` (this run's code by default): if it is ever absent again, it was deleted. */
  sawDraft(referenceCode = this.referenceCode): void {
    this.record(referenceCode).draftSeen = true;
  }

  /** Written before the request goes out: from then on this code is only ever followed to issued. */
  sendingIssue(): void {
    this.record().issueRequested = true;
  }

  private record(referenceCode = this.referenceCode): ReferenceCodeRecord {
    let record = this.recorded(referenceCode);
    if (!record) {
      record = emptyRecord(referenceCode);
      this.status.sent.push(record);
    }
    return record;
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
    if (trackingCode) this.record().createTrackingCode = trackingCode;
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

  finishCancelled(draftDeleted: boolean, reason = this.status.cancellation?.reason ?? 'cancelled'): IssueInvoiceResult {
    const result: IssueInvoiceResult = { outcome: 'cancelled', referenceCode: this.referenceCode, reason, draftDeleted };
    this.status.result = result;
    this.enter('cancelled');
    return result;
  }

  /**
   * An earlier run of the key completed cancelled (a plain start with Temporal's default id policy
   * may follow one): that is the key's answer, as `InvoiceClient.issue` would have returned it.
   */
  finishCancelledEarlier(earlier: Extract<IssueInvoiceResult, { outcome: 'cancelled' }>): IssueInvoiceResult {
    return this.finishCancelled(false, `cancelled by an earlier run of the key: ${earlier.reason}`);
  }

  /**
   * The typed failure the run ends with. A code SePay has spent is recorded for the next run, but
   * never past the point of no return: no failure, whoever sent it, spends a code whose issue was
   * requested.
   */
  fail(error: unknown): unknown {
    const failure = toWorkflowFailure(error);
    this.noteError(failure);
    // The SDK's own "Workflow failed" line reaches the worker's logger as a plain Error (its type
    // lost crossing the workflow thread): this one carries the type and ids, never the message.
    log.warn('invoice run failed', { failureType: failure instanceof ApplicationFailure ? failure.type : 'unknown', referenceCode: this.referenceCode });
    // Runs that read their key's earlier runs spend a code only on SePay's answers (InvoiceSteps);
    // earlier runs read them from failures, and replay so.
    if (!this.status.earlierRunsRecalled && failure instanceof ApplicationFailure && takenWithNothingBehind(failure) && !this.recorded()?.issueRequested) this.markSpent();
    this.enter('failed');
    return failure;
  }
}

/**
 * A code the create step found taken with nothing behind it for its whole window, or a create job
 * reported failed: before the point of no return the worst a forged one can do is move the key to
 * the next code, where the look-up still finds anything SePay holds under this one.
 */
function takenWithNothingBehind(failure: ApplicationFailure): boolean {
  const details = failureDetails(failure);
  if (failure.type === FailureType.SepayJobFailed) return details.job === 'create';
  return failure.type === FailureType.SepayReferenceConflict && details.spent === true;
}
