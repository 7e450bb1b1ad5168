/**
 * Every example in ../shared/sepay-einvoice-api.md, copied verbatim, goes through the client (over a
 * fake fetch), so both the schemas and the endpoint-to-schema wiring are checked against the docs.
 */
import { describe, expect, it } from 'vitest';
import { SepayClient } from '../../sepay/client.js';
import { CreateInvoiceRequest, ErrorEnvelope } from '../../sepay/schemas.js';
import { TokenProvider } from '../../sepay/token-provider.js';
import { CREDENTIALS, failure, fakeFetch, jsonResponse, tokenBody } from './helpers.js';

/** A client whose SePay answers every call (other than the token) with `body`. */
function clientAnswering(body: unknown, status = 200) {
  const server = fakeFetch((request) =>
    request.url.endsWith('/v1/token') ? jsonResponse(tokenBody('tok')) : jsonResponse(body, status),
  );
  const client = new SepayClient({ environment: 'sandbox', ...CREDENTIALS, fetch: server.fetch });
  return { client, requests: server.requests };
}

// §6; §8 is "the same shape" with the values it names.
const createCheckExample = {"success": true, "data": {
  "reference_code": "084e179d-d95a-11f0-aef4-52c7e9b4f41b",
  "status": "Success",
  "message": "Xuất hóa đơn điện tử thành công",
  "invoice": {
    "reference_code": "084e179d-d95a-11f0-aef4-52c7e9b4f41b", "invoice_number": "0", "issued_date": "2025-12-15",
    "pdf_url": "https://beta-portalv2.mifi.vn/DownloadPDFCA.aspx?kk=1434747710&keyinv=...", "xml_url": null,
    "status": "draft",
    "buyer": {"name": "Công ty ABC", "tax_code": "0101234567", "address": "123 Đường A, Quận B, Hà Nội", "email": "buyer@example.com", "phone": "0900000000"},
    "total_before_tax": 200000, "tax_amount": 20000, "total_amount": 220000, "notes": "Ghi chú hóa đơn", "source": "api"}}};

