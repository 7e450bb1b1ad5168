/** `POST /__sim/invoices/bulk` and list paging over many invoices, web-UI ones included. */
import { describe, expect, it } from 'vitest';
import { InvoiceDetail, InvoiceList, envelope, type InvoiceSummary } from '../../sepay/schemas.js';
import { CreateRequestShape } from '../../simulator/rules/create-request.js';
import { DEFAULT_QUOTA, SALES_TEMPLATE } from '../../simulator/server.js';
import { expectError, invoiceBody, uniqueRef, useSimulator } from './harness.js';

const sim = useSimulator();

async function page(query: string) {
  return envelope(InvoiceList).parse((await sim.api.call('GET', `/v1/invoices?${query}`)).body).data;
}

async function everyListed(query = ''): Promise<InvoiceSummary[]> {
  const all: InvoiceSummary[] = [];
  for (let n = 1; ; n++) {
    const { items, paging } = await page(`per_page=100&page=${n}${query}`);
    all.push(...items);
    if (!paging.has_more) return all;
  }
}

describe('bulk invoices', () => {
  it('creates issued invoices at once, numbered in order, dated step by step, without spending quota', async () => {
    const result = await sim.control.addBulkInvoices({ count: 250, referencePrefix: 'hist-', issuedFrom: '2026-01-01 00:00:00', issuedStepSeconds: 3600 });
    expect(result).toEqual({ created: 250, first: 'hist-001', last: 'hist-250' });

    const first = await page('per_page=3');
    expect(first.paging).toEqual({ per_page: 3, total: 250, has_more: true, current_page: 1, page_count: 84 });
    expect(first.items.map((i) => [i.reference_code, i.invoice_number, i.status, i.issued_date])).toEqual([
      ['hist-250', '250', 'issued', '2026-01-11'],
      ['hist-249', '249', 'issued', '2026-01-11'],
      ['hist-248', '248', 'issued', '2026-01-11'],
    ]);
    expect(await sim.control.quota()).toBe(DEFAULT_QUOTA);
  });

  it('creates drafts and web-UI invoices that the source filter and the detail show', async () => {
    await sim.control.addBulkInvoices({ count: 4, status: 'draft', referencePrefix: 'draft-' });
    await sim.control.addBulkInvoices({ count: 3, source: 'manual', referencePrefix: 'hand-', invoice: { ...SALES_TEMPLATE_PAIR } });

    const manual = await page('source=manual');
    expect(manual.paging.total).toBe(3);
    expect(manual.items.map((i) => [i.reference_code, i.source, i.status])).toEqual([
      ['hand-3', 'manual', 'issued'],
      ['hand-2', 'manual', 'issued'],
      ['hand-1', 'manual', 'issued'],
    ]);
    const api = await page('source=api');
    expect(api.items.map((i) => [i.reference_code, i.status, i.invoice_number])).toEqual([4, 3, 2, 1].map((n) => [`draft-${n}`, 'draft', '0']));

    const detail = envelope(InvoiceDetail).parse((await sim.api.detail('hand-2')).body).data;
    expect(detail).toMatchObject({ source: 'manual', status: 'issued', invoice_series: SALES_TEMPLATE.invoice_series, invoice_number: '2' });
  });

  it('shows one web-UI invoice made with addManualInvoice in the detail', async () => {
    const made = await sim.control.addManualInvoice(CreateRequestShape.parse(invoiceBody({ reference_code: uniqueRef('by-hand') })));
    const detail = envelope(InvoiceDetail).parse((await sim.api.detail(made.reference_code)).body).data;
    expect(detail).toMatchObject({ reference_code: made.reference_code, source: 'manual', status: 'issued' });
  });

  it('refuses the whole batch when one code is taken or the pair is not the account’s', async () => {
    await sim.api.createDraft('dup-3');
    const taken = await sim.api.call('POST', '/__sim/invoices/bulk', { body: { count: 5, referencePrefix: 'dup-' }, token: false });
    expectError(taken, 409, 'EINVOICE_DOCUMENT_EXISTED');
    const wrongPair = await sim.api.call('POST', '/__sim/invoices/bulk', { body: { count: 2, invoice: { invoice_series: 'NOPE' } }, token: false });
    expectError(wrongPair, 400, 'BAD_REQUEST');
    expect((await sim.control.invoices()).invoices.map((i) => i.reference_code)).toEqual(['dup-3']);
  });

  it('refuses a count outside 1..100000', async () => {
    for (const count of [0, 100_001, 2.5]) {
      const reply = await sim.api.call('POST', '/__sim/invoices/bulk', { body: { count }, token: false });
      expectError(reply, 400, 'BAD_REQUEST');
      expect(reply.body.error.message).toMatch(/count/);
    }
  });
});

/** The seeded account's sales pair. */
const SALES_TEMPLATE_PAIR = { template_code: SALES_TEMPLATE.template_code, invoice_series: SALES_TEMPLATE.invoice_series };

describe('list paging over many invoices', () => {
  it('lists every visible invoice exactly once, newest first, among hidden ones', async () => {
    await sim.control.addBulkInvoices({ count: 120, referencePrefix: 'old-' });
    await sim.api.create(invoiceBody({ reference_code: 'still-pending' })); // not visible: never listed
    const deleted = uniqueRef('deleted');
    await sim.api.createDraft(deleted);
    await sim.api.call('POST', `/v1/invoices/delete/${deleted}`);
    await sim.control.addBulkInvoices({ count: 130, referencePrefix: 'new-', status: 'draft' });

    const listed = await everyListed();
    const expected = [
      ...Array.from({ length: 130 }, (_, i) => `new-${String(130 - i).padStart(3, '0')}`),
      ...Array.from({ length: 120 }, (_, i) => `old-${String(120 - i).padStart(3, '0')}`),
    ];
    expect(listed.map((i) => i.reference_code)).toEqual(expected);
    expect((await page('per_page=100&page=4')).items).toEqual([]);
  });

  it('shows a direct create being signed in its place when draftVisibleWhileSigning is on', async () => {
    await sim.control.addBulkInvoices({ count: 2, referencePrefix: 'before-' });
    await sim.api.create(invoiceBody({ reference_code: 'signing', is_draft: false }));
    await sim.control.addBulkInvoices({ count: 1, referencePrefix: 'after-' });
    expect((await everyListed()).map((i) => i.reference_code)).toEqual(['after-1', 'before-2', 'before-1']);
    await sim.control.setModes({ draftVisibleWhileSigning: true });
    expect((await everyListed()).map((i) => i.reference_code)).toEqual(['after-1', 'signing', 'before-2', 'before-1']);
  });
});
