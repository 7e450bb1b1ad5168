/**
 * An in-memory SePay for the activities' unit tests: invoices keyed by reference code, answering
 * as the API reference describes (409 for a taken code, 400 to issue or delete a non-draft, 404
 * for nothing), with room to script what the real service may also do: a code taken with nothing
 * visible behind it, a job that fails, a one-off error. Every call is recorded, so a test can say
 * what an attempt did NOT send, which is what the idempotency rules are about.
 */
import type { AccessTokens, SepayInvoiceApi } from '../../activities/invoice-activities.js';
import { SepayError, type SepayErrorKind } from '../../sepay/errors.js';
import type { CreateInvoiceRequest, InvoiceDetail, JobCheck, ProviderAccountDetail, SepayClient } from '../../sepay/index.js';

type Method = keyof SepayInvoiceApi;

const STATUS_BY_KIND: Partial<Record<SepayErrorKind, number>> = {
  'bad-request': 400,
  auth: 401,
  'not-found': 404,
  conflict: 409,
  unavailable: 503,
};

const ENDPOINT_BY_METHOD: Record<Method, string> = {
  createInvoice: 'POST /v1/invoices/create',
  checkCreate: 'GET /v1/invoices/create/check/{tracking_code}',
  issueInvoice: 'POST /v1/invoices/issue',
  checkIssue: 'GET /v1/invoices/issue/check/{tracking_code}',
  deleteDraft: 'DELETE /v1/invoices/{reference_code}',
  getInvoice: 'GET /v1/invoices/{reference_code}',
};

/** A SePay failure as the HTTP client builds it from a status (sepay/http.ts). */
export function sepayError(kind: SepayErrorKind, method: Method = 'getInvoice'): SepayError {
  return new SepayError({ kind, status: STATUS_BY_KIND[kind], endpoint: ENDPOINT_BY_METHOD[method], code: kind.toUpperCase(), message: `simulated ${kind}` });
}

/**
 * The detail SePay answers for a create body: amounts as the decimal strings SePay sends (parsed by
 * the client into numbers, as here), the date without its time, line totals computed.
 */
export function detailOf(body: Omit<CreateInvoiceRequest, 'is_draft' | 'reference_code'> & { reference_code: string }, status: InvoiceDetail['status'], invoiceNumber = '0'): InvoiceDetail {
  const items = body.items.map((line) => {
    const gross = (line.quantity ?? 0) * (line.unit_price ?? 0);
    const discount = line.discount_amount ?? (line.discount_tax !== undefined ? (gross * line.discount_tax) / 100 : 0);
    return {
      line_number: line.line_number,
      line_type: line.line_type,
      item_code: line.item_code ?? null,
      item_name: line.item_name,
      unit: line.unit ?? null,
      quantity: line.quantity ?? null,
      unit_price: line.unit_price ?? null,
      total_amount: gross - discount,
      tax_rate: line.tax_rate ?? null,
    };
  });
  const totalBeforeTax = items.reduce((sum, line) => sum + (line.total_amount ?? 0), 0);
  return {
    reference_code: body.reference_code,
    invoice_number: invoiceNumber,
    issued_date: body.issued_date.slice(0, 10),
    status,
    source: 'api',
    buyer: { ...body.buyer },
    invoice_series: body.invoice_series,
    payment_method: body.payment_method ?? null,
    notes: body.notes ?? null,
    total_before_tax: totalBeforeTax,
    tax_amount: 0,
    total_amount: body.total_amount ?? totalBeforeTax,
    pdf_url: status === 'issued' ? `https://sepay.test/${body.reference_code}.pdf` : null,
    items,
  };
}

export interface RecordedCall {
  method: Method;
  /** The reference code or tracking code the call named (the code of the body, for a create). */
  subject: string;
}

export class FakeSepay implements SepayInvoiceApi {
  readonly invoices = new Map<string, InvoiceDetail>();
  /** Codes SePay refuses with 409 although it shows no invoice for them (a create in flight, or a spent code). */
  readonly takenCodes = new Set<string>();
  /** Job checks by tracking code; a job not listed here is still pending. */
  readonly jobs = new Map<string, Omit<JobCheck, 'reference_code'>>();
  readonly calls: RecordedCall[] = [];
  readonly #scripted = new Map<Method, SepayError[]>();
  /** The issue job last accepted for each reference code: while it is pending, SePay answers 409. */
  readonly #issuing = new Map<string, string>();
  #nextTracking = 1;
  #nextInvoiceNumber = 1;

  /** The next call of `method` fails with `error`; later calls behave normally again. */
  failNext(method: Method, error: SepayError): this {
    this.#scripted.set(method, [...(this.#scripted.get(method) ?? []), error]);
    return this;
  }

