/** The invoice lifecycle of spec §5-§13 through the HTTP API, checked against the client's schemas. */
import { describe, expect, it } from 'vitest';
import {
  CreateInvoiceRequest,
  DownloadData,
  InvoiceDetail,
  InvoiceList,
  JobAccepted,
  JobCheck,
  ProviderAccountDetail,
  ProviderAccountList,
  UsageData,
  envelope,
} from '../../sepay/schemas.js';
import { DEFAULT_QUOTA, INACTIVE_ACCOUNT_ID, SALES_TEMPLATE, SEEDED_ACCOUNT_ID } from '../../simulator/server.js';
import { expectError, invoiceBody, uniqueRef, useSimulator } from './harness.js';

const sim = useSimulator();

describe('provider accounts and usage', () => {
  it('lists the seeded active and inactive accounts and shows the templates of one', async () => {
    const list = envelope(ProviderAccountList).parse((await sim.api.call('GET', '/v1/provider-accounts')).body);
    expect(list.data.items.map((a) => [a.id, a.active, a.tax_authority_approved_date])).toEqual([
      [SEEDED_ACCOUNT_ID, true, null],
      [INACTIVE_ACCOUNT_ID, false, null],
    ]);
    expect(list.data.paging).toMatchObject({ per_page: 20, total: 2, current_page: 1, page_count: 1, has_more: false });

    const one = envelope(ProviderAccountDetail).parse((await sim.api.call('GET', `/v1/provider-accounts/${SEEDED_ACCOUNT_ID}`)).body);
    expect(one.data.provider).toBe('matbao');
    expect(one.data.templates.map((t) => `${t.template_code}/${t.invoice_series}`)).toEqual(['1/C25TAT', '2/C25TMB']);
    expect(one.data.templates[0]!.invoice_label).toBe('1 - C25TAT - Hóa đơn giá trị gia tăng');
    expectError(await sim.api.call('GET', '/v1/provider-accounts/nope'), 404, 'NOT_FOUND');
  });

  it('answers quota_remaining as a string', async () => {
    const reply = await sim.api.call('GET', '/v1/usage');
    expect(reply.body).toEqual({ success: true, data: { quota_remaining: String(DEFAULT_QUOTA) } });
    expect(UsageData.parse(reply.body.data).quota_remaining).toBe(DEFAULT_QUOTA);
  });
});

