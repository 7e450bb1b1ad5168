/** Short human-readable text for what the CLI prints (`--json` prints the values themselves). */
import { type IssuedRun } from '../invoice-client.js';
import { type InvoiceListEntry } from '../invoice-listing.js';
import { type CancellationView, type InvoiceStatus, type IssueInvoiceResult } from '../../workflows/messages.js';

/** Label/value lines, aligned, skipping values that are not there. */
function rows(entries: [string, string | undefined][]): string {
  const present = entries.filter((entry): entry is [string, string] => entry[1] !== undefined);
  const width = Math.max(...present.map(([label]) => label.length));
  return present.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}

function cancellationText(cancellation: CancellationView): string {
  return `${cancellation.outcome} via ${cancellation.via} (${cancellation.reason})`;
}

export function runText(invoiceKey: string, run: Omit<IssuedRun, 'handle'>): string {
  const what = run.existing ? 'already has a run' : 'started';
  return `Invoice ${invoiceKey} ${what}: workflow ${run.workflowId}, run ${run.runId}`;
}

/** One line: what the invoice came to. */
function outcomeLine(result: IssueInvoiceResult): string {
  if (result.outcome === 'cancelled') return `Cancelled (${result.reason}); draft deleted: ${result.draftDeleted ? 'yes' : 'no'}`;
  const series = result.invoice.invoiceSeries ? ` (series ${result.invoice.invoiceSeries})` : '';
  return `Issued invoice ${result.invoice.invoiceNumber}${series} on ${result.invoice.issuedDate}`;
}

export function resultText(result: IssueInvoiceResult): string {
  if (result.outcome === 'cancelled') return `${outcomeLine(result)}\n${rows([['reference code', result.referenceCode]])}`;
  const { invoice } = result;
  return [
    outcomeLine(result),
    rows([
      ['total', `${invoice.totalAmount} (before tax ${invoice.totalBeforeTax}, tax ${invoice.taxAmount})`],
      ['reference code', invoice.referenceCode],
      ['tax authority code', invoice.taxAuthorityCode ?? undefined],
      ['PDF', invoice.pdfUrl ?? undefined],
      ['XML', invoice.xmlUrl ?? undefined],
      ['late cancellation', result.lateCancellation && cancellationText(result.lateCancellation)],
    ]),
  ].join('\n');
}

export function statusText(status: InvoiceStatus): string {
  return [
    `Invoice ${status.invoiceKey}: ${status.stage}`,
    rows([
      ['reference code', status.referenceCode],
      ['mode', status.mode],
      ['approval', status.approvedBy ? `${status.approval} by ${status.approvedBy}` : status.approval],
      ['point of no return', status.pointOfNoReturn ? 'passed' : 'not yet'],
      ['create tracking code', status.createTrackingCode],
      ['issue tracking code', status.issueTrackingCode],
      ['cancellation', status.cancellation && cancellationText(status.cancellation)],
      ['last error', status.lastError && `${status.lastError.type}: ${status.lastError.message}`],
      ['result', status.result && outcomeLine(status.result)],
    ]),
  ].join('\n');
}

export function listText(entries: InvoiceListEntry[]): string {
  if (entries.length === 0) return 'No invoices.';
  const table = [['KEY', 'STAGE', 'STATUS', 'STARTED'], ...entries.map((e) => [e.invoiceKey, e.stage ?? '-', e.status, e.startTime.toISOString()])];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}
