/**
 * Whether the invoice SePay holds under a reference code is the one we asked to create. Used after
 * a 409: the same invoice is adopted (an earlier attempt made it), a different one is a conflict.
 * SePay stores computed totals and decimal strings, so we compare what it echoes back unchanged:
 * origin, buyer identity and the named lines.
 */
import type { CreateInvoiceRequest, InvoiceDetail } from '../sepay/index.js';

export function describeMismatch(detail: InvoiceDetail, request: CreateInvoiceRequest): string | undefined {
  if (detail.source && detail.source !== 'api') return `it was created in SePay's ${detail.source} UI`;
  for (const field of ['name', 'legal_name', 'tax_code'] as const) {
    const wanted = request.buyer[field];
    const found = detail.buyer?.[field];
    if (wanted !== undefined && found !== undefined && wanted !== found) return `buyer.${field} differs`;
  }
  const wantedNames = request.items.map((item) => item.item_name);
  const foundNames = detail.items.map((item) => item.item_name);
  if (foundNames.length > 0 && wantedNames.join('\n') !== foundNames.join('\n')) return 'its lines differ';
  return undefined;
}
