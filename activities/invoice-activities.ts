/**
 * One activity per SePay step of `issueInvoiceWorkflow`. Each makes one SePay call per attempt
 * (waits included: Temporal's retry policy is the poll loop), passes the activity's cancellation to
 * the HTTP call, and fails with the stable types of `workflows/failure-types.ts`.
 *
 * The access token lives in the worker's `TokenProvider`; no activity returns it.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { CreateInvoiceRequest, InvoiceDetail, SepayClient, TokenProvider } from '../sepay/index.js';
import { FailureType } from '../workflows/failure-types.js';
import type { InvoiceContent } from '../workflows/input.js';
import type { IssuedInvoice } from '../workflows/messages.js';
import { isSepayError, sepayCall, stillPending, toApplicationFailure } from './sepay-failure.js';
import { heartbeatKeepingDetails, keptAlive } from './keepalive.js';
import { describeMismatch } from './same-invoice.js';

export interface InvoiceDefaults {
  providerAccountId?: string;
  templateCode?: string;
  invoiceSeries?: string;
}

export interface InvoiceActivityDeps {
  sepay: SepayClient;
  tokens: TokenProvider;
  defaults?: InvoiceDefaults;
  /**
   * How long a reference code may stay taken with no invoice visible before we stop assuming an
   * earlier create of ours is still being processed. Default 10 minutes.
   */
  unresolvedReferenceWindowMs?: number;
}

export interface CreateInvoiceInput {
  referenceCode: string;
  invoice: InvoiceContent & { issued_date: string };
  isDraft: boolean;
}

export interface CreateInvoiceOutcome {
  referenceCode: string;
  providerAccountId: string;
  /** Set when this call's create was accepted; absent when an earlier attempt's invoice was found. */
  trackingCode?: string;
  /** Status of the invoice an earlier attempt created (found through the 409). */
  existingStatus?: 'draft' | 'issued' | 'cancelled';
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
}

export interface JobOutcome {
  status: 'draft' | 'issued' | 'cancelled';
  invoiceNumber: string;
}

export interface DeleteDraftOutcome {
  deleted: boolean;
  /** Why nothing was deleted: no such invoice, or no longer a draft. */
  status?: 'not-found' | 'issued' | 'cancelled';
}

export type InvoiceActivities = ReturnType<typeof createActivities>;

const DEFAULT_UNRESOLVED_REFERENCE_WINDOW_MS = 10 * 60_000;
/** Heartbeat detail of a create attempt that got 409 for its own reference code. */
const REFERENCE_TAKEN = 'reference-code-taken';

function cancellation(): { signal: AbortSignal } {
  // Heartbeating is how a running activity learns it was cancelled.
  heartbeatKeepingDetails();
  return { signal: Context.current().cancellationSignal };
}

