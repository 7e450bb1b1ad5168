/**
 * reconciliationWorkflow: SePay's invoice list against the invoice runs, run daily by the
 * `sepay-reconciliation` Schedule and on demand (`sepay-invoice reconcile`).
 *
 *   for each page of GET /v1/invoices: match its invoices with the runs of their keys → findings
 *   [delete the orphan drafts found, only when asked and not a dry run, each re-checked right
 *    before its deletion] → counts, metric, result
 *
 * One activity per page; every `PAGES_PER_RUN` pages the run continues as new with the partial
 * report, so a list of any length never grows one history without bound. The Web UI's current
 * details show the counts as they grow.
 */
import { ApplicationFailure, continueAsNew, metricMeter, patched, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { ReconciliationActivities } from '../activities/reconciliation-activities.js';
import { MonitoringMetricName } from './monitoring-metrics.js';
import {
  deletesDrafts,
  INVALID_RECONCILIATION_INPUT,
  reconciliationSettings,
  staleDeletingRequest,
  type ReconciliationInput,
  type ReconciliationSettings,
} from './reconciliation-input.js';
import { FINDING_KINDS, noFindings, ReconciliationReport, type ReconciliationResult } from './reconciliation-report.js';

export type { ReconciliationInput } from './reconciliation-input.js';
export type { ReconciliationResult } from './reconciliation-report.js';

/**
 * Patch: a deleting run checks its request time. Asked only by deleting runs, so a report-only
 * run records no marker and its commands are what they were.
 */
export const DELETING_REQUEST_TIME = 'reconciliation-deleting-request-time';

/** About 6 history events per page: 25 pages keep each run near 150 events. */
export const PAGES_PER_RUN = 25;
/** Drafts deleted per activity: each deletion is one SePay request. */
const DELETIONS_PER_ACTIVITY = 100;

/** Where a reconciliation that continued as new goes on from. */
export interface ReconciliationProgress {
  nextPage: number;
  report: ReconciliationResult;
}

const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
const pages = proxyActivities<ReconciliationActivities>({
  summary: "Match a page of SePay's invoices with their runs",
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '30 minutes',
  retry,
});
const deletions = proxyActivities<ReconciliationActivities>({
  summary: 'Delete orphan drafts at SePay',
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  scheduleToCloseTimeout: '30 minutes',
  retry,
});

export async function reconciliationWorkflow(input: ReconciliationInput = {}, progress?: ReconciliationProgress): Promise<ReconciliationResult> {
  const settings = validSettings(input);
  const report = new ReconciliationReport(progress?.report ?? emptyResult(settings));
  const { asOf, since, draftAgeThresholdHours } = report.result;
  let page = progress?.nextPage ?? 1;
  for (let pagesThisRun = 0; ; pagesThisRun++) {
    if (pagesThisRun === PAGES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof reconciliationWorkflow>(input, { nextPage: page, report: report.result });
    }
    const found = await pages.reconcileInvoicePage({ page, since, draftAgeThresholdHours, asOf });
    report.addPage(found);
    setCurrentDetails(report.describe('reading'));
    if (!found.hasMore) break;
    page++;
  }
  // After the whole list: a deletion while paging would shift the pages not yet read.
  if (settings.deleteOrphanDrafts && !settings.dryRun) {
    setCurrentDetails(report.describe('deleting'));
    const orphans = report.orphanDrafts();
    for (let start = 0; start < orphans.length; start += DELETIONS_PER_ACTIVITY) {
      const referenceCodes = orphans.slice(start, start + DELETIONS_PER_ACTIVITY);
      // Each draft is checked again right before its own deletion, against the same asOf and threshold.
      report.recordDeletions(await deletions.deleteOrphanDrafts({ referenceCodes, asOf, draftAgeThresholdHours }));
    }
  }
  setCurrentDetails(report.describe('done'));
  exportCounts(report.result);
  return report.result;
}

function validSettings(input: ReconciliationInput): ReconciliationSettings {
  const checked = reconciliationSettings(input);
  if (!('settings' in checked)) invalid(checked.problems.join('; '));
  // The chain's start, not this run's: a long reconciliation continues as new with the same input.
  // A run that began deleting before the patch replays without it and goes on as it did.
  if (deletesDrafts(checked.settings) && patched(DELETING_REQUEST_TIME)) {
    const stale = staleDeletingRequest(checked.settings, workflowInfo().startTime);
    if (stale !== undefined) invalid(stale);
  }
  return checked.settings;
}

function invalid(message: string): never {
  throw ApplicationFailure.create({ type: INVALID_RECONCILIATION_INPUT, message, nonRetryable: true });
}

function emptyResult(settings: ReconciliationSettings): ReconciliationResult {
  return {
    // The workflow clock: the same instant on replay, and for every page of this reconciliation.
    asOf: new Date().toISOString(),
    ...settings,
    pagesRead: 0,
    invoicesScanned: 0,
    counts: noFindings(),
    findings: [],
    findingsTruncated: false,
    deletedDrafts: 0,
  };
}

/** `sepay_reconciliation_findings{kind}` and the invoices scanned; the SDK drops them while replaying. */
function exportCounts(result: ReconciliationResult): void {
  const findings = metricMeter.createGauge(MonitoringMetricName.reconciliationFindings, 'int', 'invoices', 'Findings of the last reconciliation, by kind');
  for (const kind of FINDING_KINDS) findings.set(result.counts[kind], { kind });
  metricMeter
    .createGauge(MonitoringMetricName.reconciliationInvoices, 'int', 'invoices', 'Invoices the last reconciliation compared')
    .set(result.invoicesScanned);
}