describe('draft, then issue', () => {
  it('creates a draft asynchronously, hides it until the job succeeded, then issues it', async () => {
    const ref = uniqueRef('draft');
    const accepted = await sim.api.create(invoiceBody({ reference_code: ref }));
    const job = envelope(JobAccepted).parse(accepted.body).data;
    expect(job.tracking_code).not.toBe(ref);
    expect(job.tracking_url).toBe(`${sim.simulator.baseUrl}/v1/invoices/create/check/${job.tracking_code}`);

    // Assumption: not visible before the create job has succeeded.
    expectError(await sim.api.detail(ref), 404, 'NOT_FOUND');
    const pending = JobCheck.parse((await sim.api.check('create', job.tracking_code)).body.data);
    expect(pending).toMatchObject({ reference_code: ref, status: 'Pending' });
    expect(pending.invoice).toBeUndefined();
    expectError(await sim.api.issue(ref), 404);

    const done = JobCheck.parse((await sim.api.check('create', job.tracking_code)).body.data);
    expect(done).toMatchObject({ status: 'Success', invoice: { status: 'draft', invoice_number: '0', issued_date: '2025-12-15', total_amount: 220_000 } });
    expect(done.invoice?.pdf_url).toMatch(/^http:\/\//);

    const draft = envelope(InvoiceDetail).parse((await sim.api.detail(ref)).body).data;
    expect(draft).toMatchObject({ status: 'draft', document_type: 1, provider_status: '1', invoice_number: '0', tax_authority_code: null });
    expect((await sim.api.call('GET', '/v1/usage')).body.data.quota_remaining).toBe(String(DEFAULT_QUOTA));

    const issued = await sim.api.issueDraft(ref);
    expect(issued).toMatchObject({ reference_code: ref, status: 'Success', invoice: { status: 'issued', invoice_number: '1' } });
    const detail = await sim.api.detail(ref);
    expect(detail.body.data).toMatchObject({
      status: 'issued',
      document_type: 2,
      provider_status: '4',
      invoice_number: '1',
      invoice_series: 'C25TAT',
      payment_method: 'CK',
      source: 'api',
      total_before_tax: 200_000,
      tax_amount: 20_000,
      total_amount: 220_000,
      items: [{ line_number: 1, line_type: 1, quantity: '2.00', unit_price: '100000.00', total_amount: '200000.00', tax_rate: '10.00', tax_amount: '20000.00' }],
    });
    expect(detail.body.data.tax_authority_code).toMatch(/^[0-9A-F]{34}$/);
    expect((await sim.api.call('GET', '/v1/usage')).body.data.quota_remaining).toBe(String(DEFAULT_QUOTA - 1));
    // issue_requests counts every request naming the code, also the early one answered 404.
    expect(await sim.control.invoices()).toMatchObject({
      invoices: [{ reference_code: ref, status: 'issued', create_requests: 1, issue_requests: 2, is_draft_requested: true }],
    });
  });

  it('numbers issued invoices per series: 1, 2, … independently', async () => {
    const numbers: string[] = [];
    for (const overrides of [{}, {}, { template_code: SALES_TEMPLATE.template_code, invoice_series: SALES_TEMPLATE.invoice_series }]) {
      const ref = uniqueRef('seq');
      await sim.api.createDraft(ref, overrides);
      numbers.push((await sim.api.issueDraft(ref)).invoice.invoice_number as string);
    }
    expect(numbers).toEqual(['1', '2', '1']);
  });

  it('refuses to issue twice: 409 while the issue job is in flight, 400 once issued', async () => {
    const ref = uniqueRef('twice');
    await sim.api.createDraft(ref);
    const first = await sim.api.issue(ref);
    expectError(await sim.api.issue(ref), 409, 'EINVOICE_DOCUMENT_EXISTED');
    expectError(await sim.api.call('POST', `/v1/invoices/delete/${ref}`), 400, 'BAD_REQUEST');
    await sim.api.settle('issue', first);
    expectError(await sim.api.issue(ref), 400, 'BAD_REQUEST');
    expect((await sim.control.invoices()).invoices).toMatchObject([{ status: 'issued', issue_requests: 3, invoice_number: '1' }]);
  });

  it('issues directly with is_draft:false in one job', async () => {
    const ref = uniqueRef('direct');
    const done = await sim.api.settle('create', await sim.api.create(invoiceBody({ reference_code: ref, is_draft: false })));
    expect(done).toMatchObject({ status: 'Success', invoice: { status: 'issued', invoice_number: '1' } });
    expect((await sim.api.detail(ref)).body.data).toMatchObject({ document_type: 2, provider_status: '4' });
    expect((await sim.control.invoices()).invoices).toMatchObject([{ is_draft_requested: false, issue_requests: 0 }]);
  });

  it('settles at the first check with jobChecksUntilDone 0', async () => {
    await sim.control.setJobChecks(0);
    const reply = await sim.api.create(invoiceBody({ reference_code: uniqueRef('fast') }));
    expect((await sim.api.check('create', reply.body.data.tracking_code)).body.data.status).toBe('Success');
  });
});

describe('reference codes', () => {
  it('generates a UUID when reference_code is missing', async () => {
    const body = invoiceBody();
    const done = await sim.api.settle('create', await sim.api.create(body));
    expect(done.reference_code).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers 409 for a reference code already used, also after a failed job and after a delete', async () => {
    const live = uniqueRef('dup');
    await sim.api.create(invoiceBody({ reference_code: live }));
    expectError(await sim.api.create(invoiceBody({ reference_code: live })), 409, 'EINVOICE_DOCUMENT_EXISTED');

    const failed = uniqueRef('failed');
    await sim.control.addFault({ endpoint: 'create', kind: 'job-fail', referenceCode: failed, message: 'Sai thông tin người mua' });
    const job = await sim.api.settle('create', await sim.api.create(invoiceBody({ reference_code: failed })));
    expect(job).toMatchObject({ status: 'Failed', message: 'Sai thông tin người mua' });
    expect(job.invoice).toBeUndefined();
    expectError(await sim.api.detail(failed), 404);
    expectError(await sim.api.create(invoiceBody({ reference_code: failed })), 409, 'EINVOICE_DOCUMENT_EXISTED');

    const deleted = uniqueRef('deleted');
    await sim.api.createDraft(deleted);
    const del = await sim.api.call('POST', `/v1/invoices/delete/${deleted}`);
    expect(del.body).toMatchObject({ success: true, data: { reference_code: deleted } });
    expectError(await sim.api.detail(deleted), 404);
    expectError(await sim.api.call('POST', `/v1/invoices/delete/${deleted}`), 404);
    expectError(await sim.api.create(invoiceBody({ reference_code: deleted })), 409, 'EINVOICE_DOCUMENT_EXISTED');

    const states = Object.fromEntries((await sim.control.invoices()).invoices.map((i) => [i.reference_code, [i.status, i.create_requests]]));
    expect(states).toEqual({ [live]: ['pending', 2], [failed]: ['failed', 2], [deleted]: ['deleted', 2] });
  });

  it('deletes drafts only', async () => {
    const ref = uniqueRef('issued');
    await sim.api.createDraft(ref);
    await sim.api.issueDraft(ref);
    expectError(await sim.api.call('POST', `/v1/invoices/delete/${ref}`), 400, 'BAD_REQUEST');
    expectError(await sim.api.call('POST', '/v1/invoices/delete/unknown'), 404, 'NOT_FOUND');
  });
});

describe('validation of create', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['quantity with 3 decimals', { items: [{ line_number: 1, line_type: 1, item_name: 'x', quantity: 1.234 }] }, /items\.0\.quantity: at most 2 decimal places/],
    ['missing is_draft (§23 #3)', { is_draft: undefined }, /is_draft/],
    ['non-integer total_amount', { total_amount: 100000.5 }, /total_amount/],
    ['unknown currency', { currency: 'EUR' }, /currency/],
    ['bad issued_date', { issued_date: '2025-12-15' }, /issued_date/],
    ['bad tax rate', { items: [{ line_number: 1, line_type: 1, item_name: 'x', tax_rate: 7 }] }, /items\.0\.tax_rate/],
    ['no items', { items: [] }, /items/],
    ['no buyer name (§23 #9)', { buyer: { tax_code: '0101234567' } }, /buyer\.name/],
    ['unknown account', { provider_account_id: 'nope' }, /provider_account_id/],
    ['inactive account', { provider_account_id: INACTIVE_ACCOUNT_ID }, /provider_account_id/],
    ['series of another template', { template_code: '2', invoice_series: 'C25TAT' }, /invoice_series/],
    ['unknown payment_method', { payment_method: 'CASH' }, /payment_method: expected one of TM, CK, TM\/CK, KHAC/],
    ['unknown line_type', { items: [{ line_number: 1, line_type: 5, item_name: 'x' }] }, /items\.0\.line_type/],
    ['unknown buyer.type', { buyer: { type: 'government', name: 'A' } }, /buyer\.type/],
    ['buyer email that is not one', { buyer: { name: 'A', email: 'not-an-email' } }, /buyer\.email/],
    ['blank template_code', { template_code: '  ' }, /template_code: required/],
    ['missing provider_account_id', { provider_account_id: undefined }, /provider_account_id/],
    ['line without item_name', { items: [{ line_number: 1, line_type: 1 }] }, /items\.0\.item_name/],
    ['fractional line_number', { items: [{ line_number: 1.5, line_type: 1, item_name: 'x' }] }, /items\.0\.line_number/],
    ['issued_date that is no calendar day', { issued_date: '2025-02-30 08:00:00' }, /issued_date: not a real date/],
    ['missing buyer', { buyer: undefined }, /buyer/],
    [
      'VAT goods line without tax_rate (§5.3)',
      { items: [{ line_number: 1, line_type: 1, item_name: 'x', tax_rate: 10 }, { line_number: 2, line_type: 2, item_name: 'quà' }] },
      /items\.1\.tax_rate: required on a VAT invoice/,
    ],
  ];
  it.each(cases)('400 naming the field: %s', async (_name, overrides, message) => {
    const reply = await sim.api.create(invoiceBody({ reference_code: uniqueRef('bad'), ...overrides }));
    expectError(reply, 400, 'BAD_REQUEST');
    expect(reply.body.error.message).toMatch(message);
  });

  // SePay does not document refusing unknown keys, so the simulator ignores them; catching typos
  // such as `taxrate` is the client's job. Neither are sign rules or lengths documented.
  it('accepts lines without tax_rate on a sales invoice, and notes without one on a VAT invoice', async () => {
    const sales = invoiceBody({
      reference_code: uniqueRef('sales'),
      template_code: SALES_TEMPLATE.template_code,
      invoice_series: SALES_TEMPLATE.invoice_series,
      items: [{ line_number: 1, line_type: 1, item_name: 'A', quantity: 1, unit_price: 4500000 }],
    });
    expect((await sim.api.create(sales)).status).toBe(200);
    const vatWithNote = invoiceBody({
      reference_code: uniqueRef('vat-note'),
      items: [
        { line_number: 1, line_type: 1, item_name: 'A', quantity: 1, unit_price: 100, tax_rate: 10 },
        { line_number: 2, line_type: 4, item_name: 'Hàng tặng không thu tiền' },
      ],
    });
    expect((await sim.api.create(vatWithNote)).status).toBe(200);
  });

  it('ignores unknown keys at every level and accepts what the docs leave open', async () => {
    const ref = uniqueRef('lenient');
    const body = invoiceBody({
      reference_code: ref,
      seller_store_code: 'legacy-field',
      buyer: { legal_name: 'Công ty ABC', nickname: 'abc' },
      items: [
        { line_number: 1, line_type: 1, item_name: 'A', quantity: 2, unit_price: 100000, tax_rate: 10, taxrate: 5 },
        { line_number: 1, line_type: 4, item_name: 'x'.repeat(5000) },
      ],
    });
    const created = await sim.api.settle('create', await sim.api.create(body));
    expect(created.status).toBe('Success');
    const detail = (await sim.api.detail(ref)).body.data;
    expect(detail.buyer).toEqual({ legal_name: 'Công ty ABC' });
    expect(detail.items[0]).toMatchObject({ tax_rate: '10.00', tax_amount: '20000.00' });
    expect(detail.total_amount).toBe(220000);
  });
});

