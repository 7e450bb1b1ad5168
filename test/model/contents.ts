/**
 * The invoice contents a model sequence sends for a key: A is the example invoice; B corrects a
 * unit price and C a buyer field, the kinds of change an operator re-runs a key for.
 */
import { sampleInvoice } from '../support/invoice-test-env.js';
import type { InvoiceContent } from '../../contract/input.js';

export const CONTENT_NAMES = ['A', 'B', 'C'] as const;
export type ContentName = (typeof CONTENT_NAMES)[number];

function withFirstLinePrice(invoice: InvoiceContent, unitPrice: number): InvoiceContent {
  const [first, ...rest] = invoice.items;
  return { ...invoice, items: [{ ...first!, unit_price: unitPrice }, ...rest] };
}

export const CONTENTS: Readonly<Record<ContentName, InvoiceContent>> = {
  A: sampleInvoice,
  B: withFirstLinePrice(sampleInvoice, 120_000),
  C: { ...sampleInvoice, buyer: { ...sampleInvoice.buyer, email: 'accounting@example.com' } },
};
