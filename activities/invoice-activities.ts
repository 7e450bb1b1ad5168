/**
 * One activity per SePay step of `issueInvoiceWorkflow`. Each makes one SePay call per attempt
 * (waits included: Temporal's retry policy is the poll loop), passes the activity's cancellation to
 * the HTTP call, and fails with the stable types of `contract/failure-types.ts`.
 *
 * The access token lives in the worker's `TokenProvider`; no activity returns it.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { CreateInvoiceRequest, InvoiceDetail, SepayClient, TokenProvider } from '../sepay/index.js';
import { issuedInvoiceDiffers } from '../workflows/invoice-failures.js';
import { describeVatLinesMissingTaxRate } from '../contract/invoice-rules.js';
import { referenceCodeFor } from '../contract/reference-code.js';
import { FailureType } from '../contract/failure-types.js';
import type { InvoiceContent } from '../contract/input.js';
import type { IssuedInvoice } from '../contract/messages.js';
import { isAccountRefusal } from './account-rules.js';
import { isSepayError, sepayCall, stillPending, toApplicationFailure } from './sepay-failure.js';
import type { CheckPacer } from './check-pacer.js';
import { currentHeartbeatDetails, heartbeatWith, keptAlive } from './keepalive.js';
import { describeDifferences, type ComparableInvoice } from './same-invoice.js';
import { EarlierRunUnreadable, latestGeneration, recallEarlierRuns, type EarlierRuns, type EarlierRunsRequest, type TemporalReader } from './earlier-runs.js';

export interface InvoiceDefaults {
  providerAccountId?: string;
  templateCode?: string;
  invoiceSeries?: string;
}

/** The SePay calls the invoice steps make: narrow, so tests can hand in a fake. */
export type SepayInvoiceApi = Pick<SepayClient, 'createInvoice' | 'checkCreate' | 'issueInvoice' | 'checkIssue' | 'deleteDraft' | 'getInvoice'>;
/** The worker's token cache, as the steps see it. */
export type AccessTokens = Pick<TokenProvider, 'getToken' | 'expiresAt'>;

/** The account, template and series an invoice is created under, checked against SePay. */
export interface ResolvedAccount {
  providerAccountId: string;
  templateCode: string;
  invoiceSeries: string;
}

/** The worker's cached view of SePay's provider accounts (activities/account-directory.ts). */
export interface AccountResolver {
  resolve(
    invoice: { provider_account_id?: string; template_code?: string; invoice_series?: string; issued_date?: string },
    options?: { signal?: AbortSignal },
  ): Promise<ResolvedAccount>;
  invalidate(): void;
}

/** The worker's shared, short-lived reading of SePay's quota (activities/quota-gauge.ts). */
export interface QuotaReader {
  remaining(options?: { signal?: AbortSignal }): Promise<number>;
  invalidate(): void;
}

export interface InvoiceActivityDeps {
  sepay: SepayInvoiceApi;
  tokens: AccessTokens;
  defaults?: InvoiceDefaults;
  /** Without it the invoice's fields or the configured defaults are sent unchecked. */
  accounts?: AccountResolver;
  /** Without it quota is only learnt from SePay's refusals. */
  quota?: QuotaReader;
  /** The worker's budget of job checks (check-pacer.ts); without it every wait checks on its own schedule. */
  checks?: Pick<CheckPacer, 'turn'>;
  /**
   * How long a reference code may stay taken with no invoice visible before we stop assuming an
   * earlier create of ours is still being processed. Default 10 minutes.
   */
  unresolvedReferenceWindowMs?: number;
  /**
   * How long a job or invoice SePay has just accepted may still answer 404 (a short inconsistency
   * at SePay) before the 404 is believed. Default 2 minutes.
   */
  notFoundGraceMs?: number;
  /** Where earlier runs of a key are read (activities/earlier-runs.ts); the worker's own client by default. */
  temporal?: () => TemporalReader;
}

