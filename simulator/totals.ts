/**
 * Invoice arithmetic (spec §22 item 7). SePay does not document its rounding; the simulator rounds
 * each line amount and line tax to 2 decimals (half away from zero), sums them, and rounds the
 * payable total to an integer. A `total_amount` in the request is used verbatim (§5.1).
 */
import { type SimCreateRequest, type SimLine } from './rules/create-request.js';

export interface LineTotals {
  /** Effect on the invoice: +1 goods, -1 trade discount, 0 not counted (note, unpriced promotion). */
  sign: 1 | -1 | 0;
  quantity: number | null;
  unitPrice: number | null;
  /** Amount before tax, after the line's own discount; positive also on a trade-discount line. */
  amount: number;
  taxRate: number | null;
  tax: number;
}

export interface InvoiceTotals {
  lines: LineTotals[];
  total_before_tax: number;
  tax_amount: number;
  total_amount: number;
}

/** Rates that carry VAT; -1 (not declared) and -2 (not subject to VAT) carry none. */
const TAXED_RATES: ReadonlySet<number> = new Set([0, 5, 8, 10]);

export function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  // The epsilon turns binary near-misses such as 1.005 * 100 = 100.49999… into the decimal half.
  const rounded = Math.sign(value) * (Math.round(Math.abs(value) * factor + 1e-7) / factor);
  return rounded === 0 ? 0 : rounded;
}

function taxOn(amount: number, taxRate: number | null): number {
  return taxRate !== null && TAXED_RATES.has(taxRate) ? roundTo((amount * taxRate) / 100, 2) : 0;
}

export function lineTotals(line: SimLine): LineTotals {
  const taxRate = line.tax_rate ?? null;
  if (line.line_type === 4) {
    return { sign: 0, quantity: line.quantity ?? null, unitPrice: line.unit_price ?? null, amount: 0, taxRate, tax: 0 };
  }
  if (line.line_type === 3) {
    const amount = roundTo(line.before_discount_and_tax_amount ?? 0, 2);
    return { sign: -1, quantity: line.quantity ?? null, unitPrice: line.unit_price ?? null, amount, taxRate, tax: taxOn(amount, taxRate) };
  }
  // A line with a price but no quantity is one unit of it.
  const quantity = line.quantity ?? 1;
  const unitPrice = line.unit_price ?? 0;
  const gross = quantity * unitPrice;
  const discount = line.discount_amount ?? (gross * (line.discount_tax ?? 0)) / 100;
  // A promotion line (type 2) is free unless it is given a price.
  const counted = line.line_type === 1 || unitPrice > 0;
  const amount = counted ? roundTo(gross - discount, 2) : 0;
  return { sign: counted ? 1 : 0, quantity, unitPrice, amount, taxRate, tax: taxOn(amount, taxRate) };
}

export function invoiceTotals(request: Pick<SimCreateRequest, 'items' | 'total_amount'>): InvoiceTotals {
  const lines = request.items.map(lineTotals);
  const total_before_tax = roundTo(
    lines.reduce((sum, l) => sum + l.sign * l.amount, 0),
    2,
  );
  const tax_amount = roundTo(
    lines.reduce((sum, l) => sum + l.sign * l.tax, 0),
    2,
  );
  const total_amount = request.total_amount ?? roundTo(total_before_tax + tax_amount, 0);
  return { lines, total_before_tax, tax_amount, total_amount };
}
