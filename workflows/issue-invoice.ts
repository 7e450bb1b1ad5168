/**
 * issueInvoiceWorkflow: one Vietnamese e-invoice, from the business app's order to an issued
 * invoice with its PDF, through SePay's asynchronous create and issue jobs.
 *
 *   look up the key at SePay → [create → await creation] → [approve] → issue → await issuance → fetch detail
 *
 * What SePay already holds for the key's reference code decides where a run starts, in every run
 * of the key (a re-run after a failure, a termination or a timeout): nothing → create; a draft with
 * the same content → approve and issue it; a draft with other content → delete it and create the
 * corrected invoice under the next generation; issued → fetch it and finish issued, or fail
 * `IssuedInvoiceDiffers` when its content is not what this run asks for (docs/reference-codes.md).
 *
 * Until the issue request is sent (in `direct` mode: the create request) the invoice can be
 * cancelled by signal, update or workflow cancellation, and a draft already at SePay is deleted.
 * From that point on nothing is undone: a late cancel is recorded as too late.
 */
import { ApplicationFailure, CancellationScope, CancelledFailure, condition, isCancellation, patched, TemporalFailure, workflowInfo } from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common';
import type { IssueOutcome, JobOutcome, Preparation, PrepareInvoiceInput, ResolvedAccount } from '../activities/index.js';
import { decide } from './decision-table.js';
import { FailureType } from '../contract/failure-types.js';
import type { IssueInvoiceInput, ParsedIssueInvoiceInput } from '../contract/input.js';
import { cancelledAtSepay, compensationFailed, createJobFailed, issuedInvoiceDiffers, madeByHand, referenceCodeSpent } from './invoice-failures.js';
import { InvoiceRun } from './invoice-run.js';
import { issueInvoiceWorkflowV2 } from './legacy/issue-invoice-v2.js';
import type { IssuedInvoice, IssueInvoiceResult } from '../contract/messages.js';
import { deadlineExceeded, failureCause, failureNaming, typedFailure } from './run-outcome.js';
import { stepActivities, type StepActivities } from './step-activities.js';
import { waitsTaskQueueFor } from '../contract/task-queue.js';
import { parsedInput } from './validated-input.js';
import { formatVietnamDateTime } from './vietnam-time.js';

/** Runs without this marker started before SePay's state decided the path: they replay the old code. */
export const REFERENCE_STATE_DECIDES_PATH = 'reference-state-decides-path';
/** Runs without this marker ran the first step as a regular activity, in a workflow task of its own. */
export const FIRST_STEP_IN_FIRST_TASK = 'first-step-in-first-task';
/** Runs without this marker let a cancel stop their first step, and ended cancelled without its facts. */
export const CANCEL_AFTER_FIRST_STEP = 'cancel-after-first-step';

/** What SePay holds for this run's code once the cancellable part is over. */
type Holding = 'nothing' | 'draft' | 'issued';

/** What the first step found: what SePay holds, or an earlier run that completed the key cancelled. */
type Prepared = { holding: Holding; quotaRemaining?: number } | { holding: 'settled'; result: Extract<IssueInvoiceResult, { outcome: 'cancelled' }> };