describe('quota', () => {
  it('refuses a direct create with 403 when the quota is 0, but still accepts drafts', async () => {
    await sim.control.setQuota(0);
    expectError(await sim.api.create(invoiceBody({ reference_code: uniqueRef('q'), is_draft: false })), 403, 'QUOTA_EXCEEDED');
    expect((await sim.api.createDraft(uniqueRef('q'))).status).toBe('Success');
  });

  it('fails the issue job when the quota ran out before Success; the draft stays issuable', async () => {
    const ref = uniqueRef('q');
    await sim.api.createDraft(ref);
    await sim.control.setQuota(1);
    const accepted = await sim.api.issue(ref);
    await sim.control.setQuota(0);
    const failed = await sim.api.settle('issue', accepted);
    expect(failed.status).toBe('Failed');
    expect(failed.message).toMatch(/hạn ngạch/);
    expect((await sim.api.detail(ref)).body.data.status).toBe('draft');

    await sim.control.setQuota(1);
    expect((await sim.api.issueDraft(ref)).status).toBe('Success');
    expect((await sim.api.call('GET', '/v1/usage')).body.data.quota_remaining).toBe('0');
  });

  it('fails a direct create job when the quota ran out while it was pending', async () => {
    await sim.control.setQuota(1);
    const accepted = await sim.api.create(invoiceBody({ reference_code: uniqueRef('q'), is_draft: false }));
    await sim.control.setQuota(0);
    expect((await sim.api.settle('create', accepted)).status).toBe('Failed');
  });
});

