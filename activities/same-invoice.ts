/**
 * Whether the invoice SePay holds under a reference code is the one this run asks for. A re-run
 * adopts an invoice only when everything it sent is what SePay holds: adopting a stale draft would
 * issue the old content (a corrected price, say) without a word. SePay echoes some fields
 * differently (decimal strings, a date without time, computed line totals), so each field is
 * compared in the form SePay gives it back.
 */
import type { CreateInvoiceRequest, InvoiceDetail } from '../sepay/index.js';

/** What a run asks for; `issued_date` only when the caller gave it (a default is today's date). */
export type ComparableInvoice = Omit<CreateInvoiceRequest, 'issued_date' | 'is_draft' | 'reference_code'> & { issued_date?: string };

/** The differences, one short phrase each naming the field; empty when it is the same invoice. */
export function describeDifferences(detail: InvoiceDetail, request: ComparableInvoice): string[] {
  if (detail.source && detail.source !== 'api') return [`it was created in SePay's ${detail.source} UI`];
  const differences: string[] = [];
  const differ = (field: string) => differences.push(`${field} differs`);

  for (const field of ['name', 'legal_name', 'tax_code', 'address', 'email', 'phone', 'buyer_code', 'national_id'] as const) {
    if (!sameText(request.buyer[field], detail.buyer?.[field])) differ(`buyer.${field}`);
  }
  // SePay may fill in a buyer type it was not sent.
  if (request.buyer.type !== undefined && detail.buyer?.type != null && request.buyer.type !== detail.buyer.type) differ('buyer.type');
  if (detail.invoice_series !== undefined && detail.invoice_series !== request.invoice_series) differ('invoice_series');
  if (detail.payment_method != null && request.payment_method !== undefined && detail.payment_method !== request.payment_method) {
    differ('payment_method');
  }
  if (!sameText(request.notes, detail.notes)) differ('notes');
  // SePay answers the date only (YYYY-MM-DD); the request carries date and time.
  if (request.issued_date && detail.issued_date && request.issued_date.slice(0, 10) !== detail.issued_date.slice(0, 10)) differ('issued_date');
  if (request.total_amount !== undefined && !sameNumber(request.total_amount, detail.total_amount)) differ('total_amount');

  if (detail.items.length !== request.items.length) {
    differences.push(`items: ${request.items.length} lines asked, ${detail.items.length} at SePay`);
    return differences;
  }
  request.items.forEach((line, index) => {
    const found = detail.items[index]!;
    const at = `items.${index}`;
    if (!sameNumber(line.line_number, found.line_number)) differ(`${at}.line_number`);
    if (!sameNumber(line.line_type, found.line_type)) differ(`${at}.line_type`);
    if (line.item_name !== found.item_name) differ(`${at}.item_name`);
    if (!sameText(line.item_code, found.item_code)) differ(`${at}.item_code`);
    if (!sameText(line.unit, found.unit)) differ(`${at}.unit`);
    if (!sameOptionalNumber(line.quantity, found.quantity)) differ(`${at}.quantity`);
    if (!sameOptionalNumber(line.unit_price, found.unit_price)) differ(`${at}.unit_price`);
    if (!sameOptionalNumber(line.tax_rate, found.tax_rate)) differ(`${at}.tax_rate`);
    // Discounts are not echoed; the line amount SePay computed shows them (§22 item 7).
    const expected = expectedLineAmount(line);
    if (expected !== undefined && found.total_amount != null && Math.abs(expected - Number(found.total_amount)) > 1) {
      differ(`${at}.discount`);
    }
  });
  return differences;
}

type Line = ComparableInvoice['items'][number];

/** Quantity × unit price less the line's discount, when the line carries a discount to check. */
function expectedLineAmount(line: Line): number | undefined {
  if (line.discount_amount === undefined && line.discount_tax === undefined) return undefined;
  if (line.quantity === undefined || line.unit_price === undefined) return undefined;
  const gross = line.quantity * line.unit_price;
  return line.discount_amount !== undefined ? gross - line.discount_amount : gross * (1 - line.discount_tax! / 100);
}

/** Absent, null and empty all mean "not given" on SePay's side. */
function sameText(wanted: string | null | undefined, found: string | null | undefined): boolean {
  return (wanted ?? '') === (found ?? '');
}

function sameNumber(wanted: number, found: unknown): boolean {
  return found !== undefined && found !== null && Number(found) === wanted;
}

/** A field not sent may come back as 0 or null: only a field we sent must match. */
function sameOptionalNumber(wanted: number | undefined, found: unknown): boolean {
  if (wanted === undefined) return found === undefined || found === null || Number(found) === 0;
  return sameNumber(wanted, found);
}