export async function issueInvoiceWorkflow(rawInput: IssueInvoiceInput): Promise<IssueInvoiceResult> {
  if (!patched(REFERENCE_STATE_DECIDES_PATH)) return issueInvoiceWorkflowV2(rawInput);
  // Asked before the first local activity: one that outlasts a workflow task heartbeat would put a
  // patch asked after it into another workflow task than on replay (a nondeterminism error).
  const firstStepInFirstTask = patched(FIRST_STEP_IN_FIRST_TASK);
  const cancelAfterFirstStep = patched(CANCEL_AFTER_FIRST_STEP);
  const run = new InvoiceRun(rawInput);
  const input = await parsedInput(rawInput);
  run.begin(input);
  const steps = new InvoiceSteps(run, input, { firstStepInFirstTask, cancelAfterFirstStep });
  let holding = 'nothing' as Holding;
  let quotaEmpty = false;

  // A direct create whose job SePay reports failed for quota made nothing: the run steps back
  // before the point of no return, waits for quota, and creates again under the next code.
  for (;;) {
    // ---- before the point of no return: cancellable --------------------------------------------
    let settledEarlier: Extract<IssueInvoiceResult, { outcome: 'cancelled' }> | undefined;
    try {
      await run.beforeIssue.run(async () => {
        if (!steps.prepared) {
          const prepared = await steps.firstStep();
          if (prepared.holding === 'settled') {
            settledEarlier = prepared.result;
            return;
          }
          holding = prepared.holding;
          quotaEmpty = prepared.quotaRemaining === 0;
          if (holding === 'draft' && steps.earlierRunRequestedIssue()) {
            // An earlier run sent this draft to be issued: past approval, follow the issuance.
            run.passPointOfNoReturn();
            return;
          }
        }
        if (holding === 'issued') return;
        if (holding === 'nothing' && input.options.mode === 'draft-then-issue') holding = await steps.createDraft();
        if (holding !== 'issued' && !(await run.approved(input.options.approvalTimeout))) {
          throw deadlineExceeded(`no approval within ${String(input.options.approvalTimeout)}`);
        }
        if (quotaEmpty && holding !== 'issued') await steps.awaitQuota();
      });
    } catch (error) {
      const cancelled = steps.endsCancelled(error);
      const compensation = await steps.compensate({ cancelled });
      if (compensation === 'issued') holding = 'issued';
      else if (cancelled) return run.finishCancelled(compensation === 'deleted');
      else throw run.fail(steps.namingUnseenDraft(error));
    }
    if (settledEarlier) return run.finishCancelledEarlier(settledEarlier);
    // A cancel that landed between the last step and here still wins: nothing was issued yet.
    if (run.cancelAccepted && !run.status.pointOfNoReturn) {
      const compensation = await steps.compensate({ cancelled: true });
      if (compensation !== 'issued') return run.finishCancelled(compensation === 'deleted');
      holding = 'issued';
    }

    // ---- the point of no return ------------------------------------------------------------------
    // From here this code is only ever followed to issued: no answer, whoever sends it, spends it,
    // moves the run to another code or ends it cancelled (docs/reference-codes.md).
    run.passPointOfNoReturn();
    run.cancellationTooLate();
    run.skipApproval();
    try {
      const invoice = await CancellationScope.nonCancellable(async () => {
        if (holding === 'nothing') {
          const created = await steps.create(false);
          if (created === 'quota-failed') return undefined;
          // A draft found under the code (its 409) is issued like any other.
          holding = created;
        }
        if (holding === 'draft') await steps.issue();
        return steps.fetchDetail();
      });
      if (invoice) return run.finishIssued(invoice);
    } catch (error) {
      // SePay refused the direct create itself: nothing was made under the code, nothing to follow.
      if (steps.refusedDirectCreate) {
        run.backBeforePointOfNoReturn();
        throw run.fail(error);
      }
      // Its issue request stays sent: a new run of the key follows that code to issued.
      throw run.fail(
        failureNaming(error, `reference code ${run.referenceCode}: its issue was requested and is never undone; a new run of the key follows it`, {
          referenceCode: run.referenceCode,
          issueRequested: true,
        }),
      );
    }
    // SePay says the direct create's job failed for quota: nothing was committed under this code.
    steps.moveToNextCode();
    run.backBeforePointOfNoReturn();
    holding = 'nothing';
    quotaEmpty = true;
  }
}