export function createActivities(deps: InvoiceActivityDeps) {
  const { sepay, tokens } = deps;
  const unresolvedWindowMs = deps.unresolvedReferenceWindowMs ?? DEFAULT_UNRESOLVED_REFERENCE_WINDOW_MS;

  function completeBody({ referenceCode, invoice, isDraft }: CreateInvoiceInput): CreateInvoiceRequest {
    const defaults = deps.defaults ?? {};
    const body = {
      ...invoice,
      provider_account_id: invoice.provider_account_id ?? defaults.providerAccountId,
      template_code: invoice.template_code ?? defaults.templateCode,
      invoice_series: invoice.invoice_series ?? defaults.invoiceSeries,
      reference_code: referenceCode,
      is_draft: isDraft,
    };
    const missing = (['provider_account_id', 'template_code', 'invoice_series'] as const).filter((key) => !body[key]);
    if (missing.length > 0) {
      throw ApplicationFailure.create({
        type: FailureType.InvalidInvoiceInput,
        message: `${missing.map((key) => `invoice.${key}`).join(', ')}: required (no worker default is configured)`,
        nonRetryable: true,
      });
    }
    return body as CreateInvoiceRequest;
  }

  /** The invoice behind a reference code that SePay says is taken (409). */
  async function adoptExisting(body: CreateInvoiceRequest, signal: AbortSignal): Promise<CreateInvoiceOutcome> {
    const referenceCode = body.reference_code as string;
    let detail: InvoiceDetail;
    try {
      detail = await sepay.getInvoice(referenceCode, { signal });
    } catch (error) {
      if (!isSepayError(error, 'not-found')) throw toApplicationFailure(error);
      // Taken but invisible: an earlier attempt's create may still be running (the response was
      // lost), or a failed create or a deleted draft spent the code. Only time tells them apart.
      const firstTriedAt = Context.current().info.scheduledTimestampMs;
      if (Date.now() - firstTriedAt < unresolvedWindowMs) {
        // Remembered across attempts: the next ones only look, they don't send the create again.
        Context.current().heartbeat(REFERENCE_TAKEN);
        throw stillPending(`reference code ${referenceCode} is taken at SePay but no invoice is visible yet`);
      }
      throw ApplicationFailure.create({
        type: FailureType.SepayReferenceConflict,
        message: `reference code ${referenceCode} is spent at SePay (a failed create or a deleted draft); start again with a new referenceGeneration`,
        nonRetryable: true,
        details: [{ referenceCode, spent: true }],
      });
    }
    const mismatch = describeMismatch(detail, body);
    if (mismatch) {
      throw ApplicationFailure.create({
        type: FailureType.SepayReferenceConflict,
        message: `reference code ${referenceCode} belongs to a different invoice at SePay (${mismatch})`,
        nonRetryable: true,
        details: [{ referenceCode, spent: false }],
      });
    }
    return { referenceCode, providerAccountId: body.provider_account_id, existingStatus: detail.status };
  }

  async function awaitJob(kind: 'create' | 'issue', input: AwaitJobInput): Promise<JobOutcome> {
    const { pollIntervalMs = 0, fastPhaseMs = 0 } = input;
    const context = Context.current();
    const fastPhaseEnds = context.info.attempt === 1 ? Date.now() + fastPhaseMs : 0;
    for (;;) {
      try {
        return await checkJob(kind, input);
      } catch (error) {
        const pending = error instanceof ApplicationFailure && error.type === FailureType.StillPending;
        if (!pending || Date.now() + pollIntervalMs > fastPhaseEnds) throw error;
      }
      // Cancellation-aware: a cancelled activity or a shutting-down worker stops waiting at once.
      await context.sleep(pollIntervalMs);
    }
  }

  async function checkJob(kind: 'create' | 'issue', { referenceCode, trackingCode }: AwaitJobInput): Promise<JobOutcome> {
    const options = cancellation();
    if (!trackingCode) return awaitByDetail(kind, referenceCode, options);
    const check = await sepayCall(() =>
      kind === 'create' ? sepay.checkCreate(trackingCode, options) : sepay.checkIssue(trackingCode, options),
    );
    if (check.status === 'Pending') throw stillPending(`SePay ${kind} job ${trackingCode}: ${check.message}`);
    if (check.status === 'Failed') {
      throw ApplicationFailure.create({
        type: FailureType.SepayJobFailed,
        message: `SePay ${kind} job failed: ${check.message}`,
        nonRetryable: true,
        details: [{ referenceCode, trackingCode, job: kind }],
      });
    }
    if (!check.invoice) {
      // The docs promise the invoice on Success; read it directly rather than guess.
      return awaitByDetail(kind, referenceCode, options);
    }
    return { status: check.invoice.status, invoiceNumber: check.invoice.invoice_number };
  }

  async function awaitByDetail(kind: 'create' | 'issue', referenceCode: string, options: { signal: AbortSignal }) {
    try {
      const detail = await sepay.getInvoice(referenceCode, options);
      if (kind === 'issue' && detail.status === 'draft') throw stillPending(`invoice ${referenceCode} is still a draft`);
      return { status: detail.status, invoiceNumber: detail.invoice_number };
    } catch (error) {
      if (isSepayError(error, 'not-found')) throw stillPending(`invoice ${referenceCode} is not visible at SePay yet`);
      throw toApplicationFailure(error);
    }
  }

  return keptAlive({
    /** Fills the worker's token cache; only the expiry leaves the worker. */
    async verifyCredentials(): Promise<{ expiresAt: string }> {
      const options = cancellation();
      await sepayCall(() => tokens.getToken(options));
      return { expiresAt: new Date(tokens.expiresAt ?? Date.now()).toISOString() };
    },

    /**
     * Sends the create with the workflow's deterministic reference code. A 409 means an earlier
     * attempt (whose response was lost) or an earlier run already created it: adopt that invoice
     * when it is the same one, never create a second.
     */
    async createInvoice(input: CreateInvoiceInput): Promise<CreateInvoiceOutcome> {
      const body = completeBody(input);
      const { signal } = cancellation();
      if (Context.current().info.heartbeatDetails === REFERENCE_TAKEN) return adoptExisting(body, signal);
      try {
        const accepted = await sepay.createInvoice(body, { signal });
        return { referenceCode: input.referenceCode, providerAccountId: body.provider_account_id, trackingCode: accepted.tracking_code };
      } catch (error) {
        if (isSepayError(error, 'conflict')) return adoptExisting(body, signal);
        throw toApplicationFailure(error);
      }
    },

    awaitCreation(input: AwaitJobInput): Promise<JobOutcome> {
      return awaitJob('create', input);
    },

    /**
     * Sends the issue request: the point of no return. A repeated attempt first checks whether the
     * earlier one got through, since SePay has no idempotent replay for issue.
     */
    async issueInvoice({ referenceCode }: { referenceCode: string }): Promise<{ trackingCode?: string }> {
      const options = cancellation();
      const repeated = Context.current().info.attempt > 1;
      if (repeated) {
        const detail = await sepayCall(() => sepay.getInvoice(referenceCode, options));
        if (detail.status !== 'draft') return {};
      }
      try {
        const accepted = await sepay.issueInvoice(referenceCode, options);
        return { trackingCode: accepted.tracking_code };
      } catch (error) {
        // After a lost response the draft may already be in an issue job: follow the invoice itself.
        if (repeated && isSepayError(error, 'conflict', 'bad-request')) return {};
        throw toApplicationFailure(error);
      }
    },

    awaitIssuance(input: AwaitJobInput): Promise<JobOutcome> {
      return awaitJob('issue', input);
    },

    async fetchInvoiceDetail({ referenceCode, providerAccountId }: { referenceCode: string; providerAccountId: string }): Promise<IssuedInvoice> {
      const options = cancellation();
      const detail = await sepayCall(() => sepay.getInvoice(referenceCode, options));
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
    async deleteDraft({ referenceCode }: { referenceCode: string }): Promise<DeleteDraftOutcome> {
      const options = cancellation();
      try {
        await sepay.deleteDraft(referenceCode, options);
        return { deleted: true };
      } catch (error) {
        if (isSepayError(error, 'not-found')) return { deleted: false, status: 'not-found' };
        if (!isSepayError(error, 'bad-request')) throw toApplicationFailure(error);
        const detail = await sepayCall(() => sepay.getInvoice(referenceCode, options));
        if (detail.status === 'draft') throw toApplicationFailure(error);
        return { deleted: false, status: detail.status };
      }
    },
  });
}
