/**
 * The commands that start, watch, approve and cancel invoice runs: each checks its arguments in
 * `prepare`, before anything connects, so usage and input errors never need a server, then acts
 * through `InvoiceClient`.
 */
import { type InvoiceStage } from '../../workflows/messages.js';
import { parseInvoiceStage, type InvoiceListEntry } from '../invoice-listing.js';
import { validateIssueInput } from '../issue-input.js';
import { InvoiceStageSchema } from '../message-schemas.js';
import { optionalString, positiveInteger, readJsonFile, requiredInvoiceKey, requiredString, type Values } from './args.js';
import { type CliClient, type Command } from './command.js';
import { listText, resultText, runText, statusText } from './format.js';
import { UsageError } from './usage-error.js';

const key = { key: { type: 'string' } } as const;

const issue: Command = {
  usage: '--key K --file invoice.json [--mode draft-then-issue|direct] [--approval auto|manual] [--wait]',
  summary: 'issue an invoice (the file holds the SePay create body without reference_code/is_draft)',
  options: { ...key, file: { type: 'string' }, mode: { type: 'string' }, approval: { type: 'string' }, wait: { type: 'boolean' } },
  async prepare(values) {
    const invoiceKey = requiredString(values, 'key');
    const invoice = await readJsonFile(values, 'file');
    const options = { mode: optionalString(values, 'mode'), approval: optionalString(values, 'approval') };
    // Every problem (file content and options) is reported now, before connecting.
    const input = validateIssueInput({ invoiceKey, invoice, options });
    return async ({ temporal }) => {
      const client = await temporal();
      // Only the chosen options: an explicit referenceGeneration would stop the client choosing it.
      const { workflowId, runId, existing, handle } = await client.issue(input.invoiceKey, input.invoice, {
        mode: input.options.mode,
        approval: input.options.approval,
      });
      const run = { workflowId, runId, existing };
      if (values.wait !== true) return { json: run, text: runText(invoiceKey, run) };
      const result = await handle.result();
      return { json: { ...run, result }, text: `${runText(invoiceKey, run)}\n${resultText(result)}` };
    };
  },
};

/** A command that reads one thing about one invoice and prints it. */
function readCommand<T>(summary: string, read: (client: CliClient, invoiceKey: string) => Promise<T>, text: (value: T) => string): Command {
  return {
    usage: '--key K',
    summary,
    options: key,
    prepare(values) {
      const invoiceKey = requiredInvoiceKey(values);
      return async ({ temporal }) => {
        const value = await read(await temporal(), invoiceKey);
        return { json: value, text: text(value) };
      };
    },
  };
}

const status = readCommand("show an invoice's stage, codes, last error and result", (client, invoiceKey) => client.getStatus(invoiceKey), statusText);

const result = readCommand(
  'wait for the outcome (exit 1 with the failure type when the invoice failed)',
  (client, invoiceKey) => client.result(invoiceKey),
  resultText,
);

const cancel: Command = {
  usage: '--key K --reason R [--update]',
  summary: 'cancel before issuance; --update waits for accepted/rejected (exit 1 when rejected)',
  options: { ...key, reason: { type: 'string' }, update: { type: 'boolean' } },
  prepare(values) {
    const invoiceKey = requiredInvoiceKey(values);
    const reason = requiredString(values, 'reason');
    if (values.update !== true) {
      return async ({ temporal }) => {
        await (await temporal()).cancel(invoiceKey, reason);
        return { json: { signalled: true }, text: `Cancel sent to invoice ${invoiceKey}; \`status\` shows whether it was in time.` };
      };
    }
    return async ({ temporal }) => {
      const answer = await (await temporal()).requestCancellation(invoiceKey, reason);
      const text = answer.accepted ? `Cancellation accepted at stage ${answer.stage}.` : `Cancellation rejected: ${answer.reason}`;
      return { json: answer, text, exitCode: answer.accepted ? 0 : 1 };
    };
  },
};

const approve: Command = {
  usage: '--key K [--by NAME]',
  summary: 'approve an invoice started with --approval manual',
  options: { ...key, by: { type: 'string' } },
  prepare(values) {
    const invoiceKey = requiredInvoiceKey(values);
    const approvedBy = optionalString(values, 'by');
    return async ({ temporal }) => {
      await (await temporal()).approve(invoiceKey, approvedBy);
      return { json: { signalled: true }, text: `Approval sent to invoice ${invoiceKey}.` };
    };
  },
};

const list: Command = {
  usage: `[--stage ${InvoiceStageSchema.options.join('|')} [--all]] [--limit N]`,
  summary: 'list invoices (default limit 100); --stage lists the open runs in that stage, with --all also runs that ended there',
  options: { stage: { type: 'string' }, all: { type: 'boolean' }, limit: { type: 'string' } },
  prepare(values) {
    const stage = stageOption(values);
    const limit = positiveInteger(values, 'limit', 100);
    // A run that was terminated or timed out keeps the stage it last had: without this, a
    // stage would list runs that will never leave it.
    const openOnly = stage !== undefined && values.all !== true;
    return async ({ temporal }) => {
      const client = await temporal();
      const entries: InvoiceListEntry[] = [];
      for await (const entry of client.list({ stage, openOnly, pageSize: Math.min(limit, 1000) })) {
        entries.push(entry);
        if (entries.length >= limit) break;
      }
      return { json: entries, text: listText(entries) };
    };
  },
};

function stageOption(values: Values): InvoiceStage | undefined {
  const text = optionalString(values, 'stage');
  try {
    return text === undefined ? undefined : parseInvoiceStage(text);
  } catch (error) {
    throw new UsageError(`--stage: ${(error as Error).message}`);
  }
}

export const invoiceCommands = { issue, status, cancel, approve, result, list } satisfies Record<string, Command>;
