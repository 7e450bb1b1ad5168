/**
 * How invoices look on the wire: the summary of §6 (checks, list) and the detail of §10, whose
 * line numbers are 2-decimal strings while summary totals are JSON numbers (§1.4).
 */
import { type SimLine } from './rules/create-request.js';
import { type InvoiceRecord } from './state.js';
import { invoiceTotals, roundTo, type InvoiceTotals, type LineTotals } from './totals.js';

/** pdf_url/xml_url point at the simulator's own unauthenticated file route. */
export function fileUrl(origin: string, invoice: InvoiceRecord, type: 'pdf' | 'xml'): string {
  return `${origin}/__sim/files/${encodeURIComponent(invoice.reference_code)}.${type}`;
}

export function summaryOf(invoice: InvoiceRecord, origin: string, totals = invoiceTotals(invoice.request)) {
  const { request } = invoice;
  const issued = invoice.status === 'issued';
  return {
    reference_code: invoice.reference_code,
    invoice_number: invoice.invoice_number,
    issued_date: request.issued_date.slice(0, 10),
    pdf_url: fileUrl(origin, invoice, 'pdf'),
    xml_url: issued ? fileUrl(origin, invoice, 'xml') : null,
    status: issued ? 'issued' : 'draft',
    buyer: request.buyer,
    total_before_tax: totals.total_before_tax,
    tax_amount: totals.tax_amount,
    total_amount: totals.total_amount,
    notes: request.notes ?? null,
    source: invoice.source,
  };
}

const decimal = (value: number | null) => (value === null ? null : roundTo(value, 2).toFixed(2));

function lineOf(line: SimLine, totals: LineTotals) {
  return {
    line_number: line.line_number,
    line_type: line.line_type,
    item_code: line.item_code ?? null,
    item_name: line.item_name,
    unit: line.unit ?? null,
    quantity: decimal(totals.quantity),
    unit_price: decimal(totals.unitPrice),
    total_amount: decimal(totals.amount),
    tax_rate: decimal(totals.taxRate),
    tax_amount: decimal(totals.tax),
  };
}

export function detailOf(invoice: InvoiceRecord, origin: string) {
  const totals: InvoiceTotals = invoiceTotals(invoice.request);
  const issued = invoice.status === 'issued';
  return {
    ...summaryOf(invoice, origin, totals),
    invoice_series: invoice.request.invoice_series,
    document_type: issued ? 2 : 1,
    tax_authority_code: invoice.tax_authority_code,
    provider_status: issued ? '4' : '1',
    payment_method: invoice.request.payment_method ?? null,
    items: invoice.request.items.map((line, i) => lineOf(line, totals.lines[i]!)),
  };
}
