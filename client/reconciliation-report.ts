/**
 * The terminal view of a reconciliation's result (`sepay-invoice reconcile`, without `--json`): the
 * counts by kind, then one line per finding, so an operator sees at once what needs a look.
 */
import { FINDING_KINDS, type ReconciliationFinding, type ReconciliationResult } from '../workflows/reconciliation-report.js';

const KIND_MEANING: Readonly<Record<(typeof FINDING_KINDS)[number], string>> = {
  'issued-without-run': "issued at SePay, the key's latest run did not end issued (or there is none)",
  'run-status-differs': 'a run says issued, SePay shows another status or number',
  'orphan-draft': 'draft with no open run, older than the threshold',
  manual: "made by hand in SePay's web UI",
};

export function reconciliationText(result: ReconciliationResult): string {
  const mode = result.dryRun ? 'dry run' : result.deleteOrphanDrafts ? 'deleting orphan drafts' : 'report only';
  const window = result.since ? ` dated from ${result.since}` : '';
  const total = FINDING_KINDS.reduce((sum, kind) => sum + result.counts[kind], 0);
  const lines = [
    `Reconciliation as of ${result.asOf} (${mode}): ${result.invoicesScanned} SePay invoice(s)${window} on ${result.pagesRead} page(s), ${total} finding(s)`,
    ...FINDING_KINDS.map((kind) => `  ${kind.padEnd(20)} ${String(result.counts[kind]).padStart(6)}  ${KIND_MEANING[kind]}`),
  ];
  if (result.deleteOrphanDrafts && !result.dryRun) lines.push(`  drafts deleted: ${result.deletedDrafts}`);
  if (result.findings.length > 0) lines.push('', findingsTable(result.findings));
  if (result.findingsTruncated) lines.push(`(only the first ${result.findings.length} findings are listed; --json has the same list)`);
  return lines.join('\n');
}

function findingsTable(findings: ReconciliationFinding[]): string {
  const table = [
    ['KIND', 'REFERENCE CODE', 'SEPAY', 'DATE', 'RUN', 'RUN SAYS', 'DELETION'],
    ...findings.map((finding) => [
      finding.kind,
      finding.referenceCode,
      `${finding.sepayStatus} ${finding.sepayInvoiceNumber}`,
      finding.issuedDate,
      finding.runStatus,
      [finding.runStage, finding.runInvoiceNumber].filter(Boolean).join(' ') || '-',
      finding.deletion ?? '-',
    ]),
  ];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}
