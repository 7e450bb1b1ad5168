/**
 * The activities of `reconciliationWorkflow`: one page of SePay's invoice list against the runs of
 * its keys (one SePay request and one visibility query per page), and the deletion of orphan
 * drafts an operator asked for. The runs are read through the worker's own Temporal client
 * (`Context.current().client`), so the activities need no connection settings of their own.
 */
import { Context } from '@temporalio/activity';
import type { SepayClient } from '../sepay/index.js';
import type { DraftDeletionOutcome, PageReconciliation } from '../workflows/reconciliation-report.js';
import { parseReferenceCode } from '../workflows/reference-code-key.js';
import { workflowIdFor } from '../workflows/reference-code.js';
import { runsOfKeys, type VisibilityClient } from './invoice-runs.js';
import { classifyInvoice, withinWindow } from './reconciliation-rules.js';
import { isSepayError, sepayCall, toApplicationFailure } from './sepay-failure.js';

/** SePay's largest page (§11): the fewest requests for a long list. */
export const RECONCILIATION_PAGE_SIZE = 100;
const HOUR_MS = 60 * 60 * 1_000;

export interface ReconciliationActivityDeps {
  sepay: Pick<SepayClient, 'listInvoices' | 'deleteDraft'>;
  /** Tests may hand in a client; the worker's own is used otherwise. */
  visibility?: () => VisibilityClient;
}

export interface ReconcilePageInput {
  page: number;
  since?: string;
  draftAgeThresholdHours: number;
  /** ISO instant draft ages are measured from: the same for every page of one reconciliation. */
  asOf: string;
}

export type ReconciliationActivities = ReturnType<typeof createReconciliationActivities>;

export function createReconciliationActivities({ sepay, visibility = () => Context.current().client }: ReconciliationActivityDeps) {
  const signal = () => ({ signal: Context.current().cancellationSignal });
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
     * Deletes drafts found orphaned, unless a run of their key has started since; a draft SePay no
     * longer holds as a plain draft (issued, being issued, gone) is left alone.
     */
    async deleteOrphanDrafts({ referenceCodes }: { referenceCodes: string[] }): Promise<Record<string, DraftDeletionOutcome>> {
      const keyOf = (code: string) => parseReferenceCode(code)?.invoiceKey;
      const openRuns = await runsOfKeys(visibility(), referenceCodes.map(keyOf).filter((key) => key !== undefined), { openOnly: true });
      // A retried attempt keeps what earlier attempts did: a draft they deleted would now be "not-found".
      const outcomes = { ...(Context.current().info.heartbeatDetails as Record<string, DraftDeletionOutcome> | undefined) };
      for (const code of referenceCodes) {
        if (outcomes[code]) continue;
        const key = keyOf(code);
        if (key !== undefined && openRuns.has(workflowIdFor(key))) {
          outcomes[code] = 'open-run';
          continue;
        }
        try {
          await sepay.deleteDraft(code, signal());
          outcomes[code] = 'deleted';
        } catch (error) {
          if (isSepayError(error, 'not-found')) outcomes[code] = 'not-found';
          else if (isSepayError(error, 'bad-request')) outcomes[code] = 'not-a-draft';
          else throw toApplicationFailure(error);
        }
        Context.current().heartbeat(outcomes);
      }
      return outcomes;
    },
  };
}