export interface CreateInvoiceInput {
  referenceCode: string;
  invoice: InvoiceContent & { issued_date: string };
  isDraft: boolean;
  /**
   * False when `issued_date` is the workflow's default (its start time) rather than the caller's:
   * an invoice an earlier run created on another day is still the same invoice. Default true.
   */
  issuedDateGiven?: boolean;
  /** Overrides the worker's unresolved-reference window (the workflow passes its creation timeout). */
  unresolvedReferenceWindowMs?: number;
  /**
   * A code still taken and invisible when the window ends is an answer (outcome `spent`), not a
   * failure: the run spends a code only on what SePay showed, never on a failure anyone can send.
   */
  spentAsOutcome?: boolean;
  /** A refusal of the first attempt's request (4xx, quota) is an answer (outcome `refused`), not a failure. */
  refusedAsOutcome?: boolean;
  /**
   * A create job the run's record knows for this code (an earlier run's): with `spentAsOutcome`, a
   * code taken with nothing visible after that job has ended is spent at once, not waited on.
   */
  knownCreateTrackingCode?: string;
}

export interface PrepareInvoiceInput {
  invoiceKey: string;
  /** The generation this run uses; every generation from it down to the first is looked at. */
  generation: number;
  invoice: InvoiceContent;
  /** The date the invoice will carry (the caller's, or the run's start in Vietnam time). */
  issuedDate: string;
  /**
   * The asking run: its key's earlier runs are read from Temporal, and the generation they reached
   * overrides `generation` when it is higher. Absent in runs from before they were read.
   */
  run?: EarlierRunsRequest;
}

/** What a run needs to know before it creates anything. */
export interface Preparation {
  /** The account, template and series the invoice goes to, allocated and approved at SePay. */
  account: ResolvedAccount;
  /** SePay's quota now (shared by the worker's runs for a moment), when the worker reads it. */
  quotaRemaining?: number;
  /** What SePay already holds for the key. */
  found: ReferenceCodeState;
  /** What the key's earlier runs sent, and the generation looked up (when `run` was given). */
  earlier?: EarlierRuns & { generation: number };
}

/** What SePay holds under a key's reference codes, newest generation first. */
export type ReferenceCodeState =
  | { status: 'absent' }
  | {
      status: 'draft' | 'issued' | 'cancelled';
      generation: number;
      referenceCode: string;
      invoiceNumber: string;
      providerAccountId: string;
      /** Made by hand in SePay's web UI: never adopted, never deleted by us. */
      manual: boolean;
      /** Empty when SePay holds what this run asks for. */
      differences: string[];
    };

export interface CreateInvoiceOutcome {
  referenceCode: string;
  providerAccountId: string;
  /** Set when this call's create was accepted; absent when an earlier attempt's invoice was found. */
  trackingCode?: string;
  /** Status of the invoice an earlier attempt created (found through the 409). */
  existingStatus?: 'draft' | 'issued' | 'cancelled';
  /** The code stayed taken with nothing visible for the whole window (only with `spentAsOutcome`). */
  spent?: boolean;
  /**
   * SePay refused this create (only with `refusedAsOutcome`, on the activity's first attempt: no
   * earlier attempt can have been committed): nothing was created. The typed refusal to end with.
   */
  refused?: { type: string; message: string; details: unknown[] };
}

export interface IssueOutcome {
  /** Absent when an earlier request's job is still in flight, or the invoice is already issued. */
  trackingCode?: string;
  alreadyIssued?: boolean;
}

export interface AwaitJobInput {
  referenceCode: string;
  /** Without it (an earlier attempt's response was lost) the invoice itself is watched. */
  trackingCode?: string;
  /**
   * The first attempt checks every `pollIntervalMs` for up to `fastPhaseMs` (SePay suggests a
   * check every 2-3 s at first); after that each retry is a single check on Temporal's backoff.
   */
  pollIntervalMs?: number;
  fastPhaseMs?: number;
  /**
   * An earlier run's job, accepted long ago: when it succeeded but its invoice is no longer at
   * SePay, the invoice was deleted since (outcome `gone`), not yet visible.
   */
  acceptedLongAgo?: boolean;
  /**
   * A create job SePay reports `Failed` is an answer (outcome `failed`), not a failure: the run
   * decides from what SePay said, never from a failure anyone with Temporal access can forge.
   */
  failedAsOutcome?: boolean;
  /**
   * Without a tracking code (a create whose answer never came): an invoice still not visible once
   * the grace for a job just accepted is over is taken as never made (outcome `gone`).
   */
  absentAfterGraceIsGone?: boolean;
}

export interface JobOutcome {
  /**
   * `gone`: the job succeeded, and its invoice has been deleted since (only with `acceptedLongAgo`).
   * `failed`: SePay reports the job failed and made nothing (only with `failedAsOutcome`).
   */
  status: 'draft' | 'issued' | 'cancelled' | 'gone' | 'failed';
  invoiceNumber: string;
  /** With `failed`: SePay's message says the quota is used up. */
  quota?: boolean;
  /** With `failed`: SePay's message. */
  message?: string;
}

