/**
 * SePay's issuance quota: `usage` reads what is left, and `quota-topped-up` tells every run waiting
 * in `awaiting-quota` to check again now instead of at its next backoff.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { quotaToppedUpSignal } from '../../contract/messages.js';
import { type Command } from './command.js';

const usage: Command = {
  usage: '',
  summary: 'show the quota SePay has left (invoices that can still be issued)',
  options: {},
  prepare() {
    return async ({ sepay }) => {
      const quotaRemaining = await sepay().getUsage();
      return { json: { quotaRemaining }, text: `Quota remaining: ${quotaRemaining} invoices` };
    };
  },
};

const quotaToppedUp: Command = {
  usage: '',
  summary: 'tell every invoice waiting in awaiting-quota to check the quota now (runs that just started waiting may not be listed yet)',
  options: {},
  prepare() {
    return async ({ temporal }) => {
      const client = await temporal();
      const told: { invoiceKey: string; runId: string }[] = [];
      for await (const entry of client.list({ stage: 'awaiting-quota' })) {
        // The stage of a run that ended while waiting stays awaiting-quota in visibility.
        if (entry.status !== 'RUNNING') continue;
        try {
          // Pinned to the listed run: a newer run of the key is not the one that was waiting.
          await client.handle(entry.invoiceKey, entry.runId).signal(quotaToppedUpSignal);
          told.push({ invoiceKey: entry.invoiceKey, runId: entry.runId });
        } catch (error) {
          // It ended between the listing and the signal: nothing left to tell.
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
      }
      const text = told.length === 0 ? 'No invoice is waiting for quota.' : `Told ${told.length} invoice(s) waiting for quota to check it now.`;
      return { json: { told: told.length, invoices: told }, text };
    };
  },
};

export const quotaCommands = { usage, 'quota-topped-up': quotaToppedUp } satisfies Record<string, Command>;