/** The SePay steps of one run, each a typed activity call that keeps the run's state current. */
class InvoiceSteps {
  readonly #activities: StepActivities;
  readonly #polling: { pollIntervalMs: number; fastPhaseMs: number };
  readonly #issuedDate: string;
  /** A draft of this run's code may exist at SePay (created, adopted or still being created). */
  #draftMayExist = false;
  /** Where the invoice goes, as the first step resolved and checked it at SePay. */
  #account: ResolvedAccount | undefined;
  #earlierCreateFollowed = false;
  /** SePay answered this run's latest create request: what follows is its job, not a refusal of the request. */
  #createAccepted = false;
  /** SePay refused this run's latest create request: it made nothing (a direct create stays before the point of no return). */
  #createRefused = false;
  /** The first step failed: what it found (an issued invoice of other content, say) ends the run, cancelled or not. */
  #firstStepFailed = false;
  /** A create whose answer never came left nothing visible when the run failed: its failure names the code. */
  #draftMayAppear = false;

  constructor(
    private readonly run: InvoiceRun,
    private readonly input: ParsedIssueInvoiceInput,
    private readonly paths: { firstStepInFirstTask: boolean; cancelAfterFirstStep: boolean },
  ) {
    this.#activities = stepActivities(input, { waitsTaskQueue: waitsTaskQueueFor(workflowInfo().taskQueue) });
    this.#polling = { pollIntervalMs: msToNumber(input.options.pollInitialInterval), fastPhaseMs: msToNumber(input.options.pollFastPhase) };
    this.#issuedDate = input.invoice.issued_date ?? formatVietnamDateTime(new Date());
  }

  /** SePay refused this run's latest create request itself: nothing was made under the code. */
  get refusedDirectCreate(): boolean {
    return this.#createRefused;
  }

  /**
   * Whether `error`, ending the cancellable part, ends the run cancelled: a cancel was accepted or
   * interrupted a step, and the first step found nothing that fails the run whatever the cancel
   * (a cancel never hides an issued invoice of other content, say).
   */
  endsCancelled(error: unknown): boolean {
    return !this.#firstStepFailed && (this.run.cancelAccepted || isCancellation(error));
  }

  /** True once the first step has run: later passes (after a quota refusal) skip it. */
  get prepared(): boolean {
    return this.#account !== undefined;
  }

  /**
   * The first step, run to its end even when a cancel comes first: the run may say cancelled only
   * once it knows that neither SePay nor an earlier run of the key holds the invoice issued or
   * issuing (any draft it finds is deleted as compensation).
   */
  async firstStep(): Promise<Prepared> {
    if (!this.paths.cancelAfterFirstStep) return this.prepare();
    try {
      return await CancellationScope.nonCancellable(() => this.prepare());
    } catch (error) {
      this.#firstStepFailed = true;
      throw error;
    }
  }

