/**
 * The reconciliation rules: what one invoice of SePay's list and the runs of its key say together,
 * and whether an orphan draft may be deleted given what SePay and the key's latest run say right
 * before the deletion. Pure, so every case is a unit test; the activities only fetch the two sides.
 */
import type { InvoiceDetail, InvoiceSummary } from '../sepay/index.js';
import type { DraftDeletionOutcome, ReconciliationFinding } from '../workflows/reconciliation-report.js';
import type { ReferenceCodeRecord } from '../contract/messages.js';
import { parseReferenceCode } from '../contract/reference-code-key.js';

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

/** What a closed run recorded it sent to SePay, per reference code (its status query's `sent`). */
export interface RunRecord {
  runId: string;
  sent: readonly Pick<ReferenceCodeRecord, 'referenceCode' | 'draftSeen' | 'createTrackingCode'>[];
}

/** The latest run of a workflow id as the server's persistence holds it (`describe`, not visibility). */
export interface LatestRun {
  workflowId: string;
  runId: string;
  /** Temporal's status name, as in `InvoiceRunView`. */
  status: string;
  startTimeMs: number;
  /** Set once the run closed. */
  closeTimeMs?: number;
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
  if (invoice.status === 'draft' && !open && !wrongClaim && olderThanThreshold(invoice.issued_date, rules)) {
    findings.push({ kind: 'orphan-draft', ...withKey, ...(latest ? says(latest) : { runStatus: 'none' }) });
  }
  return findings;
}

/** Written so that a date or `asOf` that cannot be read counts as young: unknown never deletes. */
function olderThanThreshold(issuedDate: string, rules: ReconciliationRules): boolean {
  return rules.asOfMs - issuedDateMs(issuedDate) > rules.draftAgeThresholdMs;
}

/** SePay's `provider_status` of a draft nobody has asked to issue (§10: "1"); older details omit it. */
const PLAIN_DRAFT_PROVIDER_STATUS = '1';

/**
 * Whether an orphan draft may be deleted now, from SePay's detail read right before (undefined: 404),
 * the key's latest run read right after that (undefined: the key never had a run) and that run's
 * record (undefined: unreadable). Every doubt keeps the draft: a kept orphan is reported again
 * tomorrow, a deleted draft a run still wanted makes that run fail past its point of no return.
 */
export function deletionVerdict(
  draft: Pick<InvoiceDetail, 'reference_code' | 'status' | 'issued_date' | 'provider_status'> | undefined,
  latestRun: Pick<LatestRun, 'runId' | 'status' | 'closeTimeMs'> | undefined,
  record: RunRecord | undefined,
  rules: ReconciliationRules,
): 'delete' | Exclude<DraftDeletionOutcome, 'deleted'> {
  if (draft === undefined) return 'not-found';
  if (draft.status !== 'draft' || (draft.provider_status ?? PLAIN_DRAFT_PROVIDER_STATUS) !== PLAIN_DRAFT_PROVIDER_STATUS) return 'not-a-draft';
  if (!olderThanThreshold(draft.issued_date, rules)) return 'young-draft';
  if (latestRun?.status === 'RUNNING') return 'open-run';
  // A run that ended after the reconciliation began may have adopted the draft after the page was read.
  if (latestRun && !(latestRun.closeTimeMs !== undefined && latestRun.closeTimeMs <= rules.asOfMs)) return 'recent-run';
  // SePay shows a deleted draft as it shows a create still processing (absent): a later run of the
  // key tells them apart only by its runs' record, so that record must show the draft first.
  if (latestRun && !(record?.runId === latestRun.runId && recordShowsDraft(record, draft.reference_code))) return 'unknown-to-runs';
  return 'delete';
}

/** A run saw the code's draft, or knows its create's tracking code (SePay's job check then says it ended). */
export function recordShowsDraft(record: RunRecord, referenceCode: string): boolean {
  const entry = record.sent.find((sent) => sent.referenceCode === referenceCode);
  return entry?.draftSeen === true || entry?.createTrackingCode !== undefined;
}