  callsTo(method: Method): string[] {
    return this.calls.filter((call) => call.method === method).map((call) => call.subject);
  }

  /** Issues a stored draft as SePay's issue job would once it succeeds. */
  markIssued(referenceCode: string): InvoiceDetail {
    const draft = this.#found(referenceCode, 'getInvoice');
    const issued: InvoiceDetail = { ...draft, status: 'issued', invoice_number: String(this.#nextInvoiceNumber++).padStart(8, '0') };
    this.invoices.set(referenceCode, issued);
    return issued;
  }

  async createInvoice(body: CreateInvoiceRequest) {
    const referenceCode = body.reference_code ?? '';
    this.#record('createInvoice', referenceCode);
    if (this.invoices.has(referenceCode) || this.takenCodes.has(referenceCode)) throw sepayError('conflict', 'createInvoice');
    this.invoices.set(referenceCode, detailOf({ ...body, reference_code: referenceCode }, body.is_draft ? 'draft' : 'issued'));
    return this.#accepted();
  }

  async checkCreate(trackingCode: string) {
    this.#record('checkCreate', trackingCode);
    return this.#job(trackingCode);
  }

  async issueInvoice(referenceCode: string) {
    this.#record('issueInvoice', referenceCode);
    if (this.#found(referenceCode, 'issueInvoice').status !== 'draft') throw sepayError('bad-request', 'issueInvoice');
    const inFlight = this.#issuing.get(referenceCode);
    if (inFlight && this.#job(inFlight).status === 'Pending') throw sepayError('conflict', 'issueInvoice');
    const accepted = this.#accepted();
    this.#issuing.set(referenceCode, accepted.tracking_code);
    return accepted;
  }

  async checkIssue(trackingCode: string) {
    this.#record('checkIssue', trackingCode);
    return this.#job(trackingCode);
  }

  async deleteDraft(referenceCode: string) {
    this.#record('deleteDraft', referenceCode);
    if (this.#found(referenceCode, 'deleteDraft').status !== 'draft') throw sepayError('bad-request', 'deleteDraft');
    this.invoices.delete(referenceCode);
    return { reference_code: referenceCode };
  }

  async getInvoice(referenceCode: string) {
    this.#record('getInvoice', referenceCode);
    return this.#found(referenceCode, 'getInvoice');
  }

  #record(method: Method, subject: string): void {
    this.calls.push({ method, subject });
    const error = this.#scripted.get(method)?.shift();
    if (error) throw error;
  }

  #found(referenceCode: string, method: Method): InvoiceDetail {
    const invoice = this.invoices.get(referenceCode);
    if (!invoice) throw sepayError('not-found', method);
    return invoice;
  }

  #accepted() {
    const trackingCode = `job-${this.#nextTracking++}`;
    return { tracking_code: trackingCode, tracking_url: `https://sepay.test/jobs/${trackingCode}` };
  }

  #job(trackingCode: string): JobCheck {
    const job = this.jobs.get(trackingCode) ?? { status: 'Pending' as const, message: 'still processing' };
    return { reference_code: '', ...job };
  }
}

/** Tokens the activities never need to refresh in these tests. */
export const fakeTokens: AccessTokens = {
  getToken: async () => 'test-token',
  expiresAt: Date.now() + 3_600_000,
};

/**
 * SePay's provider accounts (§3, §4) as a list a test edits between calls, for the worker's account
 * cache (activities/account-directory.ts): an account deactivated or a pair de-allocated while the
 * cache still holds it is the case the create step must name with its type.
 */
export class FakeProviderAccounts implements Pick<SepayClient, 'listProviderAccounts' | 'getProviderAccount'> {
  accounts: ProviderAccountDetail[];
  /** Requests answered, by endpoint: what the cache did not save. */
  readonly reads = { list: 0, detail: 0 };

  constructor(accounts: ProviderAccountDetail[]) {
    this.accounts = accounts;
  }

  async listProviderAccounts() {
    this.reads.list++;
    const items = this.accounts.map(({ templates: _templates, ...account }) => account);
    return { items, paging: { per_page: 100, total: items.length, has_more: false, current_page: 1, page_count: 1 } };
  }

  async getProviderAccount(id: string) {
    this.reads.detail++;
    const account = this.accounts.find((a) => a.id === id);
    if (!account) throw new SepayError({ kind: 'not-found', status: 404, endpoint: 'GET /v1/provider-accounts/{id}', code: 'NOT_FOUND', message: 'simulated not-found' });
    return account;
  }
}
