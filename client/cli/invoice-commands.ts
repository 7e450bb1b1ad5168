/**
 * The commands that start, watch, approve and cancel invoice runs: each checks its arguments in
 * `prepare`, before anything connects, so usage and input errors never need a server, then acts
 * through `InvoiceClient`.
 */
import { type InvoiceStage } from '../../contract/messages.js';
import { parseInvoiceStage, type InvoiceListEntry } from '../invoice-listing.js';
import { validateIssueInput } from '../issue-input.js';
import { InvoiceStageSchema } from '../../contract/message-schemas.js';
import { optionalString, positiveInteger, readJsonFile, requiredInvoiceKey, requiredString, type Values } from './args.js';
import { type CliClient, type Command } from './command.js';
import { listText, resultText, runText, statusText } from './format.js';
import { UsageError } from './usage-error.js';
import { DEFAULT_ANSWER_WAIT_MS, DEFAULT_OUTCOME_WAIT_MS, boundText, waitBound, waitOnWorker, waitTimeoutOption } from './waiting.js';

const key = { key: { type: 'string' } } as const;

const issue: Command = {
  usage: '--key K --file invoice.json [--mode draft-then-issue|direct] [--approval auto|manual] [--wait [--wait-timeout 10m]]',
  summary: `issue an invoice (the file holds the SePay create body without reference_code/is_draft); --wait waits for the outcome (at most ${boundText({ ms: DEFAULT_OUTCOME_WAIT_MS })} unless --wait-timeout)`,
  options: { ...key, file: { type: 'string' }, mode: { type: 'string' }, approval: { type: 'string' }, wait: { type: 'boolean' }, ...waitTimeoutOption },
  async prepare(values) {
    const bound = waitBound(values, DEFAULT_OUTCOME_WAIT_MS);
    const invoiceKey = requiredString(values, 'key');
    const invoice = await readJsonFile(values, 'file');
    const options = { mode: optionalString(values, 'mode'), approval: optionalString(values, 'approval') };
    // Every problem (file content and options) is reported now, before connecting.
    const input = validateIssueInput({ invoiceKey, invoice, options });
    return async ({ temporal, notice }) => {
      const client = await temporal();
      // Only the chosen options: an explicit referenceGeneration would stop the client choosing it.
      const { workflowId, runId, existing, handle } = await client.issue(input.invoiceKey, input.invoice, {
        mode: input.options.mode,
        approval: input.options.approval,
      });
      const run = { workflowId, runId, existing };
      if (values.wait !== true) return { json: run, text: runText(invoiceKey, run) };
      const result = await waitOnWorker(client, notice, {
        what: `the outcome of invoice ${invoiceKey}`,
        bound,
        needsPoller: false,
        afterTimeout: 'the run goes on; `result` or `status` follows it',
        operation: () => handle.result(),
      });
      return { json: { ...run, result }, text: `${runText(invoiceKey, run)}\n${resultText(result)}` };
    };
  },
};

interface Reading<T> {
  summary: string;
  /** What the command waits for, as its messages say it. */
  what: (invoiceKey: string) => string;
  defaultWaitMs: number;
  /** A query must find a worker first; an outcome is awaited even while none polls. */
  needsPoller: boolean;
  read: (client: CliClient, invoiceKey: string) => Promise<T>;
  text: (value: T) => string;
}

/** A command that reads one thing about one invoice from a worker or a run's end, and prints it. */
function readCommand<T>({ summary, what, defaultWaitMs, needsPoller, read, text }: Reading<T>): Command {
  return {
    usage: '--key K [--wait-timeout DURATION]',
    summary: `${summary} (gives up after ${boundText({ ms: defaultWaitMs })} unless --wait-timeout)`,
    options: { ...key, ...waitTimeoutOption },
    prepare(values) {
      const invoiceKey = requiredInvoiceKey(values);
      const bound = waitBound(values, defaultWaitMs);
      return async ({ temporal, notice }) => {
        const client = await temporal();
        const value = await waitOnWorker(client, notice, {
          what: what(invoiceKey),
          bound,
          needsPoller,
          afterTimeout: needsPoller ? 'the query was withdrawn' : 'the run goes on; run `result` again to follow it',
          operation: () => read(client, invoiceKey),
        });
        return { json: value, text: text(value) };
      };
    },
  };
}

const status = readCommand({
  summary: "show an invoice's stage, codes, last error and result",
  what: (invoiceKey) => `the answer to query getInvoiceStatus of invoice ${invoiceKey}`,
  defaultWaitMs: DEFAULT_ANSWER_WAIT_MS,
  needsPoller: true,
  read: (client, invoiceKey) => client.getStatus(invoiceKey),
  text: statusText,
});

const result = readCommand({
  summary: 'wait for the outcome (exit 1 with the failure type when the invoice failed)',
  what: (invoiceKey) => `the outcome of invoice ${invoiceKey}`,
  defaultWaitMs: DEFAULT_OUTCOME_WAIT_MS,
  needsPoller: false,
  read: (client, invoiceKey) => client.result(invoiceKey),
  text: resultText,
});

const cancel: Command = {
  usage: '--key K --reason R [--update [--wait-timeout 60s]]',
  summary: `cancel before issuance; --update waits for accepted/rejected (exit 1 when rejected; gives up after ${boundText({ ms: DEFAULT_ANSWER_WAIT_MS })} unless --wait-timeout)`,
  options: { ...key, reason: { type: 'string' }, update: { type: 'boolean' }, ...waitTimeoutOption },
  prepare(values) {
    const invoiceKey = requiredInvoiceKey(values);
    const reason = requiredString(values, 'reason');
    const bound = waitBound(values, DEFAULT_ANSWER_WAIT_MS);
    if (values.update !== true) {
      return async ({ temporal }) => {
        await (await temporal()).cancel(invoiceKey, reason);
        return { json: { signalled: true }, text: `Cancel sent to invoice ${invoiceKey}; \`status\` shows whether it was in time.` };
      };
    }
    return async ({ temporal, notice }) => {
      const client = await temporal();
      const answer = await waitOnWorker(client, notice, {
        what: `the answer to update requestCancellation of invoice ${invoiceKey}`,
        bound,
        // Sent only once a worker polls: the server would hold it and apply it whenever one returned.
        needsPoller: true,
        afterTimeout: 'the request stays with Temporal and may still be applied if a worker takes it up: `status` shows whether it was',
        operation: () => client.requestCancellation(invoiceKey, reason),
      });
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
