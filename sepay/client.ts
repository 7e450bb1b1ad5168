/**
 * Typed client for the SePay eInvoice API v1: one method per endpoint (API reference §2-§13).
 *
 * Request bodies are checked against the schemas before anything is sent; responses are parsed
 * with them, so callers get exactly the inferred types or a `SepayError`. A 401 gets one token
 * refresh and one retry: SePay tokens can expire or be revoked before their announced 24 h.
 */
import { type z } from 'zod';
import { SepayError, describeIssues, invalidRequest } from './errors.js';
import { HttpTransport, type HttpRequest, type TransportOptions } from './http.js';
import {
  CreateInvoiceRequest,
  DeleteDraftData,
  DownloadData,
  InvoiceDetail,
  InvoiceList,
  IssueInvoiceRequest,
  JobAccepted,
  JobCheck,
  ProviderAccountDetail,
  ProviderAccountList,
  UsageData,
  type FileType,
  type InvoiceSource,
  type InvoiceSummary,
} from './schemas.js';
import { TokenProvider } from './token-provider.js';

/** Credentials, or a `TokenProvider` shared with other clients of the same environment. */
export type SepayClientOptions = TransportOptions &
  (
    | { clientId: string; clientSecret: string; tokenProvider?: undefined }
    | { tokenProvider: TokenProvider; clientId?: undefined; clientSecret?: undefined }
  );

export interface RequestOptions {
  /** Cancels the call; it then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface PageOptions {
  page?: number;
  perPage?: number;
}

export interface InvoiceListOptions extends PageOptions {
  source?: InvoiceSource;
}

export type DownloadedFile = DownloadData & { bytes: Buffer };

interface Call<S extends z.ZodType> extends Omit<HttpRequest<S>, 'authorization' | 'signal' | 'body'> {
  body?: { schema: z.ZodType; value: unknown };
}

export class SepayClient {
  readonly #http: HttpTransport;
  readonly #tokens: TokenProvider;

  constructor(options: SepayClientOptions) {
    this.#http = new HttpTransport(options);
    this.#tokens = options.tokenProvider ?? new TokenProvider(options);
  }

  listProviderAccounts({ page, perPage }: PageOptions = {}, options?: RequestOptions): Promise<ProviderAccountList> {
    const query = { page, per_page: perPage };
    return this.#call({ method: 'GET', route: '/v1/provider-accounts', query, data: ProviderAccountList }, options);
  }

  getProviderAccount(id: string, options?: RequestOptions): Promise<ProviderAccountDetail> {
    const params = { id };
    return this.#call({ method: 'GET', route: '/v1/provider-accounts/{id}', params, data: ProviderAccountDetail }, options);
  }

  /** Accepts an asynchronous job; follow it with `checkCreate(tracking_code)`. */
  createInvoice(invoice: CreateInvoiceRequest, options?: RequestOptions): Promise<JobAccepted> {
    const body = { schema: CreateInvoiceRequest, value: invoice };
    return this.#call({ method: 'POST', route: '/v1/invoices/create', body, data: JobAccepted }, options);
  }

  checkCreate(trackingCode: string, options?: RequestOptions): Promise<JobCheck> {
    const params = { tracking_code: trackingCode };
    return this.#call({ method: 'GET', route: '/v1/invoices/create/check/{tracking_code}', params, data: JobCheck }, options);
  }

  /** Issues a draft; follow it with `checkIssue(tracking_code)`. */
  issueInvoice(referenceCode: string, options?: RequestOptions): Promise<JobAccepted> {
    const body = { schema: IssueInvoiceRequest, value: { reference_code: referenceCode } };
    return this.#call({ method: 'POST', route: '/v1/invoices/issue', body, data: JobAccepted }, options);
  }

  checkIssue(trackingCode: string, options?: RequestOptions): Promise<JobCheck> {
    const params = { tracking_code: trackingCode };
    return this.#call({ method: 'GET', route: '/v1/invoices/issue/check/{tracking_code}', params, data: JobCheck }, options);
  }

  /** Irreversible; only drafts can be deleted. */
  deleteDraft(referenceCode: string, options?: RequestOptions): Promise<DeleteDraftData> {
    const params = { reference_code: referenceCode };
    return this.#call({ method: 'POST', route: '/v1/invoices/delete/{reference_code}', params, data: DeleteDraftData }, options);
  }

  getInvoice(referenceCode: string, options?: RequestOptions): Promise<InvoiceDetail> {
    const params = { reference_code: referenceCode };
    return this.#call({ method: 'GET', route: '/v1/invoices/{reference_code}', params, data: InvoiceDetail }, options);
  }

  listInvoices({ page, perPage, source }: InvoiceListOptions = {}, options?: RequestOptions): Promise<InvoiceList> {
    const query = { page, per_page: perPage, source };
    return this.#call({ method: 'GET', route: '/v1/invoices', query, data: InvoiceList }, options);
  }

  /** Every invoice of every page, fetched one page at a time as the iteration proceeds. */
  async *iterateInvoices(
    { perPage, source }: Omit<InvoiceListOptions, 'page'> = {},
    options?: RequestOptions,
  ): AsyncGenerator<InvoiceSummary, void, undefined> {
    for (let page = 1; ; page++) {
      const { items, paging } = await this.listInvoices({ page, perPage, source }, options);
      yield* items;
      // An empty page that claims more would otherwise loop forever.
      if (!paging.has_more || items.length === 0) return;
    }
  }

  /** `code` is the invoice's reference code (SePay also accepts a tracking code here). */
  async downloadInvoice(code: string, type: FileType, options?: RequestOptions): Promise<DownloadedFile> {
    const params = { tracking_code: code };
    const route = '/v1/invoices/{tracking_code}/download';
    const file = await this.#call({ method: 'GET', route, params, query: { type }, data: DownloadData }, options);
    return { ...file, bytes: Buffer.from(file.content, 'base64') };
  }

  /** Invoices that can still be issued under the current plan. */
  async getUsage(options?: RequestOptions): Promise<number> {
    const usage = await this.#call({ method: 'GET', route: '/v1/usage', data: UsageData }, options);
    return usage.quota_remaining;
  }

  async #call<S extends z.ZodType>({ body, ...request }: Call<S>, { signal }: RequestOptions = {}): Promise<z.output<S>> {
    // Validate before fetching a token: a bad body should fail fast and say which field is wrong.
    const json = body && validated(`${request.method} ${request.route}`, body.schema, body.value);
    const send = (token: string) =>
      this.#http.request({ ...request, body: json, authorization: `Bearer ${token}`, signal });

    const token = await this.#tokens.getToken({ signal });
    try {
      return await send(token);
    } catch (error) {
      if (!(error instanceof SepayError && error.kind === 'auth')) throw error;
      this.#tokens.invalidate(token);
      return await send(await this.#tokens.getToken({ signal }));
    }
  }
}

function validated(endpoint: string, schema: z.ZodType, value: unknown): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw invalidRequest(endpoint, `invalid request body: ${describeIssues(result.error)}`);
}