  /**
   * The first step: the account, template and series checked against SePay (typed refusals before
   * anything is created), the quota, and what SePay holds for the key. A draft of other content (a
   * corrected price, say) is deleted and the run moves to the next generation's code; an issued
   * invoice of other content ends the run.
   */
  private async prepare(): Promise<Prepared> {
    for (;;) {
      this.run.enter('inspecting');
      const { workflowId, runId } = workflowInfo();
      const { account, quotaRemaining, found, earlier } = await this.lookAtSepay({
        invoiceKey: this.input.invoiceKey,
        generation: this.run.generation,
        invoice: this.input.invoice,
        issuedDate: this.#issuedDate,
        // Read once: later looks (after a stale draft was replaced) already know the earlier runs.
        ...(!this.run.status.earlierRunsRecalled && { run: { workflowId, runId } }),
      });
      this.#account = account;
      this.run.created(account.providerAccountId, undefined);
      if (earlier) {
        this.run.recall(earlier.sent);
        // An issued one is found at SePay below, and compared with what this run asks for.
        if (earlier.completed?.result.outcome === 'cancelled') return { holding: 'settled', result: earlier.completed.result };
        if (earlier.generation !== this.run.generation) this.run.useGeneration(earlier.generation);
      }
      // A draft SePay once showed for this code and no longer holds was deleted: the code is spent.
      if (found.status === 'absent' && this.run.recorded()?.draftSeen) {
        this.moveToNextCode();
        continue;
      }
      if (found.status === 'absent' && (await this.earlierCreateSettled())) continue;
      if (found.status === 'absent') return { holding: 'nothing', quotaRemaining };
      if (found.status === 'cancelled') throw cancelledAtSepay(found.referenceCode, found.invoiceNumber);
      if (found.manual && found.status === 'draft') throw madeByHand(found.referenceCode);
      if (found.status === 'issued') {
        if (found.differences.length > 0) throw issuedInvoiceDiffers(found.referenceCode, found.invoiceNumber, found.differences);
        this.adoptIssued(found.generation);
        return { holding: 'issued', quotaRemaining };
      }
      if (found.generation === this.run.generation && found.differences.length === 0) {
        this.#draftMayExist = true;
        this.run.sawDraft();
        return { holding: 'draft', quotaRemaining };
      }
      // A stale draft: other content, or an earlier generation's left behind. Recorded as seen
      // before the delete goes out: a re-run that finds the code absent then knows it was deleted,
      // even when this run ends before the answer and the create behind the draft never told its
      // tracking code.
      this.run.sawDraft(found.referenceCode);
      this.run.enter('replacing-draft');
      const deleted = await CancellationScope.nonCancellable(() => this.#activities.replaceDraft.deleteDraft({ referenceCode: found.referenceCode }));
      if (deleted.status === 'issued') continue; // issued meanwhile: the next look decides
      this.run.noteDraft(`stale draft ${found.referenceCode} deleted (${found.differences.join(', ') || 'earlier generation'})`);
      if (found.generation === this.run.generation) {
        this.run.markSpent();
        this.run.useGeneration(this.run.generation + 1);
      }
    }
  }

  /**
   * The first step, as a local activity in the workflow task that validated the input: the create
   * is then scheduled without another round trip through the server. Its answer is a read, safe
   * to repeat. A refusal ends the run either way; SePay still failing when the local budget is
   * spent is left to the regular activity, whose retries keep the history flat for hours.
   */
  private async lookAtSepay(request: PrepareInvoiceInput): Promise<Preparation> {
    if (!this.paths.firstStepInFirstTask) return this.#activities.prepare.prepareInvoice(request);
    try {
      return await this.#activities.prepareLocally.prepareInvoice(request);
    } catch (error) {
      const cause = failureCause(error);
      const refused = cause instanceof ApplicationFailure && cause.nonRetryable;
      if (isCancellation(error) || refused || !(cause instanceof TemporalFailure)) throw error;
      this.run.noteError(error);
      return this.#activities.prepare.prepareInvoice(request);
    }
  }

  /**
   * Waits, cancellably, until SePay's quota is above zero: one activity whose retries are the wait
   * (history stays flat however long), checked again at once on a `quotaToppedUp` signal.
   */
  async awaitQuota(): Promise<void> {
    this.run.enter('awaiting-quota');
    let fresh = false;
    for (;;) {
      const seenTopUps = this.run.topUps;
      const scope = new CancellationScope();
      const waiting = scope.run(() => this.#activities.awaitQuota.awaitQuota({ fresh }));
      const toppedUp = condition(() => this.run.topUps > seenTopUps).then(() => 'topped-up' as const);
      if ((await Promise.race([waiting.then(() => 'quota' as const), toppedUp])) === 'quota') return;
      scope.cancel();
      await waiting.catch(() => undefined);
      fresh = true;
    }
  }

  /**
   * Whether an earlier run of the key sent this code's draft to be issued: its own record says so
   * (runs from before the record: the client's hint, as those runs were started with).
   */
  earlierRunRequestedIssue(): boolean {
    if (this.run.status.earlierRunsRecalled) return this.run.recorded()?.issueRequested === true;
    return this.input.options.earlierRunRequestedIssue;
  }

  /**
   * Runs from before SePay's answers were the steps' results read them from failures' types and
   * details (their histories replay so); a run that read its key's earlier runs asks for results,
   * so such a failure can only have been sent by someone else and proves nothing.
   */
  private trustsFailureDetails(): boolean {
    return !this.run.status.earlierRunsRecalled;
  }

  /** The run's failure, naming the code where a draft may still appear (see compensate). */
  namingUnseenDraft(error: unknown): unknown {
    if (!this.#draftMayAppear) return error;
    const { referenceCode } = this.run;
    return failureNaming(error, `a draft may yet appear at SePay under reference code ${referenceCode}: the answer to its create never came`, {
      referenceCode,
      draft: 'may-appear',
    });
  }

  /** SePay says this code's create job failed: it made nothing, and the code is not used again. */
  moveToNextCode(): void {
    this.#draftMayExist = false;
    this.run.markSpent();
    this.run.useGeneration(this.run.generation + 1);
  }

  /**
   * Creates the draft, waiting for quota (cancellably, before the point of no return) when SePay
   * refuses the request or fails the job for quota: a refused request created nothing and is sent
   * again under the same code; a failed job made nothing, and the next code is used.
   */
  async createDraft(): Promise<Holding> {
    for (;;) {
      // The first step is not cancellable: a cancel accepted meanwhile stops the run here, before
      // a create that would only make a draft to delete.
      if (this.paths.cancelAfterFirstStep && CancellationScope.current().consideredCancelled) throw new CancelledFailure('cancelled before the create was sent');
      let created: Holding | 'quota-failed';
      try {
        created = await this.create(true);
      } catch (error) {
        // A refused create request: whoever sent the quota failure, waiting and sending the same code
        // again is safe (SePay's 409 finds any draft). Once SePay accepted the create, its job's
        // answer decides, never a failure: the job may have failed and taken the code.
        const step = this.#createAccepted ? 'await' : 'create';
        const answer = typedFailure(error, FailureType.SepayQuotaExceeded) ? 'refused-quota' : 'failure';
        if (decide('before', step, answer).action !== 'await-quota-same-code') throw error;
        this.run.noteError(error);
        await this.awaitQuota();
        continue;
      }
      if (created !== 'quota-failed') return created;
      this.moveToNextCode();
      await this.awaitQuota();
    }
  }

  /**
   * The earlier run's create for this code, when the client named it and it is still to be
   * followed: waits for its job, then answers true so the key is looked at again (the draft or
   * invoice it made is now visible; a failed job has spent the code: the next generation follows).
   */
  private async earlierCreateSettled(): Promise<boolean> {
    const trackingCode = this.run.status.earlierRunsRecalled
      ? this.run.recorded()?.createTrackingCode
      : this.run.generation === this.input.options.referenceGeneration
        ? this.input.options.earlierCreateTrackingCode
        : undefined;
    if (!trackingCode || this.#earlierCreateFollowed) return false;
    this.#earlierCreateFollowed = true;
    // Cancelled meanwhile, the run must still wait for that job and delete what it made.
    this.#draftMayExist = true;
    this.run.created(this.#account!.providerAccountId, trackingCode);
    this.run.enter('awaiting-creation');
    let outcome: JobOutcome;
    try {
      outcome = await this.#activities.awaitCreation.awaitCreation({
        referenceCode: this.run.referenceCode,
        trackingCode,
        acceptedLongAgo: true,
        failedAsOutcome: true,
        ...this.#polling,
      });
    } catch (error) {
      if (isCancellation(error)) throw error;
      this.#draftMayExist = false;
      this.run.noteError(error);
      // No answer about that job (SePay never knew its tracking code, say): nothing to adopt, and
      // nothing learnt. Runs from before failed jobs were answers, not failures, still read theirs.
      if (!this.trustsFailureDetails() || !typedFailure(error, FailureType.SepayJobFailed)) return false;
      outcome = { status: 'gone', invoiceNumber: '' };
    }
    // Its create failed, or its draft was deleted since (the earlier run ended before saying so).
    if (outcome.status === 'gone' || outcome.status === 'failed') this.moveToNextCode();
    return true;
  }

  /** An issued invoice of this key found at SePay is this run's outcome, whatever generation holds it. */
  private adoptIssued(generation: number): void {
    if (generation !== this.run.generation) this.run.useGeneration(generation);
    this.run.passPointOfNoReturn();
  }

  /**
   * Sends the create and waits for its job; what SePay then holds, or `quota-failed` when SePay
   * reports the job failed for quota (nothing was made). Any other failed job ends the run.
   */
  async create(isDraft: boolean): Promise<Holding | 'quota-failed'> {
    this.run.enter('creating');
    // Recorded before it goes out: its answer may be lost after SePay committed it, and whatever
    // failure comes back (anyone can send one), compensation must look for the draft.
    this.run.sendingCreate();
    if (!isDraft) this.run.sendingIssue();
    if (!this.trustsFailureDetails()) this.#draftMayExist = isDraft;
    this.#createAccepted = false;
    this.#createRefused = false;
    const creationTimeoutMs = msToNumber(this.input.options.creationTimeout);
    // A create request is never abandoned half-way: its outcome decides what compensation does.
    const created = await CancellationScope.nonCancellable(() =>
      this.#activities.create.createInvoice({
        referenceCode: this.run.referenceCode,
        ...this.createRequest(isDraft),
        // Taken but invisible for the whole creation timeout: the code is spent, not still being created.
        unresolvedReferenceWindowMs: Math.max(creationTimeoutMs / 2, creationTimeoutMs - 60_000),
        spentAsOutcome: true,
        refusedAsOutcome: true,
        knownCreateTrackingCode: this.run.recorded()?.createTrackingCode,
      }),
    );
    if (created.refused) {
      // SePay's own answer to this create: nothing was made, nothing to look for or delete.
      this.#draftMayExist = false;
      this.#createRefused = true;
      const { type, message, details } = created.refused;
      throw ApplicationFailure.create({ type, message, nonRetryable: true, details });
    }
    this.#draftMayExist = isDraft;
    this.#createAccepted = true;
    if (created.spent) {
      this.#draftMayExist = false;
      this.run.markSpent();
      throw referenceCodeSpent(this.run.referenceCode);
    }
    this.run.created(created.providerAccountId, created.trackingCode);
    if (created.existingStatus === 'cancelled') throw cancelledAtSepay(this.run.referenceCode, undefined);
    let status: JobOutcome['status'] | undefined = created.existingStatus;
    if (created.trackingCode) {
      this.run.enter('awaiting-creation');
      const outcome = await this.#activities.awaitCreation.awaitCreation({
        referenceCode: this.run.referenceCode,
        trackingCode: created.trackingCode,
        failedAsOutcome: true,
        ...this.#polling,
      });
      if (outcome.status === 'failed') {
        this.#draftMayExist = false;
        const { action } = decide(isDraft ? 'before' : 'past', 'await', outcome.quota ? 'job-failed-quota' : 'job-failed');
        if (action === 'await-quota-next-code') return 'quota-failed';
        if (action === 'spend-and-fail') this.run.markSpent();
        throw createJobFailed(this.run.referenceCode, created.trackingCode, outcome.message);
      }
      status = outcome.status;
    }
    if (status === 'issued') {
      this.adoptIssued(this.run.generation);
      return 'issued';
    }
    if (status === 'draft') this.run.sawDraft();
    return isDraft || status === 'draft' ? 'draft' : 'issued';
  }

  /** The invoice this run creates (and compares whatever SePay holds under its code with). */
  private createRequest(isDraft: boolean) {
    return {
      invoice: {
        ...this.input.invoice,
        issued_date: this.#issuedDate,
        provider_account_id: this.#account?.providerAccountId ?? this.input.invoice.provider_account_id,
        template_code: this.#account?.templateCode ?? this.input.invoice.template_code,
        invoice_series: this.#account?.invoiceSeries ?? this.input.invoice.invoice_series,
      },
      isDraft,
      issuedDateGiven: this.input.invoice.issued_date !== undefined,
    };
  }

  /** The issue request and its job (the point of no return is already passed). */
  async issue(): Promise<void> {
    const { referenceCode } = this.run;
    this.run.enter('issuing');
    this.run.sendingIssue();
    const issued: IssueOutcome = await this.#activities.issue.issueInvoice({ referenceCode });
    if (issued.alreadyIssued) return;
    this.run.issuing(issued.trackingCode);
    this.run.enter('awaiting-issuance');
    await this.#activities.awaitIssuance.awaitIssuance({ referenceCode, trackingCode: issued.trackingCode, ...this.#polling });
  }

  async fetchDetail(): Promise<IssuedInvoice> {
    this.run.enter('fetching-detail');
    return this.#activities.fetchDetail.fetchInvoiceDetail({
      referenceCode: this.run.referenceCode,
      providerAccountId: this.run.status.providerAccountId ?? '',
    });
  }

  /**
   * Deletes the draft a cancelled or failed run leaves at SePay, waiting first for a create job
   * still in flight. `issued`: SePay holds it issued after all (an earlier run's issue request), so
   * the run must finish issued. A failing deletion ends the run (`CompensationFailed`, stage
   * failed), saying where the draft may remain.
   */
  async compensate({ cancelled }: { cancelled: boolean }): Promise<'deleted' | 'nothing' | 'issued'> {
    if (!this.#draftMayExist || this.run.status.pointOfNoReturn) return 'nothing';
    this.#draftMayExist = false;
    const { referenceCode } = this.run;
    this.run.enter('compensating');
    return CancellationScope.nonCancellable(async () => {
      const trackingCode = this.run.status.createTrackingCode;
      // A create sent whose answer never came (or came as a failure anyone could have sent). A run
      // that ends cancelled looks for its draft until a just-accepted job would be visible, so it
      // never says cancelled with a draft still to come; a failing run looks once, and its failure
      // names the code.
      const answerUnknown = !trackingCode && !this.trustsFailureDetails() && this.run.recorded()?.createSent === true;
      if (trackingCode || (answerUnknown && cancelled)) {
        try {
          // A job SePay reports failed made nothing: there is nothing to delete.
          const created = await this.#activities.compensationWait.awaitCreation({ referenceCode, trackingCode, failedAsOutcome: true, absentAfterGraceIsGone: true, ...this.#polling });
          // Seen before the delete goes out: a re-run that finds the code absent knows it was deleted.
          if (created.status === 'draft') this.run.sawDraft();
        } catch (error) {
          this.run.noteError(error);
          // A failed create left nothing to delete. One still running past its deadline may yet
          // make a draft: the run cannot honestly say cancelled, nothing left.
          if (!this.trustsFailureDetails() || !typedFailure(error, FailureType.SepayJobFailed)) {
            this.run.noteDraft(`may appear at SePay under reference code ${referenceCode}: its create job had not finished`);
            throw this.run.fail(compensationFailed(referenceCode, error));
          }
        }
      }
      let outcome;
      try {
        outcome = await this.#activities.compensation.deleteDraft({ referenceCode, compareWith: this.createRequest(true) });
      } catch (error) {
        this.run.noteDraft(`may remain at SePay under reference code ${referenceCode}: deleting it failed`);
        throw this.run.fail(compensationFailed(referenceCode, error));
      }
      // Issued, but not the invoice this run asked for (an invoice of other content took the code):
      // never this run's outcome.
      if (outcome.issued && outcome.issued.differences.length > 0) {
        throw this.run.fail(issuedInvoiceDiffers(referenceCode, outcome.issued.invoiceNumber, outcome.issued.differences));
      }
      if (outcome.status === 'issued') {
        this.adoptIssued(this.run.generation);
        return 'issued';
      }
      // Deleted, or gone (its create job failed): SePay never takes the code again. A create whose
      // answer is unknown and whose draft is not there may have been refused: the code is kept.
      if (outcome.deleted || !answerUnknown || cancelled) this.run.markSpent();
      else {
        this.#draftMayAppear = true;
        this.run.noteDraft(`may appear at SePay under reference code ${referenceCode}: the answer to its create never came`);
      }
      this.run.noteDraft(outcome.deleted ? `deleted (${referenceCode})` : `none left (${referenceCode})`);
      return outcome.deleted ? 'deleted' : 'nothing';
    });
  }
}
