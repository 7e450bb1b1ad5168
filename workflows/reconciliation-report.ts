/**
 * What reconciliation reports: the kinds of disagreement between SePay's invoice list and the
 * invoice runs, one finding per invoice and kind, and the report a run builds page by page (and
 * hands to the next run when it continues as new). Shared by the workflow, its activities and the
 * CLI.
 */

/**
 * - `issued-without-run`: SePay holds it issued, but no run of its key says so: the key's latest
 *   run failed, was terminated, timed out or ended otherwise, or there never was one.
 * - `run-status-differs`: a completed run says issued for this reference code, but SePay shows
 *   another status or another invoice number.
 * - `orphan-draft`: a draft older than the age threshold and no open run of its key.
 * - `manual`: made by hand in SePay's web UI (`source: manual`), outside every run.
 */
export const FINDING_KINDS = ['issued-without-run', 'run-status-differs', 'orphan-draft', 'manual'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface ReconciliationFinding {
  kind: FindingKind;
  referenceCode: string;
  /** The business key the code belongs to, when it is one of ours. */
  invoiceKey?: string;
  sepayStatus: 'draft' | 'issued' | 'cancelled';
  sepayInvoiceNumber: string;
  issuedDate: string;
  /** The Temporal status of the run concerned (`none` when the key has no run). */
  runStatus: string;
  runId?: string;
  /** The run's stage and invoice number (search attributes), when it has them. */
  runStage?: string;
  runInvoiceNumber?: string;
  /** For an orphan draft when deleting was asked for (not a dry run): what happened to it. */
  deletion?: DraftDeletionOutcome;
}

/**
 * What happened to an orphan draft, decided right before its own deletion (not at the page's
 * look-up): `open-run`, a run of its key is open now; `recent-run`, one closed after the
 * reconciliation began (it may have adopted the draft); `unknown-to-runs`, the record of the key's
 * latest run does not show that a run saw this draft (a re-run could not tell it deleted from a
 * create still processing, and would wait out its creation window); `not-a-draft`, SePay holds it
 * issued or is issuing it; `young-draft`, its date read again is within the age threshold;
 * `not-found`, gone.
 */
export type DraftDeletionOutcome = 'deleted' | 'open-run' | 'recent-run' | 'unknown-to-runs' | 'not-a-draft' | 'young-draft' | 'not-found';

export type FindingCounts = Record<FindingKind, number>;

/** What one page of SePay's invoice list came to. */
export interface PageReconciliation {
  /** Invoices of the page inside the `since` window. */
  scanned: number;
  findings: ReconciliationFinding[];
  hasMore: boolean;
  pageCount: number;
}

export interface ReconciliationResult {
  /** The moment draft ages are measured from (the first run's start). */
  asOf: string;
  since?: string;
  draftAgeThresholdHours: number;
  deleteOrphanDrafts: boolean;
  dryRun: boolean;
  pagesRead: number;
  invoicesScanned: number;
  counts: FindingCounts;
  /** The first `MAX_LISTED_FINDINGS` findings; `counts` counts them all. */
  findings: ReconciliationFinding[];
  findingsTruncated: boolean;
  deletedDrafts: number;
}

/** Keeps results and continue-as-new inputs far below Temporal's payload limit. */
export const MAX_LISTED_FINDINGS = 1_000;

export function noFindings(): FindingCounts {
  return Object.fromEntries(FINDING_KINDS.map((kind) => [kind, 0])) as FindingCounts;
}

/** The report as it grows: plain data, so it can travel through continue-as-new. */
export class ReconciliationReport {
  constructor(readonly result: ReconciliationResult) {}

  addPage(page: PageReconciliation): void {
    const { result } = this;
    result.pagesRead++;
    result.invoicesScanned += page.scanned;
    for (const finding of page.findings) {
      // Invoices created while paging shift the pages; a finding already listed is not counted twice.
      if (result.findings.some((seen) => seen.referenceCode === finding.referenceCode && seen.kind === finding.kind)) continue;
      result.counts[finding.kind]++;
      if (result.findings.length < MAX_LISTED_FINDINGS) result.findings.push(finding);
      else result.findingsTruncated = true;
    }
  }

  /** Reference codes of the listed orphan drafts, the only ones ever deleted. */
  orphanDrafts(): string[] {
    return this.result.findings.filter((finding) => finding.kind === 'orphan-draft').map((finding) => finding.referenceCode);
  }

  recordDeletions(outcomes: Record<string, DraftDeletionOutcome>): void {
    for (const finding of this.result.findings) {
      const outcome = finding.kind === 'orphan-draft' ? outcomes[finding.referenceCode] : undefined;
      if (!outcome) continue;
      finding.deletion = outcome;
      if (outcome === 'deleted') this.result.deletedDrafts++;
    }
  }

  /** The Web UI's current details: the counts, as a markdown list. */
  describe(state: 'reading' | 'deleting' | 'done'): string {
    const { result } = this;
    const lines = [
      `**State:** ${state}${result.dryRun ? ' (dry run)' : ''}`,
      `**Invoices scanned:** ${result.invoicesScanned} on ${result.pagesRead} page(s)`,
      ...FINDING_KINDS.map((kind) => `**${kind}:** ${result.counts[kind]}`),
    ];
    if (result.deletedDrafts > 0) lines.push(`**Drafts deleted:** ${result.deletedDrafts}`);
    return lines.map((line) => `- ${line}`).join('\n');
  }
}
