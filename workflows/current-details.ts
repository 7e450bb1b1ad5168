/** What the Web UI shows of a run: its "current details" and, before validation, its status. */
import { DEFAULT_MODE, FIRST_REFERENCE_GENERATION } from '../contract/input-defaults.js';
import type { IssueInvoiceInput } from '../contract/input.js';
import type { InvoiceStatus } from '../contract/messages.js';
import { referenceCodeFor } from '../contract/reference-code.js';

/** The status before the input is validated: identical to the validated one for a valid input. */
export function startingStatus(rawInput: unknown): InvoiceStatus {
  const raw = (typeof rawInput === 'object' && rawInput !== null ? rawInput : {}) as Partial<IssueInvoiceInput>;
  const options = raw.options ?? {};
  const invoiceKey = typeof raw.invoiceKey === 'string' ? raw.invoiceKey : '';
  return {
    invoiceKey,
    stage: 'authenticating',
    mode: options.mode ?? DEFAULT_MODE,
    referenceCode: referenceCodeFor(invoiceKey, options.referenceGeneration ?? FIRST_REFERENCE_GENERATION),
    pointOfNoReturn: false,
    approval: options.approval === 'manual' ? 'waiting' : 'not-required',
    sent: [],
    earlierRunsRecalled: false,
  };
}

/** The Web UI's "current details": the stage and what an operator looks up, one item per line. */
export function describeStatus(status: InvoiceStatus): string {
  const lines = [`**Stage:** ${status.stage}`, `**Reference code:** ${status.referenceCode}`, `**Mode:** ${status.mode}`];
  if (status.result?.outcome === 'issued') {
    lines.push(`**Invoice number:** ${status.result.invoice.invoiceNumber}`, `**Total amount:** ${status.result.invoice.totalAmount}`);
  }
  if (status.createTrackingCode) lines.push(`**Create tracking code:** ${status.createTrackingCode}`);
  if (status.issueTrackingCode) lines.push(`**Issue tracking code:** ${status.issueTrackingCode}`);
  // "waiting" only while it is: a cancelled or failed run no longer waits for anybody.
  if (status.approval === 'approved') lines.push(`**Approval:** approved${status.approvedBy ? ` by ${status.approvedBy}` : ''}`);
  if (status.stage === 'awaiting-approval') lines.push('**Approval:** waiting');
  if (status.cancellation) lines.push(`**Cancellation:** ${status.cancellation.outcome} (${status.cancellation.reason})`);
  if (status.draft) lines.push(`**Draft at SePay:** ${status.draft}`);
  if (status.lastError) lines.push(`**Last error:** ${status.lastError.type}: ${status.lastError.message}`);
  // A markdown list: the Web UI renders plain lines as one run-on paragraph.
  return lines.map((line) => `- ${line}`).join('\n');
}
