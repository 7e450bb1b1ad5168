/** Short human-readable text for what the CLI prints (`--json` prints the values themselves). */
import { type IssuedRun } from '../invoice-client.js';
import { type InvoiceListEntry } from '../invoice-listing.js';
import { type CancellationView, type InvoiceStatus, type IssueInvoiceResult } from '../../contract/messages.js';
import { type ProviderAccount, type ProviderAccountDetail } from '../../sepay/schemas.js';

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

/** A header row and data rows, columns padded to their widest cell. */
function table(header: string[], body: string[][], indent = ''): string {
  const all = [header, ...body];
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column]!.length)));
  return all.map((row) => indent + row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

export function listText(entries: InvoiceListEntry[]): string {
  if (entries.length === 0) return 'No invoices.';
  return table(['KEY', 'STAGE', 'STATUS', 'STARTED'], entries.map((e) => [e.invoiceKey, e.stage ?? '-', e.status, e.startTime.toISOString()]));
}

/** SePay leaves the approval date empty until the tax authority approved (and always on sandbox). */
const approvalDate = (account: ProviderAccount) => account.tax_authority_approved_date ?? 'not approved yet';

export function accountsText(accounts: ProviderAccount[]): string {
  if (accounts.length === 0) return 'No provider accounts.';
  const body = accounts.map((a) => [a.id, a.provider, a.active ? 'yes' : 'no', approvalDate(a)]);
  return table(['ID', 'PROVIDER', 'ACTIVE', 'TAX AUTHORITY APPROVAL'], body);
}

export function accountDetailText(account: ProviderAccountDetail): string {
  const heading = `Provider account ${account.id} (${account.provider}): ${account.active ? 'active' : 'inactive'}, tax authority approval ${approvalDate(account)}`;
  if (account.templates.length === 0) return `${heading}\n  No template/series pairs allocated.`;
  const body = account.templates.map((t) => [t.template_code, t.invoice_series, t.invoice_label ?? '']);
  return `${heading}\n${table(['TEMPLATE', 'SERIES', 'LABEL'], body, '  ')}`;
}
