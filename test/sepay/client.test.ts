/**
 * Client behaviour over real HTTP against a tiny in-test server, so that timeouts, dropped sockets,
 * headers and status codes are the real thing.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SepayClient, type SepayClientOptions } from '../../sepay/client.js';
import { type CreateInvoiceRequest } from '../../sepay/schemas.js';
import { TokenProvider } from '../../sepay/token-provider.js';
import { CREDENTIALS, failure, secretsIn, tokenBody } from './helpers.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
type Handler = (request: Seen, response: ServerResponse) => void;

let server: Server;
let baseUrl: string;
/** Requests other than `POST /v1/token`, in arrival order. */
let apiRequests: Seen[];
let tokensIssued: number;
let answer: Handler;

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text);
}

function sepayError(code: string, message = 'Lỗi') {
  return { success: false, error: { code, message } };
}

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const seen = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body };
      if (seen.url === '/v1/token') {
        tokensIssued += 1;
        send(response, 200, tokenBody(`tok-${tokensIssued}`));
      } else {
        apiRequests.push(seen);
        answer(seen, response);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  apiRequests = [];
  tokensIssued = 0;
  answer = (_, response) => send(response, 200, { success: true, data: { quota_remaining: '7' } });
});

function newClient(options: Partial<SepayClientOptions> = {}) {
  return new SepayClient({ environment: { baseUrl }, ...CREDENTIALS, timeoutMs: 2_000, ...options } as SepayClientOptions);
}

const invoice: CreateInvoiceRequest = {
  template_code: '1',
  invoice_series: 'C25TAT',
  issued_date: '2025-12-11 08:00:00',
  currency: 'VND',
  provider_account_id: '0aea3134-da40-11f0-aef4-52c7e9b4f41b',
  reference_code: 'order-1',
  is_draft: true,
  buyer: { name: 'Công ty ABC' },
  items: [{ line_number: 1, line_type: 1, item_name: 'Sản phẩm A', quantity: 1, unit_price: 100_000, tax_rate: 10 }],
};

