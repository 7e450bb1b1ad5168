/**
 * The activities of `reconciliationWorkflow`: one page of SePay's invoice list against the runs of
 * its keys (one SePay request and one visibility query per page), and the deletion of orphan
 * drafts an operator asked for, each checked again right before it is sent. The runs are read
 * through the worker's own Temporal client (`Context.current().client`), so the activities need no
 * connection settings of their own.
 */
import { Context } from '@temporalio/activity';
import type { InvoiceDetail, SepayClient } from '../sepay/index.js';
import type { DraftDeletionOutcome, PageReconciliation } from '../workflows/reconciliation-report.js';
import { parseReferenceCode } from '../contract/reference-code-key.js';
import { workflowIdFor } from '../contract/reference-code.js';
import { latestRunOf, recordOfLatestRun, runsOfKeys, type VisibilityClient } from './invoice-runs.js';
import { classifyInvoice, deletionVerdict, withinWindow, type LatestRun, type RunRecord } from './reconciliation-rules.js';
import { isSepayError, sepayCall, toApplicationFailure } from './sepay-failure.js';

/** SePay's largest page (§11): the fewest requests for a long list. */
export const RECONCILIATION_PAGE_SIZE = 100;
const HOUR_MS = 60 * 60 * 1_000;

export interface ReconciliationActivityDeps {
  sepay: Pick<SepayClient, 'listInvoices' | 'getInvoice' | 'deleteDraft'>;
  /** Tests may hand in a client; the worker's own is used otherwise. */
  visibility?: () => VisibilityClient;
  /** The latest run of a workflow id from the server (not visibility); the worker's own client otherwise. */
  latestRun?: (workflowId: string) => Promise<LatestRun | undefined>;
  /** What the latest run of a workflow id recorded, once closed; the worker's own client otherwise. */
  latestRecord?: (workflowId: string) => Promise<RunRecord | undefined>;
}

export interface ReconcilePageInput {
  page: number;
  since?: string;
  draftAgeThresholdHours: number;
  /** ISO instant draft ages are measured from: the same for every page of one reconciliation. */
  asOf: string;
}

export interface DeleteOrphanDraftsInput {
  referenceCodes: string[];
  /** The reconciliation's `asOf` and threshold: ages are measured again, and runs closed after it count. */
  asOf: string;
  draftAgeThresholdHours: number;
}

export type ReconciliationActivities = ReturnType<typeof createReconciliationActivities>;

export function createReconciliationActivities({
  sepay,
  visibility = () => Context.current().client,
  latestRun = (workflowId) => latestRunOf(Context.current().client, workflowId),
  latestRecord = (workflowId) => recordOfLatestRun(Context.current().client, workflowId),
}: ReconciliationActivityDeps) {
  const signal = () => ({ signal: Context.current().cancellationSignal });
  const readDraft = async (code: string): Promise<InvoiceDetail | undefined> => {
    try {
      return await sepay.getInvoice(code, signal());
    } catch (error) {
      if (isSepayError(error, 'not-found')) return undefined;
      throw toApplicationFailure(error);
    }
  };
  /** SePay may still refuse (400) or miss (404) the draft read a moment ago: that is an outcome, not a failure. */
  const deleteDraft = async (code: string): Promise<DraftDeletionOutcome> => {
    try {
      await sepay.deleteDraft(code, signal());
      return 'deleted';
    } catch (error) {
      if (isSepayError(error, 'not-found')) return 'not-found';
      if (isSepayError(error, 'bad-request')) return 'not-a-draft';
      throw toApplicationFailure(error);
    }
  };
  return {
    async reconcileInvoicePage({ page, since, draftAgeThresholdHours, asOf }: ReconcilePageInput): Promise<PageReconciliation> {
      const list = await sepayCall(() => sepay.listInvoices({ page, perPage: RECONCILIATION_PAGE_SIZE }, signal()));
      const invoices = list.items.filter((invoice) => withinWindow(invoice, since));
      // One per invoice, in the same order; a manual invoice belongs to no run.
      const keys = invoices.map((invoice) => (invoice.source === 'manual' ? undefined : parseReferenceCode(invoice.reference_code)?.invoiceKey));
      const runs = await runsOfKeys(visibility(), keys.filter((key) => key !== undefined));
      const rules = { asOfMs: Date.parse(asOf), draftAgeThresholdMs: draftAgeThresholdHours * HOUR_MS };
      const findings = invoices.flatMap((invoice, index) => {
        const key = keys[index];
        return classifyInvoice(invoice, key === undefined ? [] : (runs.get(workflowIdFor(key)) ?? []), rules);
      });
      return {
        scanned: invoices.length,
        findings,
        // An empty page that claims more would otherwise page forever.
        hasMore: list.paging.has_more && list.items.length > 0,
        pageCount: list.paging.page_count,
      };
    },

    /**
     * Deletes the orphan drafts found, each only if, right before its own deletion, SePay still
     * holds it as a plain draft old enough and no run of its key is open or closed after the
     * reconciliation began (`deletionVerdict`). The page's look-up is seconds to minutes old by
     * then; a re-run of the key that started since adopts the draft, and deleting it would make that
     * run fail past its point of no return.
     */
    async deleteOrphanDrafts({ referenceCodes, asOf, draftAgeThresholdHours }: DeleteOrphanDraftsInput): Promise<Record<string, DraftDeletionOutcome>> {
      const rules = { asOfMs: Date.parse(asOf), draftAgeThresholdMs: draftAgeThresholdHours * HOUR_MS };
      // A retried attempt keeps what earlier attempts did: a draft they deleted would now be "not-found".
      const outcomes = { ...(Context.current().info.heartbeatDetails as Record<string, DraftDeletionOutcome> | undefined) };
      for (const code of referenceCodes) {
        if (outcomes[code]) continue;
        // SePay first, the run last: the run is what can change within milliseconds, so its read is
        // the one closest to the delete (docs/monitoring.md, "Deleting orphan drafts").
        const draft = await readDraft(code);
        const key = parseReferenceCode(code)?.invoiceKey;
        const workflowId = key === undefined ? undefined : workflowIdFor(key);
        // The record before the run: a closed run's record no longer changes, the latest run can.
        const record = workflowId !== undefined && draft ? await latestRecord(workflowId) : undefined;
        const run = workflowId === undefined ? undefined : await latestRun(workflowId);
        const verdict = deletionVerdict(draft, run, record, rules);
        outcomes[code] = verdict === 'delete' ? await deleteDraft(code) : verdict;
        Context.current().heartbeat(outcomes);
      }
      return outcomes;
    },
  };
}