export interface DeleteDraftOutcome {
  deleted: boolean;
  /** Why nothing was deleted: no such invoice, or no longer a draft. */
  status?: 'not-found' | 'issued' | 'cancelled';
  /** Found issued, compared with `compareWith`: its number and how it differs (empty: the invoice asked for). */
  issued?: { invoiceNumber: string; differences: string[] };
}

export interface DeleteDraftInput {
  referenceCode: string;
  /** The create this run sent for the code: an invoice found issued instead is compared with it. */
  compareWith?: Pick<CreateInvoiceInput, 'invoice' | 'isDraft' | 'issuedDateGiven'>;
}

export type InvoiceActivities = ReturnType<typeof createActivities>;

const DEFAULT_UNRESOLVED_REFERENCE_WINDOW_MS = 10 * 60_000;
const DEFAULT_NOT_FOUND_GRACE_MS = 2 * 60_000;
/**
 * For its first seconds a job is checked every 0.45 s (a job SePay finishes in 1-5 s is seen
 * within 0.45 s, about 7 checks on average); then at the run's poll interval (SePay suggests 2-5 s).
 */
const QUICK_PHASE_MS = 5_000;
const QUICK_CHECK_INTERVAL_MS = 450;
/** Heartbeat detail of a create attempt that got 409 for its own reference code. */
const REFERENCE_TAKEN = 'reference-code-taken';

/** Heartbeat details of a wait for issuance that had to send the issue request again. */
interface ReissuedDetails {
  issueTrackingCode: string;
  /** That job failed for quota: the next attempt asks SePay to issue the draft again. */
  quotaFailed?: boolean;
}

function reissuedDetails(): Partial<ReissuedDetails> {
  const details = currentHeartbeatDetails() as Partial<ReissuedDetails> | undefined;
  return typeof details?.issueTrackingCode === 'string' ? details : {};
}

/** The job of the wait's issue request, the newest one sent when the wait had to send it again. */
function issueJobToCheck(inputTrackingCode: string | undefined): string | undefined {
  const { issueTrackingCode, quotaFailed } = reissuedDetails();
  const trackingCode = issueTrackingCode ?? inputTrackingCode;
  // A job failed for quota is followed by asking again, once per attempt, on the retry's backoff.
  if (quotaFailed && trackingCode === issueTrackingCode) return undefined;
  return trackingCode;
}

/** Attempts that already asked SePay to issue a draft they were following without a tracking code. */
const reissuedInAttempt = new WeakSet<Context>();

/** Since this step was first scheduled: how long SePay has had to make what it accepted visible. */
function sinceStepScheduledMs(): number {
  return Date.now() - Context.current().info.scheduledTimestampMs;
}

/**
 * The activity's cancellation, passed to every SePay call. No heartbeat here: a short request
 * needs none (each is a billed action), and a long one is kept alive, and so told of a
 * cancellation, by keepalive.ts's beats.
 */
function cancellation(): { signal: AbortSignal } {
  return { signal: Context.current().cancellationSignal };
}

/**
 * SePay holds another invoice under this code: never adopted. An issued one cannot be changed by
 * any create; a draft is a conflict here (the workflow replaces stale drafts before creating).
 */
function differentInvoice(referenceCode: string, detail: InvoiceDetail, differences: string[]): ApplicationFailure {
  if (detail.status === 'issued') return issuedInvoiceDiffers(referenceCode, detail.invoice_number, differences);
  return ApplicationFailure.create({
    type: FailureType.SepayReferenceConflict,
    message: `reference code ${referenceCode} belongs to a different invoice at SePay (${differences.join(', ')})`,
    nonRetryable: true,
    details: [{ referenceCode, spent: false, differences }],
  });
}

/** How SePay words a job that failed on an empty quota (its code, or "hạn ngạch" = quota). */
const QUOTA_MESSAGE = /QUOTA_EXCEEDED|hạn ngạch|quota/i;

/**
 * Past the point of no return a quota refusal is waited out in place: the activity's retry policy
 * backs off (exponentially, to its maximum) and asks again for the same code, so the history stays
 * flat however long the quota stays empty and the run never moves to another code.
 */
