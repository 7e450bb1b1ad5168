/**
 * The second baseline: the invoice as a hand-rolled integration runs it on Temporal — create a
 * draft, check, issue, check, detail, one activity each, with the same input as
 * `issueInvoiceWorkflow` (so start payloads and histories compare), and the account, template and
 * series the bench's simulator seeds filled in where the invoice leaves them out, as such an
 * integration would have them configured. No validation, look-ups, search attributes or memo.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { BaselineInput } from './baseline-workflow.js';
import type { MinimalActivities } from './minimal-activities.js';
import { formatVietnamDateTime } from '../workflows/vietnam-time.js';
import { SEEDED_ACCOUNT_ID, VAT_TEMPLATE } from '../simulator/defaults.js';

const sepay = proxyActivities<MinimalActivities>({ startToCloseTimeout: '30 seconds', retry: { initialInterval: '300ms', maximumInterval: '1s' } });

export async function minimalSepayWorkflow({ invoiceInput }: Pick<BaselineInput, 'invoiceInput'>): Promise<{ invoiceNumber: string }> {
  const { invoiceKey, invoice } = invoiceInput;
  const createTracking = await sepay.createDraft({
    ...invoice,
    provider_account_id: invoice.provider_account_id ?? SEEDED_ACCOUNT_ID,
    template_code: invoice.template_code ?? VAT_TEMPLATE.template_code,
    invoice_series: invoice.invoice_series ?? VAT_TEMPLATE.invoice_series,
    currency: invoice.currency ?? 'VND',
    issued_date: invoice.issued_date ?? formatVietnamDateTime(new Date()),
    reference_code: invoiceKey,
    is_draft: true,
  });
  await sepay.checkCreate(createTracking);
  const issueTracking = await sepay.issue(invoiceKey);
  await sepay.checkIssue(issueTracking);
  return sepay.detail(invoiceKey);
}