describe('tax approval (422)', () => {
  it('refuses issuance for an unapproved registration and for dates before the approval date', async () => {
    const ref = uniqueRef('tax');
    await sim.api.createDraft(ref, { issued_date: '2026-04-19 23:59:59' });
    await sim.control.setAccounts([{ id: SEEDED_ACCOUNT_ID, registration_approved: false }]);
    expectError(await sim.api.issue(ref), 422, 'REGISTRATION_NOT_TAX_APPROVED');

    await sim.control.setAccounts([{ id: SEEDED_ACCOUNT_ID, tax_authority_approved_date: '2026-04-20' }]);
    expectError(await sim.api.issue(ref), 422, 'INVOICE_DATE_BEFORE_TAX_APPROVAL');
    expectError(
      await sim.api.create(invoiceBody({ reference_code: uniqueRef('tax'), issued_date: '2026-04-19 08:00:00', is_draft: false })),
      422,
      'INVOICE_DATE_BEFORE_TAX_APPROVAL',
    );
    const onTheDay = uniqueRef('tax');
    await sim.api.createDraft(onTheDay, { issued_date: '2026-04-20 00:00:00' });
    expect((await sim.api.issueDraft(onTheDay)).status).toBe('Success');
  });
});

describe('list', () => {
  it('pages newest first, clamps per_page to 100, filters by source', async () => {
    const refs: string[] = [];
    for (let i = 0; i < 3; i++) {
      refs.push(uniqueRef('list'));
      await sim.api.createDraft(refs[i]!);
    }
    await sim.api.create(invoiceBody({ reference_code: uniqueRef('hidden') })); // pending: not listed
    const manual = await sim.control.addManualInvoice(CreateInvoiceRequest.parse(invoiceBody({ reference_code: uniqueRef('manual') })));

    const page1 = envelope(InvoiceList).parse((await sim.api.call('GET', '/v1/invoices?per_page=2')).body).data;
    expect(page1.paging).toEqual({ per_page: 2, total: 4, has_more: true, current_page: 1, page_count: 2 });
    expect(page1.items.map((i) => i.reference_code)).toEqual([manual.reference_code, refs[2]]);
    const page2 = (await sim.api.call('GET', '/v1/invoices?per_page=2&page=2')).body.data;
    expect(page2.items.map((i: { reference_code: string }) => i.reference_code)).toEqual([refs[1], refs[0]]);
    expect(page2.paging.has_more).toBe(false);

    const defaults = (await sim.api.call('GET', '/v1/invoices')).body.data;
    expect(defaults.paging.per_page).toBe(10);
    expect((await sim.api.call('GET', '/v1/invoices?per_page=1000')).body.data.paging.per_page).toBe(100);

    const api = (await sim.api.call('GET', '/v1/invoices?source=api')).body.data;
    expect(api.items.every((i: { source: string }) => i.source === 'api')).toBe(true);
    expect(api.paging.total).toBe(3);
    const manualOnly = (await sim.api.call('GET', '/v1/invoices?source=manual')).body.data;
    expect(manualOnly.items).toMatchObject([{ reference_code: manual.reference_code, source: 'manual', status: 'issued' }]);

    expectError(await sim.api.call('GET', '/v1/invoices?source=web'), 400);
    expectError(await sim.api.call('GET', '/v1/invoices?page=0'), 400);
  });
});