function quotaRefusedForNow(message: string, details: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.SepayQuotaExceeded, message, nonRetryable: false, details: [details] });
}

export function createActivities(deps: InvoiceActivityDeps) {
  const { sepay, tokens } = deps;
  const unresolvedWindowMs = deps.unresolvedReferenceWindowMs ?? DEFAULT_UNRESOLVED_REFERENCE_WINDOW_MS;
  const notFoundGraceMs = deps.notFoundGraceMs ?? DEFAULT_NOT_FOUND_GRACE_MS;

  /** The invoice with the worker's defaults filled in: what the create sends and adoption compares. */
  function withDefaults<T extends InvoiceContent>(invoice: T) {
    const defaults = deps.defaults ?? {};
    const content = {
      ...invoice,
      provider_account_id: invoice.provider_account_id ?? defaults.providerAccountId,
      template_code: invoice.template_code ?? defaults.templateCode,
      invoice_series: invoice.invoice_series ?? defaults.invoiceSeries,
    };
    const missing = (['provider_account_id', 'template_code', 'invoice_series'] as const).filter((key) => !content[key]);
    const issues = [
      ...missing.map((key) => `invoice.${key}: required (no worker default is configured)`),
      // Only now is the template known when the worker's default filled it in.
      ...describeVatLinesMissingTaxRate(content, content.template_code),
    ];
    if (issues.length > 0) {
      throw ApplicationFailure.create({
        type: FailureType.InvalidInvoiceInput,
        message: `invalid invoice input: ${issues.join('; ')}`,
        nonRetryable: true,
        details: [{ issues }],
      });
    }
    return content as T & { provider_account_id: string; template_code: string; invoice_series: string };
  }

  function completeBody({ referenceCode, invoice, isDraft }: Pick<CreateInvoiceInput, 'referenceCode' | 'invoice' | 'isDraft'>): CreateInvoiceRequest {
    return { ...withDefaults(invoice), reference_code: referenceCode, is_draft: isDraft } as CreateInvoiceRequest;
  }

  /** What an invoice SePay holds is compared with: the create sent, its date only when the caller gave one. */
  function comparable(input: Pick<CreateInvoiceInput, 'referenceCode' | 'invoice' | 'isDraft' | 'issuedDateGiven'>): ComparableInvoice {
    const body = completeBody(input);
    return input.issuedDateGiven === false ? { ...body, issued_date: undefined } : body;
  }

  /** Whether SePay reports that create job finished (Success or Failed); no answer counts as not known. */
  async function createJobEnded(trackingCode: string, signal: AbortSignal): Promise<boolean> {
    const check = await sepay.checkCreate(trackingCode, { signal }).catch(() => undefined);
    return check !== undefined && check.status !== 'Pending';
  }

  /** The invoice behind a reference code that SePay says is taken (409). */
  async function adoptExisting(input: CreateInvoiceInput, body: CreateInvoiceRequest, signal: AbortSignal): Promise<CreateInvoiceOutcome> {
    const referenceCode = body.reference_code as string;
    let detail: InvoiceDetail;
    try {
      detail = await sepay.getInvoice(referenceCode, { signal });
    } catch (error) {
      if (!isSepayError(error, 'not-found')) throw toApplicationFailure(error);
      // Taken but invisible after the known create job ended: its draft was deleted, or it failed.
      if (input.spentAsOutcome && input.knownCreateTrackingCode && (await createJobEnded(input.knownCreateTrackingCode, signal))) {
        return { referenceCode, providerAccountId: body.provider_account_id, spent: true };
      }
      // Taken but invisible: an earlier attempt's create may still be running (the response was
      // lost), or a failed create or a deleted draft spent the code. Only time tells them apart.
      if (sinceStepScheduledMs() < (input.unresolvedReferenceWindowMs ?? unresolvedWindowMs)) {
        // Remembered across attempts: the next ones only look, they don't send the create again.
        heartbeatWith(REFERENCE_TAKEN);
        throw stillPending(`reference code ${referenceCode} is taken at SePay but no invoice is visible yet`);
      }
      if (input.spentAsOutcome) return { referenceCode, providerAccountId: body.provider_account_id, spent: true };
      throw ApplicationFailure.create({
        type: FailureType.SepayReferenceConflict,
        message: `reference code ${referenceCode} is spent at SePay (a failed create or a deleted draft); a new run of the key moves on to the next code by itself`,
        nonRetryable: true,
        details: [{ referenceCode, spent: true }],
      });
    }
    const differences = describeDifferences(detail, comparable(input));
    if (differences.length > 0) throw differentInvoice(referenceCode, detail, differences);
    return { referenceCode, providerAccountId: body.provider_account_id, existingStatus: detail.status };
  }

  async function awaitJob(kind: 'create' | 'issue', input: AwaitJobInput): Promise<JobOutcome> {
    const { pollIntervalMs = 0, fastPhaseMs = 0 } = input;
    const context = Context.current();
    const startedAt = Date.now();
    const fastPhaseEnds = context.info.attempt === 1 ? startedAt + fastPhaseMs : 0;
    for (;;) {
      try {
        await deps.checks?.turn(context.cancellationSignal);
        return await checkJob(kind, input);
      } catch (error) {
        const pending = error instanceof ApplicationFailure && error.type === FailureType.StillPending;
        if (!pending || Date.now() + pollIntervalMs > fastPhaseEnds) throw error;
      }
      // Most jobs finish within seconds: checking more often then keeps the lag short.
      const pause = Date.now() - startedAt < QUICK_PHASE_MS ? Math.min(pollIntervalMs, QUICK_CHECK_INTERVAL_MS) : pollIntervalMs;
      // Cancellation-aware: a cancelled activity or a shutting-down worker stops waiting at once.
      await context.sleep(pause);
    }
  }

  async function checkJob(kind: 'create' | 'issue', input: AwaitJobInput): Promise<JobOutcome> {
    const { referenceCode } = input;
    const options = cancellation();
    const trackingCode = kind === 'issue' ? issueJobToCheck(input.trackingCode) : input.trackingCode;
    if (!trackingCode && kind === 'create' && input.absentAfterGraceIsGone) return createdOrGone(referenceCode, options);
    if (!trackingCode) return awaitByDetail(kind, referenceCode, options);
    const check = await believedAfterGrace(`SePay ${kind} job ${trackingCode}`, () =>
      kind === 'create' ? sepay.checkCreate(trackingCode, options) : sepay.checkIssue(trackingCode, options),
    );
    if (check.status === 'Pending') throw stillPending(`SePay ${kind} job ${trackingCode}: ${check.message}`);
    if (check.status === 'Failed') {
      // SePay reports an empty quota as a failed job whose message says so (§6, §23 #14).
      const quota = QUOTA_MESSAGE.test(check.message);
      if (quota) deps.quota?.invalidate();
      if (kind === 'create' && input.failedAsOutcome) return { status: 'failed', invoiceNumber: '', quota, message: check.message };
      if (kind === 'issue' && quota) {
        // Nothing was issued and the draft is still there: ask again after the retry's backoff.
        heartbeatWith({ issueTrackingCode: trackingCode, quotaFailed: true } satisfies ReissuedDetails);
        throw quotaRefusedForNow(`SePay issue job ${trackingCode} failed: the quota is used up; asking again`, { referenceCode, trackingCode, job: kind });
      }
      throw ApplicationFailure.create({
        type: FailureType.SepayJobFailed,
        message: `SePay ${kind} job failed: ${check.message}`,
        nonRetryable: true,
        details: [{ referenceCode, trackingCode, job: kind }],
      });
    }
    if (!check.invoice) {
      if (input.acceptedLongAgo) return invoiceSinceSuccess(referenceCode, options);
      // The docs promise the invoice on Success; read it directly rather than guess.
      return awaitByDetail(kind, referenceCode, options);
    }
    return { status: check.invoice.status, invoiceNumber: check.invoice.invoice_number };
  }

  /**
   * Follows the invoice itself when no tracking code is known (an earlier attempt's response was
   * lost). A draft that should be issuing is asked to issue again: 409 means the earlier job is
   * still running; an accepted request means it ended without issuing, and the new job is then
   * followed by its tracking code, so a failing job ends `SepayJobFailed` instead of waiting forever.
   */
  async function awaitByDetail(kind: 'create' | 'issue', referenceCode: string, options: { signal: AbortSignal }): Promise<JobOutcome> {
    const detail = await believedAfterGrace(`invoice ${referenceCode}`, () => sepay.getInvoice(referenceCode, options));
    if (kind === 'create' || detail.status !== 'draft') return { status: detail.status, invoiceNumber: detail.invoice_number };
    // At most one such request per attempt: the checks in between only look.
    const context = Context.current();
    if (reissuedInAttempt.has(context)) throw stillPending(`invoice ${referenceCode} is still a draft; asked to issue again on the next attempt`);
    reissuedInAttempt.add(context);
    try {
      const accepted = await sepay.issueInvoice(referenceCode, options);
      heartbeatWith({ issueTrackingCode: accepted.tracking_code } satisfies ReissuedDetails);
      return await checkJob('issue', { referenceCode, trackingCode: accepted.tracking_code });
    } catch (error) {
      if (isSepayError(error, 'conflict')) throw stillPending(`invoice ${referenceCode} is still being issued`);
      if (isSepayError(error, 'quota')) {
        deps.quota?.invalidate();
        throw quotaRefusedForNow(`SePay refused to issue ${referenceCode}: ${error.code ?? 'quota'}; asking again`, { referenceCode, job: kind });
      }
      if (!isSepayError(error, 'bad-request')) throw toApplicationFailure(error);
      // "Not a draft": the job finished between the look and the request.
      const now = await sepayCall(() => sepay.getInvoice(referenceCode, options));
      if (now.status === 'draft') throw toApplicationFailure(error);
      return { status: now.status, invoiceNumber: now.invoice_number };
    }
  }

  /** A create whose answer never came: the invoice it made, or `gone` once the grace is over. */
  async function createdOrGone(referenceCode: string, options: { signal: AbortSignal }): Promise<JobOutcome> {
    try {
      const detail = await sepay.getInvoice(referenceCode, options);
      return { status: detail.status, invoiceNumber: detail.invoice_number };
    } catch (error) {
      if (!isSepayError(error, 'not-found')) throw toApplicationFailure(error);
      if (sinceStepScheduledMs() < notFoundGraceMs) throw stillPending(`invoice ${referenceCode} is not visible at SePay yet`);
      return { status: 'gone', invoiceNumber: '' };
    }
  }

  /** The invoice an old, successful job made: gone when it has been deleted since. */
  async function invoiceSinceSuccess(referenceCode: string, options: { signal: AbortSignal }): Promise<JobOutcome> {
    try {
      const detail = await sepay.getInvoice(referenceCode, options);
      return { status: detail.status, invoiceNumber: detail.invoice_number };
    } catch (error) {
      if (isSepayError(error, 'not-found')) return { status: 'gone', invoiceNumber: '' };
      throw toApplicationFailure(error);
    }
  }

  /** A SePay read whose 404 right after SePay accepted the job is a short inconsistency, not an answer. */
  async function believedAfterGrace<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (isSepayError(error, 'not-found') && sinceStepScheduledMs() < notFoundGraceMs) {
        throw stillPending(`${what} is not visible at SePay yet`);
      }
      throw toApplicationFailure(error);
    }
  }

  /** What the key's earlier runs sent; retried while Temporal cannot tell yet. */
  async function recalled(run: EarlierRunsRequest, signal: AbortSignal): Promise<EarlierRuns> {
    try {
      return await recallEarlierRuns((deps.temporal ?? (() => Context.current().client))(), run, { signal });
    } catch (error) {
      if (!(error instanceof EarlierRunUnreadable)) throw error;
      throw ApplicationFailure.create({ type: FailureType.EarlierRunUnreadable, message: error.message });
    }
  }

  /** Looks at this run's reference code and every earlier generation's, newest first. */
  async function lookUpReferenceCodes(
    invoiceKey: string,
    generation: number,
    wanted: ComparableInvoice & { provider_account_id: string },
    options: { signal: AbortSignal },
  ): Promise<ReferenceCodeState> {
    for (let candidate = generation; candidate >= 1; candidate--) {
      const referenceCode = referenceCodeFor(invoiceKey, candidate);
      let detail: InvoiceDetail;
      try {
        detail = await sepay.getInvoice(referenceCode, options);
      } catch (error) {
        if (isSepayError(error, 'not-found')) continue;
        throw toApplicationFailure(error);
      }
      return {
        status: detail.status,
        generation: candidate,
        referenceCode,
        invoiceNumber: detail.invoice_number,
        providerAccountId: wanted.provider_account_id,
        manual: detail.source === 'manual',
        differences: describeDifferences(detail, wanted),
      };
    }
    return { status: 'absent' };
  }


  return keptAlive({
    /** Fills the worker's token cache; only the expiry leaves the worker. */
    async verifyCredentials(): Promise<{ expiresAt: string }> {
      const options = cancellation();
      await sepayCall(() => tokens.getToken(options));
      return { expiresAt: new Date(tokens.expiresAt ?? Date.now()).toISOString() };
    },

    /**
     * What SePay holds for this key, looking at this run's reference code and every earlier
     * generation's: the state there, not this run's mode, decides the path (docs/reference-codes.md).
     * Also fills the token cache, as the first step of a run.
     */
    async prepareInvoice({ invoiceKey, generation, invoice, issuedDate, run }: PrepareInvoiceInput): Promise<Preparation> {
      const options = cancellation();
      const earlier = run && (await recalled(run, options.signal));
      const latest = earlier && latestGeneration(earlier.sent, invoiceKey);
      if (latest) generation = Math.max(generation, latest.generation + (latest.spent ? 1 : 0));
      const account = deps.accounts ? await deps.accounts.resolve({ ...invoice, issued_date: issuedDate }, options) : undefined;
      const wanted = withDefaults({
        ...invoice,
        ...(account && { provider_account_id: account.providerAccountId, template_code: account.templateCode, invoice_series: account.invoiceSeries }),
      });
      const quotaRemaining = deps.quota ? await sepayCall(() => deps.quota!.remaining(options)) : undefined;
      return {
        account: { providerAccountId: wanted.provider_account_id, templateCode: wanted.template_code, invoiceSeries: wanted.invoice_series },
        quotaRemaining,
        found: await lookUpReferenceCodes(invoiceKey, generation, wanted, options),
        ...(earlier && { earlier: { ...earlier, generation } }),
      };
    },

    /**
     * Waits for SePay's quota to be above zero: `StillPending` while it is empty, so Temporal's
     * retry policy is the wait. `fresh` (after a top-up signal) reads SePay at once.
     */
    async awaitQuota({ fresh = false }: { fresh?: boolean } = {}): Promise<{ quotaRemaining: number }> {
      const options = cancellation();
      if (!deps.quota) throw ApplicationFailure.create({ type: FailureType.SepayQuotaExceeded, message: 'the worker reads no quota', nonRetryable: true });
      if (fresh) deps.quota.invalidate();
      const quotaRemaining = await sepayCall(() => deps.quota!.remaining(options));
      if (quotaRemaining <= 0) throw stillPending('SePay quota is 0: waiting for a top-up');
      return { quotaRemaining };
    },

    /**
     * Sends the create with the workflow's deterministic reference code. A 409 means an earlier
     * attempt (whose response was lost) or an earlier run already created it: adopt that invoice
     * when it is the same one, never create a second.
     */
    async createInvoice(input: CreateInvoiceInput): Promise<CreateInvoiceOutcome> {
      const body = completeBody(input);
      const { signal } = cancellation();
      if (currentHeartbeatDetails() === REFERENCE_TAKEN) return adoptExisting(input, body, signal);
      try {
        const accepted = await sepay.createInvoice(body, { signal });
        return { referenceCode: input.referenceCode, providerAccountId: body.provider_account_id, trackingCode: accepted.tracking_code };
      } catch (error) {
        if (isSepayError(error, 'conflict')) return adoptExisting(input, body, signal);
        let failure = toApplicationFailure(error);
        // A refused account, template or series may mean the worker's cached view is stale: when a
        // fresh read refuses too, its typed refusal names the reason SePay's 400 leaves untyped.
        if (isSepayError(error, 'bad-request', 'unprocessable') && deps.accounts) {
          deps.accounts.invalidate();
          const fresh = await deps.accounts.resolve(body, { signal }).then(() => undefined, (reason: unknown) => reason);
          if (isAccountRefusal(fresh)) failure = fresh;
        }
        if (isSepayError(error, 'quota')) {
          deps.quota?.invalidate();
          // A direct create is past the point of no return: refused, it is asked again in place.
          if (!input.isDraft) throw quotaRefusedForNow(`SePay refused the create of ${input.referenceCode}: ${error.code ?? 'quota'}; asking again`, { referenceCode: input.referenceCode, job: 'create' });
        }
        // SePay's answer to the only request sent for this code in this activity: nothing was created.
        const refused = isSepayError(error, 'bad-request', 'unprocessable', 'quota') && input.refusedAsOutcome && Context.current().info.attempt === 1;
        if (refused && failure instanceof ApplicationFailure) {
          return {
            referenceCode: input.referenceCode,
            providerAccountId: body.provider_account_id,
            refused: { type: failure.type ?? FailureType.SepayValidationFailed, message: failure.message, details: [...(failure.details ?? [])] },
          };
        }
        throw failure;
      }
    },

    awaitCreation(input: AwaitJobInput): Promise<JobOutcome> {
      return awaitJob('create', input);
    },

    /**
     * Sends the issue request: the point of no return. A repeated attempt first checks whether the
     * earlier one got through, since SePay has no idempotent replay for issue.
     */
    async issueInvoice({ referenceCode }: { referenceCode: string }): Promise<IssueOutcome> {
      const options = cancellation();
      const repeated = Context.current().info.attempt > 1;
      if (repeated) {
        const detail = await sepayCall(() => sepay.getInvoice(referenceCode, options));
        if (detail.status !== 'draft') return { alreadyIssued: detail.status === 'issued' };
      }
      try {
        const accepted = await sepay.issueInvoice(referenceCode, options);
        return { trackingCode: accepted.tracking_code };
      } catch (error) {
        if (isSepayError(error, 'quota')) {
          // Whatever SePay's reason (QUOTA_EXCEEDED, BILLING_IS_UNPAID), nothing was issued and
          // the draft is still there: the same code is asked again after the retry's backoff.
          deps.quota?.invalidate();
          throw quotaRefusedForNow(`SePay refused to issue ${referenceCode}: ${error.code ?? 'quota'}; asking again`, { referenceCode, job: 'issue' });
        }
        // An issue job already in flight (a lost response, or an earlier run's): follow the invoice.
        if (isSepayError(error, 'conflict')) return {};
        if (!isSepayError(error, 'bad-request')) throw toApplicationFailure(error);
        // "Not a draft": issued already (by an earlier attempt or run) is what we wanted.
        const detail = await sepayCall(() => sepay.getInvoice(referenceCode, options));
        if (detail.status === 'issued') return { alreadyIssued: true };
        throw toApplicationFailure(error);
      }
    },

    awaitIssuance(input: AwaitJobInput): Promise<JobOutcome> {
      return awaitJob('issue', input);
    },

    async fetchInvoiceDetail({ referenceCode, providerAccountId }: { referenceCode: string; providerAccountId: string }): Promise<IssuedInvoice> {
      const options = cancellation();
      const detail = await believedAfterGrace(`invoice ${referenceCode}`, () => sepay.getInvoice(referenceCode, options));
      if (detail.status === 'draft' && sinceStepScheduledMs() < notFoundGraceMs) throw stillPending(`invoice ${referenceCode} is not shown issued yet`);
      return {
        referenceCode: detail.reference_code,
        invoiceNumber: detail.invoice_number,
        invoiceSeries: detail.invoice_series,
        issuedDate: detail.issued_date,
        status: detail.status,
        totalBeforeTax: detail.total_before_tax,
        taxAmount: detail.tax_amount,
        totalAmount: detail.total_amount,
        pdfUrl: detail.pdf_url ?? null,
        xmlUrl: detail.xml_url ?? null,
        taxAuthorityCode: detail.tax_authority_code ?? null,
        providerAccountId,
      };
    },

    /** Compensation: removes a draft the workflow created. Gone already or issued is not an error. */
    async deleteDraft({ referenceCode, compareWith }: DeleteDraftInput): Promise<DeleteDraftOutcome> {
      const options = cancellation();
      try {
        await sepay.deleteDraft(referenceCode, options);
        return { deleted: true };
      } catch (error) {
        if (isSepayError(error, 'not-found')) return { deleted: false, status: 'not-found' };
        if (!isSepayError(error, 'bad-request')) throw toApplicationFailure(error);
        const detail = await sepayCall(() => sepay.getInvoice(referenceCode, options));
        // Refused while still a draft: an issue job is in flight; it ends issued or a plain draft again.
        if (detail.status === 'draft') throw stillPending(`draft ${referenceCode} cannot be deleted while SePay is issuing it`);
        if (detail.status !== 'issued' || !compareWith) return { deleted: false, status: detail.status };
        const differences = describeDifferences(detail, comparable({ referenceCode, ...compareWith }));
        return { deleted: false, status: 'issued', issued: { invoiceNumber: detail.invoice_number, differences } };
      }
    },
  });
}