describe('error mapping', () => {
  it.each([
    [400, sepayError('BAD_REQUEST'), 'bad-request', 'BAD_REQUEST', false],
    [403, sepayError('QUOTA_EXCEEDED'), 'quota', 'QUOTA_EXCEEDED', false],
    [404, sepayError('NOT_FOUND'), 'not-found', 'NOT_FOUND', false],
    [405, sepayError('METHOD_NOT_ALLOWED'), 'method-not-allowed', 'METHOD_NOT_ALLOWED', false],
    [409, sepayError('EINVOICE_DOCUMENT_EXISTED'), 'conflict', 'EINVOICE_DOCUMENT_EXISTED', false],
    [422, sepayError('REGISTRATION_NOT_TAX_APPROVED'), 'unprocessable', 'REGISTRATION_NOT_TAX_APPROVED', false],
    [422, sepayError('INVOICE_DATE_BEFORE_TAX_APPROVAL'), 'unprocessable', 'INVOICE_DATE_BEFORE_TAX_APPROVAL', false],
    [429, sepayError('RATE_LIMITED'), 'rate-limited', 'RATE_LIMITED', true],
    [500, sepayError('INTERNAL_ERROR'), 'unavailable', 'INTERNAL_ERROR', true],
    [503, '<html>Service Unavailable</html>', 'unavailable', 'HTTP_503', true],
    [418, { unexpected: true }, 'bad-request', 'HTTP_418', false],
  ] as const)('%i %j → %s', async (status, body, kind, code, retryable) => {
    answer = (_, response) => send(response, status, body);
    const error = await failure(newClient().createInvoice(invoice));
    expect(error).toMatchObject({ status, code, kind, retryable, endpoint: 'POST /v1/invoices/create' });
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('names the path template, not the path, as the endpoint', async () => {
    answer = (_, response) => send(response, 404, sepayError('NOT_FOUND', 'Không tìm thấy hóa đơn'));
    const error = await failure(newClient().getInvoice('order-1'));
    expect(error.endpoint).toBe('GET /v1/invoices/{reference_code}');
    expect(error.message).toBe('GET /v1/invoices/{reference_code}: HTTP 404 NOT_FOUND: Không tìm thấy hóa đơn');
  });

  it('reads Retry-After in seconds', async () => {
    answer = (_, response) => send(response, 429, sepayError('RATE_LIMITED'), { 'retry-after': '7' });
    expect((await failure(newClient().getUsage())).retryAfterMs).toBe(7_000);
  });

  it('reads Retry-After as an HTTP-date', async () => {
    const at = new Date(Date.now() + 30_000).toUTCString();
    answer = (_, response) => send(response, 503, sepayError('INTERNAL_ERROR'), { 'retry-after': at });
    const error = await failure(newClient().getUsage());
    expect(error.retryAfterMs).toBeGreaterThan(28_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('names the field path of a response that does not match the schema', async () => {
    answer = (_, response) => send(response, 200, { success: true, data: { tracking_url: 'http://x' } });
    const error = await failure(newClient().createInvoice(invoice));
    expect(error).toMatchObject({ kind: 'invalid-response', status: 200, code: 'INVALID_RESPONSE', retryable: false });
    expect(error.message).toContain('data.tracking_code: Invalid input: expected string, received undefined');
  });

  it('rejects a 200 body that is not JSON', async () => {
    answer = (_, response) => send(response, 200, '<html>captive portal</html>');
    const error = await failure(newClient().getUsage());
    expect(error).toMatchObject({ kind: 'invalid-response', status: 200, code: 'INVALID_RESPONSE' });
    expect(error.message).toContain('response body is not JSON');
  });

  it('times out a request that gets no answer; a read says it changed nothing', async () => {
    answer = () => {}; // never answers
    const error = await failure(newClient({ timeoutMs: 100 }).getUsage());
    expect(error).toMatchObject({ kind: 'timeout', status: undefined, code: 'TIMEOUT', retryable: true });
    expect(error.message).not.toContain('may have been committed');
    expect(error.message).toContain('nothing was changed at SePay');
  });

  it('a create that gets no answer may have been committed', async () => {
    answer = () => {};
    const error = await failure(newClient({ timeoutMs: 100 }).createInvoice(invoice));
    expect(error.message).toContain('may have been committed');
  });

  it('an unreachable SePay at token time does not say the token request may have been committed (issue #20)', async () => {
    // Nothing listens on port 1: the token request is refused before anything is sent.
    const unreachable = new SepayClient({ environment: { baseUrl: 'http://127.0.0.1:1' }, ...CREDENTIALS, timeoutMs: 2_000 } as SepayClientOptions);
    const error = await failure(unreachable.getUsage());
    expect(error).toMatchObject({ kind: 'network', endpoint: 'POST /v1/token', code: 'NETWORK_ERROR' });
    expect(error.message).not.toContain('may have been committed');
    expect(error.message).toContain('nothing was changed at SePay');
  });

  it('reports a dropped connection as a network error', async () => {
    answer = (_, response) => response.socket?.destroy();
    const error = await failure(newClient().createInvoice(invoice));
    expect(error).toMatchObject({ kind: 'network', status: undefined, code: 'NETWORK_ERROR', retryable: true });
    expect(error.message).toContain('may have been committed');
  });

  it('surfaces the caller abort as the signal reason, not as a SepayError', async () => {
    answer = () => {};
    const controller = new AbortController();
    const call = newClient().getUsage({ signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });

    const reason = new Error('shutting down');
    await expect(newClient().getUsage({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });
});

describe('401 handling', () => {
  it('refreshes the token once and retries once', async () => {
    answer = (request, response) =>
      request.headers.authorization === 'Bearer tok-1'
        ? send(response, 401, sepayError('UNAUTHORIZED'))
        : send(response, 200, { data: { quota_remaining: '5' } });
    await expect(newClient().getUsage()).resolves.toBe(5);
    expect(tokensIssued).toBe(2);
    expect(apiRequests.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  it('surfaces a second 401 as an auth error without trying again', async () => {
    answer = (_, response) => send(response, 401, sepayError('UNAUTHORIZED'));
    const error = await failure(newClient().getUsage());
    expect(error).toMatchObject({ kind: 'auth', status: 401, code: 'UNAUTHORIZED', retryable: false });
    expect(tokensIssued).toBe(2);
    expect(apiRequests).toHaveLength(2);
  });

  it('refreshes once for a burst of calls that all saw the same stale token', async () => {
    answer = (request, response) =>
      request.headers.authorization === 'Bearer tok-1'
        ? send(response, 401, sepayError('UNAUTHORIZED'))
        : send(response, 200, { data: { quota_remaining: '5' } });
    const tokenProvider = new TokenProvider({ environment: { baseUrl }, ...CREDENTIALS });
    await tokenProvider.getToken();
    const client = new SepayClient({ environment: { baseUrl }, tokenProvider });

    await Promise.all(Array.from({ length: 5 }, () => client.getUsage()));
    expect(tokensIssued).toBe(2);
  });
});

describe('requests', () => {
  it('encodes path parameters and sends a JSON body only when there is one', async () => {
    answer = (_, response) => send(response, 200, { success: true, data: { reference_code: 'a/b c?' } });
    await newClient({ userAgent: 'billing-app/1.0' }).deleteDraft('a/b c?');

    const [request] = apiRequests;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/invoices/delete/a%2Fb%20c%3F', body: '' });
    expect(request?.headers['content-type']).toBeUndefined();
    expect(request?.headers.authorization).toBe('Bearer tok-1');
    expect(request?.headers['user-agent']).toBe('billing-app/1.0');
  });

  it('sends the validated create body as JSON', async () => {
    answer = (_, response) => send(response, 200, { success: true, data: { tracking_code: 't-1', tracking_url: 'u' } });
    await newClient().createInvoice({ ...invoice, unknown_field: 'dropped' } as CreateInvoiceRequest);

    const [request] = apiRequests;
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual(invoice);
  });

  it('refuses an empty or dot path parameter before sending', async () => {
    for (const code of ['', '.', '..']) {
      const error = await failure(newClient().getInvoice(code));
      expect(error).toMatchObject({ kind: 'bad-request', status: undefined, code: 'INVALID_REQUEST' });
      expect(error.message).toContain('reference_code: ');
    }
    expect(apiRequests).toHaveLength(0);
  });

  it('iterates every invoice of every page', async () => {
    const summary = (n: number) => ({
      reference_code: `inv-${n}`,
      invoice_number: String(n),
      issued_date: '2025-12-15',
      status: 'issued',
      total_before_tax: 1,
      tax_amount: 0,
      total_amount: 1,
    });
    answer = (request, response) => {
      const page = Number(new URL(request.url, baseUrl).searchParams.get('page'));
      const items = page === 3 ? [summary(5)] : [summary(2 * page - 1), summary(2 * page)];
      const paging = { per_page: 2, total: 5, has_more: page < 3, current_page: page, page_count: 3 };
      send(response, 200, { data: { paging, items } });
    };

    const codes: string[] = [];
    for await (const item of newClient().iterateInvoices({ perPage: 2, source: 'api' })) codes.push(item.reference_code);
    expect(codes).toEqual(['inv-1', 'inv-2', 'inv-3', 'inv-4', 'inv-5']);
    expect(apiRequests.map((r) => r.url)).toEqual([1, 2, 3].map((p) => `/v1/invoices?page=${p}&per_page=2&source=api`));
  });
});

describe('secrets', () => {
  const scenarios: [string, Handler, Partial<SepayClientOptions>?][] = [
    ['auth', (_, response) => send(response, 401, sepayError('UNAUTHORIZED'))],
    ['invalid-response', (_, response) => send(response, 200, { data: {} })],
    ['network', (_, response) => response.socket?.destroy()],
    ['timeout', () => {}, { timeoutMs: 100 }],
  ];

  it.each(scenarios)('a %s error shows neither the secret nor the token', async (kind, handler, options) => {
    answer = handler;
    const client = newClient(options);
    const error = await failure(client.getUsage());
    expect(error.kind).toBe(kind);
    for (const text of [String(error), JSON.stringify(error), inspect(error, { showHidden: true, depth: 9 }), inspect(client)]) {
      expect(secretsIn(text, 'tok-1', 'tok-2')).toEqual([]);
    }
  });

  it('a rejected token request shows neither the secret nor the Basic credentials', async () => {
    const tokenProvider = new TokenProvider({ environment: { baseUrl: `${baseUrl}/no-such-prefix` }, ...CREDENTIALS });
    answer = (_, response) => send(response, 401, sepayError('UNAUTHORIZED', 'Sai thông tin client_id hoặc client_secret.'));
    const error = await failure(tokenProvider.getToken());
    expect(error).toMatchObject({ kind: 'auth', endpoint: 'POST /v1/token' });
    expect(secretsIn(`${String(error)} ${JSON.stringify(error)} ${inspect(error, { showHidden: true })}`)).toEqual([]);
  });
});

describe('a base URL with credentials in it', () => {
  it('is refused before any request, and the error does not echo the URL', async () => {
    const error = await (async () => {
      try {
        await new SepayClient({ environment: { baseUrl: baseUrl.replace('http://', 'http://merchant:pa55word@') }, ...CREDENTIALS }).getUsage();
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(Error);
    expect(error?.message).toMatch(/must not hold credentials/);
    expect(`${String(error)} ${inspect(error, { showHidden: true })}`).not.toMatch(/pa55word|merchant/);
    expect(apiRequests).toEqual([]);
    expect(tokensIssued).toBe(0);
  });
});
