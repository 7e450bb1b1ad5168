/**
 * Rules about an invoice's content that span fields, as plain functions: the input schema applies
 * them before anything reaches SePay, and the create step can apply them again once the worker's
 * defaults (template, date) are known. No zod here, so an activity can call them cheaply.
 */
import type { Currency, InvoiceLine } from '../sepay/schemas.js';
import { atMostDecimals } from '../sepay/schemas.js';

/** Template "1" is the VAT invoice (Hóa đơn giá trị gia tăng), API reference §4 and §5.3. */
export const VAT_TEMPLATE_CODE = '1';

/**
 * A caller's clock may run a little ahead of the worker's, and a date stamped "now" on one machine
 * must not be refused on another: an `issued_date` up to this much past our "now" still counts as
 * not in the future. SePay checks with its own clock; what slips through this window is at most a
 * few minutes early and is refused there as `SepayValidationFailed`.
 */
export const ISSUED_DATE_CLOCK_SKEW_MS = 5 * 60 * 1000;

const VIETNAM_UTC_OFFSET = '+07:00';

type Lines = { items: readonly Pick<InvoiceLine, 'line_type' | 'tax_rate'>[] };

/** The issue a goods line of a VAT invoice without `tax_rate` gets, at `items.<index>.tax_rate`. */
export const VAT_TAX_RATE_ISSUE = { field: 'tax_rate', message: `required on a VAT invoice (template_code "${VAT_TEMPLATE_CODE}")` } as const;

/** Goods lines (types 1 and 2) without a `tax_rate` on a VAT invoice, which SePay requires (§5.3). */
export function vatLinesMissingTaxRate(invoice: Lines, templateCode: string | undefined): number[] {
  if (templateCode !== VAT_TEMPLATE_CODE) return [];
  return invoice.items.flatMap((line, index) => ((line.line_type === 1 || line.line_type === 2) && line.tax_rate === undefined ? [index] : []));
}

/** One line per goods line `vatLinesMissingTaxRate` finds, worded like the input validation's issues. */
export function describeVatLinesMissingTaxRate(invoice: Lines, templateCode: string | undefined): string[] {
  return vatLinesMissingTaxRate(invoice, templateCode).map((index) => `invoice.items.${index}.${VAT_TAX_RATE_ISSUE.field}: ${VAT_TAX_RATE_ISSUE.message}`);
}

/** `YYYY-MM-DD HH:mm:ss` in Vietnam time later than `nowMs` plus the allowed clock skew. */
export function isIssuedDateInFuture(issuedDate: string, nowMs: number): boolean {
  return Date.parse(`${issuedDate.replace(' ', 'T')}${VIETNAM_UTC_OFFSET}`) > nowMs + ISSUED_DATE_CLOCK_SKEW_MS;
}

/** A buyer is named when it has a non-blank `name` or `legal_name`. */
export function hasBuyerName(buyer: { name?: string; legal_name?: string }): boolean {
  return [buyer.name, buyer.legal_name].some((text) => text !== undefined && text.trim() !== '');
}

/** Line amounts that carry money, as opposed to `quantity` and the `discount_tax` percentage. */
export const LINE_MONEY_FIELDS = ['unit_price', 'discount_amount', 'before_discount_and_tax_amount'] as const;

/** Why `amount` cannot be a sum of `currency`, or undefined: the đồng has no minor unit, USD and CAD have cents. */
export function amountPrecisionProblem(amount: number, currency: Currency): string | undefined {
  if (currency === 'VND') return Number.isSafeInteger(amount) ? undefined : 'VND amounts are whole numbers';
  return atMostDecimals(2)(amount) ? undefined : `${currency} amounts have at most 2 decimal places`;
}

/** UTF-8 bytes of `value` as JSON, the way Temporal's JSON payload converter stores it. */
export function serialisedSize(value: unknown): number {
  let bytes = 0;
  for (const char of JSON.stringify(value) ?? '') {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}