describe('download', () => {
  it('returns a base64 PDF or XML by reference code or by any tracking code', async () => {
    const ref = uniqueRef('dl');
    const accepted = await sim.api.create(invoiceBody({ reference_code: ref }));
    expectError(await sim.api.call('GET', `/v1/invoices/${ref}/download?type=pdf`), 404);
    await sim.api.settle('create', accepted);
    await sim.api.issueDraft(ref);

    for (const code of [ref, accepted.body.data.tracking_code as string]) {
      const pdf = DownloadData.parse((await sim.api.call('GET', `/v1/invoices/${code}/download?type=pdf`)).body.data);
      expect(pdf.file_name).toBe('HD_0000001_20251215.pdf');
      const bytes = Buffer.from(pdf.content, 'base64').toString('latin1');
      expect(bytes.startsWith('%PDF-1.4')).toBe(true);
      expect(bytes.trimEnd().endsWith('%%EOF')).toBe(true);
    }
    const xml = (await sim.api.call('GET', `/v1/invoices/${ref}/download?type=xml`)).body.data;
    expect(xml).toMatchObject({ file_type: 'xml', file_name: 'HD_0000001_20251215.xml' });
    expect(Buffer.from(xml.content as string, 'base64').toString('utf8')).toContain('<SHDon>1</SHDon>');

    expectError(await sim.api.call('GET', `/v1/invoices/${ref}/download?type=doc`), 400, 'BAD_REQUEST');
    expectError(await sim.api.call('GET', `/v1/invoices/${ref}/download`), 400, 'BAD_REQUEST');

    const file = await fetch((await sim.api.detail(ref)).body.data.pdf_url as string);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect((await file.text()).startsWith('%PDF-1.4')).toBe(true);
  });
});
