/**
 * The inverse of `referenceCodeFor`: which business key a SePay reference code belongs to, so
 * reconciliation can find the runs of an invoice SePay lists. Keys never contain `~`
 * (`InvoiceKeySchema`), so `<key>~N` parses one way only.
 */
import { InvoiceKeySchema } from './input.js';

export interface ParsedReferenceCode {
  invoiceKey: string;
  generation: number;
}

/** Undefined for a code no run of ours can have used (a manual invoice's, another system's). */
export function parseReferenceCode(referenceCode: string): ParsedReferenceCode | undefined {
  const match = /^(.*?)(?:~([2-9]|[1-9]\d+))?$/.exec(referenceCode);
  const invoiceKey = match?.[1] ?? '';
  if (!InvoiceKeySchema.safeParse(invoiceKey).success) return undefined;
  return { invoiceKey, generation: match?.[2] === undefined ? 1 : Number(match[2]) };
}