describe('documented response examples', () => {
  it('§2 token', async () => {
    const { fetch } = fakeFetch(() =>
      jsonResponse({"success": true, "data": {"access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...", "token_type": "Bearer", "expires_in": 86400}}),
    );
    const provider = new TokenProvider({ environment: 'sandbox', ...CREDENTIALS, fetch, now: () => 0 });
    await expect(provider.getToken()).resolves.toBe('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...');
    expect(provider.expiresAt).toBe(86_400_000);
  });

  it('§3 provider accounts (no `success` key)', async () => {
    const { client, requests } = clientAnswering({"data": {
      "paging": {"per_page": 20, "total": 1, "has_more": false, "current_page": 1, "page_count": 1},
      "items": [{"id": "0aea3134-da40-11f0-aef4-52c7e9b4f41b", "provider": "matbao", "active": true, "tax_authority_approved_date": "2026-04-20"}]
    }});
    const list = await client.listProviderAccounts({ page: 1, perPage: 20 });
    expect(list.paging).toEqual({ per_page: 20, total: 1, has_more: false, current_page: 1, page_count: 1 });
    expect(list.items[0]).toMatchObject({ provider: 'matbao', active: true, tax_authority_approved_date: '2026-04-20' });
    expect(requests[1]?.url).toBe('https://einvoice-api-sandbox.sepay.vn/v1/provider-accounts?page=1&per_page=20');
  });

  it('§4 provider account detail', async () => {
    const { client } = clientAnswering({"success": true, "data": {
      "id": "0aea3134-da40-11f0-aef4-52c7e9b4f41b", "provider": "matbao", "active": true,
      "tax_authority_approved_date": "2026-04-20",
      "templates": [
        {"template_code": "1", "invoice_series": "C25TAT", "invoice_label": "1 - C25TAT - Hóa đơn giá trị gia tăng"},
        {"template_code": "2", "invoice_series": "C25TMB", "invoice_label": "2 - C25TMB - Hóa đơn bán hàng"}
      ]}});
    const account = await client.getProviderAccount('0aea3134-da40-11f0-aef4-52c7e9b4f41b');
    expect(account.templates.map((t) => [t.template_code, t.invoice_series])).toEqual([['1', 'C25TAT'], ['2', 'C25TMB']]);
  });

  it('§5.5 create accepted', async () => {
    const { client } = clientAnswering({"success": true, "data": {
      "tracking_code": "084e179d-d95a-11f0-aef4-52c7e9b4f41b",
      "tracking_url": "https://einvoice-api.sepay.vn/v1/invoices/create/check/084e179d-d95a-11f0-aef4-52c7e9b4f41b",
      "message": "Đã tạo yêu cầu xuất bán hóa đơn điện tử"}});
    const accepted = await client.createInvoice(salesDraftExample);
    expect(accepted.tracking_code).toBe('084e179d-d95a-11f0-aef4-52c7e9b4f41b');
    expect(accepted.tracking_url).toMatch(/\/v1\/invoices\/create\/check\//);
  });

  it('§6 create check', async () => {
    const { client } = clientAnswering(createCheckExample);
    const check = await client.checkCreate('084e179d-d95a-11f0-aef4-52c7e9b4f41b');
    expect(check.status).toBe('Success');
    expect(check.invoice).toMatchObject({ invoice_number: '0', status: 'draft', xml_url: null, total_amount: 220000, source: 'api' });
  });

  it('§7 issue accepted', async () => {
    const { client } = clientAnswering({"success": true, "data": {
      "tracking_code": "084e179d-d95a-11f0-aef4-52c7e9b4f41b",
      "tracking_url": "https://einvoice-api.sepay.vn/v1/invoices/issue/check/084e179d-d95a-11f0-aef4-52c7e9b4f41b",
      "message": "Đã tạo yêu cầu xuất bán hóa đơn điện tử"}});
    const accepted = await client.issueInvoice('084e179d-d95a-11f0-aef4-52c7e9b4f41b');
    expect(accepted.tracking_url).toMatch(/\/v1\/invoices\/issue\/check\//);
  });

  it('§8 issue check', async () => {
    const issued = structuredClone(createCheckExample);
    issued.data.message = 'Xuất bán hóa đơn điện tử thành công';
    issued.data.invoice.invoice_number = '589';
    issued.data.invoice.status = 'issued';
    const { client } = clientAnswering(issued);
    const check = await client.checkIssue('084e179d-d95a-11f0-aef4-52c7e9b4f41b');
    expect(check.invoice).toMatchObject({ invoice_number: '589', status: 'issued' });
  });

  it('§9 delete draft', async () => {
    const { client } = clientAnswering({"success": true, "data": {"reference_code": "084e179d-...", "message": "Hóa đơn nháp đã được xóa thành công"}});
    await expect(client.deleteDraft('084e179d-...')).resolves.toEqual({
      reference_code: '084e179d-...',
      message: 'Hóa đơn nháp đã được xóa thành công',
    });
  });

  it('§10 invoice detail (line amounts as decimal strings)', async () => {
    const { client } = clientAnswering({"success": true, "data": {
      "reference_code": "084e179d-d95a-11f0-aef4-52c7e9b4f41b", "invoice_number": "589", "issued_date": "2025-12-15",
      "pdf_url": "https://beta-portalv2.mifi.vn/DownloadPDFCA.aspx?...", "xml_url": null, "status": "issued",
      "buyer": {"name": "Công ty ABC", "tax_code": "0101234567", "address": "...", "email": "buyer@example.com", "phone": "0900000000"},
      "total_before_tax": 200000, "tax_amount": 20000, "total_amount": 220000, "notes": "Ghi chú hóa đơn", "source": "api",
      "items": [{"line_number": 1, "line_type": 1, "item_code": "SP001", "item_name": "Sản phẩm A", "unit": "cái",
                 "quantity": "2.00", "unit_price": "100000.00", "total_amount": "200000.00", "tax_rate": "10.00", "tax_amount": "20000.00"}]}});
    const invoice = await client.getInvoice('084e179d-d95a-11f0-aef4-52c7e9b4f41b');
    expect(invoice.invoice_number).toBe('589');
    expect(invoice.items[0]).toMatchObject({ quantity: 2, unit_price: 100000, total_amount: 200000, tax_rate: 10, tax_amount: 20000 });
  });

  it('§11 invoice list (no `success` key, placeholder buyer field)', async () => {
    const { client, requests } = clientAnswering({"data": {"paging": {"per_page": 1, "total": 20, "has_more": true, "current_page": 1, "page_count": 20},
            "items": [{"reference_code": "9735f09d-d970-11f0-aef4-52c7e9b4f41b", "invoice_number": "0", "issued_date": "2025-12-15",
                       "pdf_url": "https://beta-portalv2.mifi.vn/DownloadPDFCA.aspx?...", "xml_url": null, "status": "draft",
                       "buyer": {"name": "Công ty ABC", "...": "..."}, "total_before_tax": 200000, "tax_amount": 20000,
                       "total_amount": 220000, "notes": "Ghi chú hóa đơn", "source": "api"}]}});
    const list = await client.listInvoices({ page: 1, perPage: 1, source: 'api' });
    expect(list.paging.has_more).toBe(true);
    expect(list.items[0]).toMatchObject({ reference_code: '9735f09d-d970-11f0-aef4-52c7e9b4f41b', status: 'draft', buyer: { name: 'Công ty ABC' } });
    expect(requests[1]?.url).toBe('https://einvoice-api-sandbox.sepay.vn/v1/invoices?page=1&per_page=1&source=api');
  });

  it('§12 download', async () => {
    const { client, requests } = clientAnswering({"success": true, "data": {"file_type": "pdf", "file_name": "HD_0000589_20251215.pdf", "content": "JVBERi0xLjQK..."}});
    const file = await client.downloadInvoice('084e179d-d95a-11f0-aef4-52c7e9b4f41b', 'pdf');
    expect(file.file_name).toBe('HD_0000589_20251215.pdf');
    expect(file.bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
    expect(new URL(requests[1]?.url ?? '').searchParams.get('type')).toBe('pdf');
  });

  it('§13 usage (quota as a string)', async () => {
    const { client } = clientAnswering({"data": {"quota_remaining": "534"}});
    await expect(client.getUsage()).resolves.toBe(534);
  });

  it('§1.2 error envelope', async () => {
    const example = {"success": false, "error": {"code": "EINVOICE_DOCUMENT_EXISTED", "message": "Hệ thống đã ghi nhận hoá đơn cho mã tham chiếu này."}};
    expect(ErrorEnvelope.parse(example).error.code).toBe('EINVOICE_DOCUMENT_EXISTED');

    const { client } = clientAnswering(example, 409);
    const error = await failure(client.createInvoice(salesDraftExample));
    expect(error).toMatchObject({ kind: 'conflict', status: 409, code: 'EINVOICE_DOCUMENT_EXISTED', retryable: false });
    expect(String(error)).toContain('Hệ thống đã ghi nhận hoá đơn');
  });
});

// §5.4, verbatim.
const salesDraftExample: CreateInvoiceRequest = {"template_code":"2","invoice_series":"C25HTV","issued_date":"2025-12-11 08:00:00","currency":"VND",
 "provider_account_id":"0aea3134-da40-11f0-aef4-52c7e9b4f41b",
 "buyer":{"name":"Công ty ABC","tax_code":"0101234567","address":"123 Đường A, Quận B, Hà Nội","email":"buyer@example.com","phone":"0900000000"},
 "items":[{"line_number":1,"line_type":1,"item_code":"SP001","item_name":"Sản phẩm A","unit":"cái","quantity":1,"unit_price":4500000}],
 "notes":"Ghi chú hóa đơn","is_draft":true};

const vatDirectExample = {"template_code":"1","invoice_series":"C26TSE","issued_date":"2026-01-26 00:00:00","currency":"VND",
 "provider_account_id":"{{your-provider-account-id}}",
 "buyer":{"type":"personal","name":"Buyer Name Demo","tax_code":"0317887567","address":"...","email":"buyeremaildemo@gmail.com"},
 "items":[{"line_number":1,"line_type":1,"item_code":"SP001","item_name":"Sản phẩm A","unit":"cái","quantity":1,"unit_price":4500000,"tax_rate":10,"discount_tax":10}],
 "notes":"Ghi chú hóa đơn","payment_method":"CK","is_draft":false};

describe('create request bodies', () => {
  it.each([
    ['sales invoice, draft', salesDraftExample],
    ['VAT invoice, issued directly', vatDirectExample],
  ])('§5.4 %s passes CreateInvoiceRequest', (_, body) => {
    expect(CreateInvoiceRequest.safeParse(body).error?.issues).toBeUndefined();
  });

  const invalid: [string, (body: Record<string, unknown>) => void][] = [
    ['is_draft', (b) => delete b.is_draft],
    ['currency', (b) => (b.currency = 'EUR')],
    ['issued_date', (b) => (b.issued_date = '2025-12-11')],
    ['issued_date', (b) => (b.issued_date = '2025-02-30 08:00:00')],
    ['total_amount', (b) => (b.total_amount = 100000.5)],
    ['buyer.email', (b) => (b.buyer = { email: 'not-an-email' })],
    ['items', (b) => (b.items = [])],
    ['items[0].quantity', (b) => (b.items = [{ line_number: 1, line_type: 1, item_name: 'A', quantity: 1.234 }])],
    ['items[0].line_type', (b) => (b.items = [{ line_number: 1, line_type: 5, item_name: 'A' }])],
  ];

  it.each(invalid)('rejects a bad %s, naming the field, before sending anything', async (path, spoil) => {
    const body: Record<string, unknown> = structuredClone(salesDraftExample);
    spoil(body);
    const { client, requests } = clientAnswering({});

    const error = await failure(client.createInvoice(body as CreateInvoiceRequest));
    expect(error).toMatchObject({ kind: 'bad-request', status: undefined, code: 'INVALID_REQUEST', retryable: false });
    expect(error.message).toContain(`${path}: `);
    expect(requests).toHaveLength(0);
  });
});
