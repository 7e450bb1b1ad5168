/**
 * `describeDifferences` decides whether a re-run adopts what SePay holds (issue #11 finding 3: a
 * corrected price once adopted the stale draft). A table of cases: each field a run sends, changed
 * on its own, must be named; what SePay merely echoes in its own form (decimal strings, a date
 * without its time, computed line totals) must not count as a change.
 */
import { describe, expect, it } from 'vitest';
import { describeDifferences, type ComparableInvoice } from '../../activities/same-invoice.js';
import { InvoiceDetail } from '../../sepay/schemas.js';
import { detailOf } from './fake-sepay.js';

const asked = {
  provider_account_id: 'acc-1',
  template_code: '1',
  invoice_series: 'C26TAA',
  currency: 'VND',
  payment_method: 'CK',
  issued_date: '2026-11-20 09:30:00',
  buyer: { type: 'company', name: 'Công ty TNHH Ví Dụ', legal_name: 'CÔNG TY TNHH VÍ DỤ', tax_code: '0101234567', email: 'ke-toan@vidu.vn' },
  items: [
    { line_number: 1, line_type: 1, item_code: 'SP001', item_name: 'Sản phẩm A', unit: 'cái', quantity: 2, unit_price: 100_000, tax_rate: 10 },
    { line_number: 2, line_type: 1, item_name: 'Dịch vụ lắp đặt', unit: 'giờ', quantity: 1.5, unit_price: 200_000, tax_rate: 8, discount_amount: 10_000 },
  ],
  notes: 'Đơn hàng 1001',
  total_amount: 510_200,
} satisfies ComparableInvoice;

/** What SePay holds after creating `asked`. */
const held = detailOf({ ...asked, reference_code: 'order-1001' }, 'draft');

type Line = ComparableInvoice['items'][number];
const withLine = (index: number, change: Partial<Line>): ComparableInvoice => ({
  ...asked,
  items: asked.items.map((line, at) => (at === index ? { ...line, ...change } : line)),
});

