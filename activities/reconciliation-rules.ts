/**
 * The reconciliation rules: what one invoice of SePay's list and the runs of its key say together.
 * Pure, so every case is a unit test; the activity only fetches the two sides.
 */
import type { InvoiceSummary } from '../sepay/index.js';
import type { ReconciliationFinding } from '../workflows/reconciliation-report.js';
import { parseReferenceCode } from '../workflows/reference-code-key.js';

/** A run of `issueInvoiceWorkflow` as visibility shows it. */
export interface InvoiceRunView {
  workflowId: string;
  runId: string;
  /** Temporal's status name: RUNNING, COMPLETED, FAILED, TERMINATED, TIMED_OUT, CANCELLED... */
  status: string;
  startTimeMs: number;
  /** Search attributes: `InvoiceStage`, `InvoiceReferenceCode`, `InvoiceNumber`. */
  stage?: string;
  referenceCode?: string;
  invoiceNumber?: string;
}

export interface ReconciliationRules {
  /** Draft ages are measured from here. */
  asOfMs: number;
  draftAgeThresholdMs: number;
}

export type ListedInvoice = Pick<InvoiceSummary, 'reference_code' | 'invoice_number' | 'status' | 'issued_date' | 'source'>;

const VIETNAM_OFFSET = '+07:00';

/** `issued_date` is Vietnam time, `YYYY-MM-DD` or `YYYY-MM-DD HH:mm:ss`; NaN when it is neither. */
export function issuedDateMs(issuedDate: string): number {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}))?/.exec(issuedDate);
  return match ? Date.parse(`${match[1]}T${match[2] ?? '00:00:00'}${VIETNAM_OFFSET}`) : Number.NaN;
}

/** Inside the `since` window (a Vietnam date, compared as text: both are YYYY-MM-DD). */
export function withinWindow(invoice: ListedInvoice, since: string | undefined): boolean {
  return since === undefined || invoice.issued_date.slice(0, 10) >= since;
}

function says(run: InvoiceRunView): Pick<ReconciliationFinding, 'runStatus' | 'runId' | 'runStage' | 'runInvoiceNumber'> {
  return { runStatus: run.status, runId: run.runId, runStage: run.stage, runInvoiceNumber: run.invoiceNumber };
}

/**
 * What is wrong about one invoice, given every run of its key (in any order). Empty when SePay and
 * the runs agree, or when an open run may still bring them together.
 */
export function classifyInvoice(invoice: ListedInvoice, runsOfKey: readonly InvoiceRunView[], rules: ReconciliationRules): ReconciliationFinding[] {
  const code = invoice.reference_code;
  const base = {
    referenceCode: code,
    sepayStatus: invoice.status,
    sepayInvoiceNumber: invoice.invoice_number,
    issuedDate: invoice.issued_date,
  };
  if (invoice.source === 'manual') return [{ kind: 'manual', ...base, runStatus: 'none' }];
  const invoiceKey = parseReferenceCode(code)?.invoiceKey;
  const runs = invoiceKey === undefined ? [] : runsOfKey;
  const withKey = invoiceKey === undefined ? base : { ...base, invoiceKey };
  const latest = runs.reduce<InvoiceRunView | undefined>((newest, run) => (newest && newest.startTimeMs >= run.startTimeMs ? newest : run), undefined);
  const open = latest?.status === 'RUNNING';
  // Runs that ended saying "issued" for this very code (matched through InvoiceReferenceCode).
  const claims = runs.filter((run) => run.status === 'COMPLETED' && run.stage === 'issued' && run.referenceCode === code);

  const findings: ReconciliationFinding[] = [];
  const wrongClaim = claims.find((run) => invoice.status !== 'issued' || run.invoiceNumber !== invoice.invoice_number);
  if (wrongClaim) findings.push({ kind: 'run-status-differs', ...withKey, ...says(wrongClaim) });
  if (invoice.status === 'issued' && !open && !(latest && claims.includes(latest))) {
    findings.push({ kind: 'issued-without-run', ...withKey, ...(latest ? says(latest) : { runStatus: 'none' }) });
  }
  if (invoice.status === 'draft' && !open && !wrongClaim && rules.asOfMs - issuedDateMs(invoice.issued_date) > rules.draftAgeThresholdMs) {
    findings.push({ kind: 'orphan-draft', ...withKey, ...(latest ? says(latest) : { runStatus: 'none' }) });
  }
  return findings;
}
