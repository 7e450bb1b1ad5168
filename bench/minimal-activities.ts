/**
 * The second baseline's activities: the SePay calls a hand-rolled integration makes and nothing
 * else — one call each (create the draft, check its job, issue, check that job, read the detail).
 * No account or quota look-up, no reference-code checks, no heartbeats; a job still Pending throws
 * so Temporal's retry policy polls. Ours against it is what our guarantees cost.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { SepayClient } from '../sepay/client.js';
import type { CreateInvoiceRequest } from '../sepay/schemas.js';

export function createMinimalActivities(sepay: SepayClient) {
  const settled = async (check: Promise<{ status: string; message: string }>) => {
    const { status, message } = await check;
    if (status === 'Pending') throw ApplicationFailure.create({ type: 'StillPending', message, category: 'BENIGN' });
    if (status !== 'Success') throw ApplicationFailure.nonRetryable(`SePay job ${status}: ${message}`, 'SepayJobFailed');
  };
  return {
    async createDraft(invoice: CreateInvoiceRequest): Promise<string> {
      return (await sepay.createInvoice(invoice)).tracking_code;
    },
    async checkCreate(trackingCode: string): Promise<void> {
      await settled(sepay.checkCreate(trackingCode));
    },
    async issue(referenceCode: string): Promise<string> {
      return (await sepay.issueInvoice(referenceCode)).tracking_code;
    },
    async checkIssue(trackingCode: string): Promise<void> {
      await settled(sepay.checkIssue(trackingCode));
    },
    async detail(referenceCode: string): Promise<{ invoiceNumber: string }> {
      return { invoiceNumber: (await sepay.getInvoice(referenceCode)).invoice_number };
    },
  };
}

export type MinimalActivities = ReturnType<typeof createMinimalActivities>;
