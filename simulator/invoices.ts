/** Invoice records: lookups by code and the transitions a job applies when it succeeds. */
import { randomBytes } from 'node:crypto';
import { type SimCreateRequest } from './rules/create-request.js';
import { type EndpointName } from './routes.js';
import { type InvoiceRecord, type SimState } from './state.js';

export function newInvoice(
  state: SimState,
  request: SimCreateRequest & { reference_code: string },
  source: InvoiceRecord['source'],
  now: number,
): InvoiceRecord {
  const invoice: InvoiceRecord = {
    reference_code: request.reference_code,
    seq: ++state.seq,
    created_at: now,
    source,
    request,
    status: 'pending',
    invoice_number: '0',
    tax_authority_code: null,
    pending_issue: null,
    tracking_codes: [],
    create_requests: 1,
    issue_requests: 0,
  };
  state.invoices.set(invoice.reference_code, invoice);
  return invoice;
}

/**
 * Assumption: an invoice exists for detail, list, issue and download only once its create job has
 * succeeded; before that (and after a failed job or a delete) those endpoints answer 404. The mode
 * `draftVisibleWhileSigning` shows a direct create as a draft while it is being signed.
 */
export function isVisible(state: SimState, invoice: InvoiceRecord | undefined): invoice is InvoiceRecord {
  if (invoice === undefined) return false;
  return invoice.status === 'draft' || invoice.status === 'issued' || isBeingSigned(state, invoice);
}

/** A direct create (`is_draft:false`) whose job is Pending, shown as a draft (mode `draftVisibleWhileSigning`). */
export function isBeingSigned(state: SimState, invoice: InvoiceRecord): boolean {
  return state.modes.draftVisibleWhileSigning && invoice.status === 'pending' && !invoice.request.is_draft;
}

export function visibleInvoice(state: SimState, referenceCode: string): InvoiceRecord | undefined {
  const invoice = state.invoices.get(referenceCode);
  return isVisible(state, invoice) ? invoice : undefined;
}

/** Download takes a reference code or any create/issue tracking code of the invoice (§12). */
export function invoiceByAnyCode(state: SimState, code: string): InvoiceRecord | undefined {
  const referenceCode = state.jobs.get(code)?.reference_code ?? code;
  return visibleInvoice(state, referenceCode);
}

/** The invoice a request is about, for faults restricted to one reference code. */
export function referenceOfRequest(
  state: SimState,
  endpoint: EndpointName,
  params: Readonly<Record<string, string>>,
  json: unknown,
): string | undefined {
  switch (endpoint) {
    case 'create':
    case 'issue': {
      const code = (json as { reference_code?: unknown } | null | undefined)?.reference_code;
      return typeof code === 'string' ? code : undefined;
    }
    case 'create-check':
    case 'issue-check':
      return state.jobs.get(params.tracking_code ?? '')?.reference_code;
    case 'download':
      return state.jobs.get(params.code ?? '')?.reference_code ?? params.code;
    case 'delete':
    case 'detail':
      return params.reference_code;
    default:
      return undefined;
  }
}

/** Official issuance: next number of the series, a CQT code, one unit of quota. */
export function markIssued(state: SimState, invoice: InvoiceRecord): void {
  state.quota -= 1;
  markIssuedInThePast(state, invoice);
}

/** Issued before anyone asked this simulator: numbered like any other, its quota long spent. */
export function markIssuedInThePast(state: SimState, invoice: InvoiceRecord): void {
  const key = `${invoice.request.provider_account_id}/${invoice.request.invoice_series}`;
  const number = (state.seriesCounters.get(key) ?? 0) + 1;
  state.seriesCounters.set(key, number);
  invoice.status = 'issued';
  invoice.invoice_number = String(number);
  invoice.tax_authority_code = `00${randomBytes(16).toString('hex').toUpperCase()}`;
}