describe('describeDifferences', () => {
  it('finds nothing between an invoice and what SePay holds after creating it', () => {
    expect(describeDifferences(held, asked)).toEqual([]);
  });

  it.each<[string, ComparableInvoice, string[]]>([
    ['buyer.name', { ...asked, buyer: { ...asked.buyer, name: 'Công ty Cổ phần Khác' } }, ['buyer.name differs']],
    ['buyer.legal_name', { ...asked, buyer: { ...asked.buyer, legal_name: 'CÔNG TY CỔ PHẦN KHÁC' } }, ['buyer.legal_name differs']],
    ['buyer.tax_code', { ...asked, buyer: { ...asked.buyer, tax_code: '0109999999' } }, ['buyer.tax_code differs']],
    ['buyer.address', { ...asked, buyer: { ...asked.buyer, address: '1 Tràng Tiền, Hà Nội' } }, ['buyer.address differs']],
    ['buyer.email', { ...asked, buyer: { ...asked.buyer, email: 'other@vidu.vn' } }, ['buyer.email differs']],
    ['buyer.phone', { ...asked, buyer: { ...asked.buyer, phone: '0901234567' } }, ['buyer.phone differs']],
    ['buyer.buyer_code', { ...asked, buyer: { ...asked.buyer, buyer_code: 'KH-7' } }, ['buyer.buyer_code differs']],
    ['buyer.national_id', { ...asked, buyer: { ...asked.buyer, national_id: '001099000123' } }, ['buyer.national_id differs']],
    ['buyer.type', { ...asked, buyer: { ...asked.buyer, type: 'personal' } }, ['buyer.type differs']],
    ['invoice_series', { ...asked, invoice_series: 'C26TBB' }, ['invoice_series differs']],
    ['payment_method', { ...asked, payment_method: 'TM' }, ['payment_method differs']],
    ['notes', { ...asked, notes: 'Đơn hàng 1002' }, ['notes differs']],
    ['issued_date (another day)', { ...asked, issued_date: '2026-11-21 09:30:00' }, ['issued_date differs']],
    ['total_amount', { ...asked, total_amount: 520_000 }, ['total_amount differs']],
    ['a line number', withLine(1, { line_number: 3 }), ['items.1.line_number differs']],
    ['a line type', withLine(1, { line_type: 2 }), ['items.1.line_type differs']],
    ['an item name', withLine(0, { item_name: 'Sản phẩm B' }), ['items.0.item_name differs']],
    ['an item code', withLine(0, { item_code: 'SP002' }), ['items.0.item_code differs']],
    ['a unit', withLine(0, { unit: 'hộp' }), ['items.0.unit differs']],
    ['a quantity', withLine(0, { quantity: 3 }), ['items.0.quantity differs']],
    ['a unit price', withLine(0, { unit_price: 120_000 }), ['items.0.unit_price differs']],
    ['a tax rate', withLine(0, { tax_rate: 8 }), ['items.0.tax_rate differs']],
    ['a discount amount', withLine(1, { discount_amount: 20_000 }), ['items.1.discount differs']],
    ['a discount given as a percentage instead', withLine(1, { discount_amount: undefined, discount_tax: 10 }), ['items.1.discount differs']],
    ['a line removed', { ...asked, items: asked.items.slice(0, 1) }, ['items: 1 lines asked, 2 at SePay']],
    ['a line added', { ...asked, items: [...asked.items, { line_number: 3, line_type: 4, item_name: 'Ghi chú' }] }, ['items: 3 lines asked, 2 at SePay']],
  ])('names a changed %s', (_field, changed, differences) => {
    expect(describeDifferences(held, changed)).toEqual(differences);
  });

  it('names every field that changed, not only the first', () => {
    const changed = { ...withLine(0, { unit_price: 120_000 }), buyer: { ...asked.buyer, name: 'Công ty Cổ phần Khác' } };
    expect(describeDifferences(held, changed)).toEqual(['buyer.name differs', 'items.0.unit_price differs']);
  });

  it('reads decimal strings as SePay sends them ("2.00" is 2), parsed by the client or not', () => {
    const raw = {
      ...held,
      total_amount: '510200.00',
      items: held.items.map((line) => ({
        ...line,
        line_number: String(line.line_number),
        quantity: Number(line.quantity).toFixed(2),
        unit_price: Number(line.unit_price).toFixed(2),
        total_amount: Number(line.total_amount).toFixed(2),
        tax_rate: String(line.tax_rate),
      })),
    };
    expect(raw.items[0]!.quantity).toBe('2.00');
    expect(describeDifferences(InvoiceDetail.parse(raw), asked)).toEqual([]);
    expect(describeDifferences(raw as unknown as InvoiceDetail, asked)).toEqual([]);
  });

  it('compares the date only: SePay answers YYYY-MM-DD for a request that carried a time', () => {
    expect(held.issued_date).toBe('2026-11-20');
    expect(describeDifferences(held, { ...asked, issued_date: '2026-11-20 17:45:00' })).toEqual([]);
  });

  it('ignores issued_date when the run did not give one (its default is the start day)', () => {
    expect(describeDifferences({ ...held, issued_date: '2026-11-01' }, { ...asked, issued_date: undefined })).toEqual([]);
  });

  it('sees a discount through the line total SePay computed, as discounts are not echoed', () => {
    // 1.5 × 200,000 − 10,000: SePay's line total matches the discount asked for.
    expect(held.items[1]!.total_amount).toBe(290_000);
    const undiscounted = { ...held, items: held.items.map((line, at) => (at === 1 ? { ...line, total_amount: 300_000 } : line)) };
    expect(describeDifferences(undiscounted, asked)).toEqual(['items.1.discount differs']);
  });

  it('does not mistake fields SePay fills in on its own (buyer type, zero for an unsent amount) for changes', () => {
    const filledIn = {
      ...held,
      buyer: { ...held.buyer, type: 'company' as const },
      items: [...held.items.slice(0, 1), { ...held.items[1]!, item_code: '', unit_price: held.items[1]!.unit_price }],
    };
    const noType = { ...asked, buyer: { ...asked.buyer, type: undefined } };
    expect(describeDifferences(filledIn, noType)).toEqual([]);
    const noteLine = { line_number: 3, line_type: 4 as const, item_name: 'Ghi chú' };
    const heldWithNote = { ...held, items: [...held.items, { ...noteLine, quantity: 0, unit_price: null, tax_rate: null }] };
    expect(describeDifferences(heldWithNote, { ...asked, items: [...asked.items, noteLine] })).toEqual([]);
  });

  it("never adopts a draft made in SePay's web UI, whatever its content", () => {
    expect(describeDifferences({ ...held, source: 'manual' }, asked)).toEqual(["it was created in SePay's manual UI"]);
  });
});
