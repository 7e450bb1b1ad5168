/**
 * The SePay `reference_code` of an invoice, derived only from the business key, so every attempt,
 * retry and re-run for one key names the same invoice and SePay's uniqueness check (409) catches
 * any second create. A generation above 1 is used only after an earlier run spent the code.
 */
export function referenceCodeFor(invoiceKey: string, generation: number): string {
  return generation === 1 ? invoiceKey : `${invoiceKey}~${generation}`;
}

export function workflowIdFor(invoiceKey: string): string {
  return `invoice-${invoiceKey}`;
}
