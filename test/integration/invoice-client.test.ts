/**
 * What a business app sees, all real: `InvoiceClient`, the invoice CLI and the plain Temporal CLI
 * against the suite's dev server, an in-process worker and the SePay simulator. One business key is
 * one invoice however often it is issued; a failed key is re-run under the next reference code;
 * invalid input starts nothing; approval, cancellation, listing and the Web UI summary behave as
 * documented in the README.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { WorkflowNotFoundError } from '@temporalio/client';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { failureType, FailureType, InvalidInvoiceInputError, InvoiceClient, type InvoiceStage, type IssueInvoiceInput } from '../../client/index.js';
import { workflowIdFor } from '../../contract/reference-code.js';
import { ensureTemporalCli } from '../../scripts/temporal-cli.js';
import { fastPolling, sampleInvoice, uniqueKey, useInvoiceTestEnv } from '../support/invoice-test-env.js';
import { waitForStage } from '../support/workflow-assertions.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const exampleFile = 'examples/invoice.json';

const env = useInvoiceTestEnv();
let invoices: InvoiceClient;
beforeAll(() => {
  // The env owns the connection: closing it also closes what `invoices` uses.
  invoices = new InvoiceClient({ client: env.client, taskQueue: env.taskQueue });
});

describe('InvoiceClient.issue: one invoice per business key', () => {
  it('attaches to the running run, then returns the completed run instead of issuing again', async () => {
    const key = uniqueKey('client-once');
    // Manual approval holds the run open, so the second call surely meets it running.
    const first = await invoices.issue(key, sampleInvoice, { ...fastPolling, approval: 'manual' });
    const second = await invoices.issue(key, sampleInvoice, { ...fastPolling, approval: 'manual' });
    expect(first).toMatchObject({ workflowId: workflowIdFor(key), existing: false });
    expect(second).toMatchObject({ workflowId: workflowIdFor(key), runId: first.runId, existing: true });

    await invoices.approve(key);
    expect((await first.handle.result()).outcome).toBe('issued');

    const afterCompletion = await invoices.issue(key, sampleInvoice, fastPolling);
    expect(afterCompletion).toMatchObject({ runId: first.runId, existing: true });
    expect(await afterCompletion.handle.result()).toMatchObject({ outcome: 'issued', invoice: { referenceCode: key } });
    expect(await simulatorInvoices(key)).toEqual([expect.objectContaining({ reference_code: key, status: 'issued', create_requests: 1 })]);
  });

  it('re-runs a failed key under the next reference code', async () => {
    const key = uniqueKey('client-rerun');
    await env.sim.addFault({ endpoint: 'create', kind: 'job-fail', times: 1, message: 'Sai thông tin người mua' });
    const failed = await invoices.issue(key, sampleInvoice, fastPolling);
    expect(failureType(await rejectionOf(failed.handle.result()))).toBe(FailureType.SepayJobFailed);

    const rerun = await invoices.issue(key, sampleInvoice, fastPolling);
    expect(rerun.existing).toBe(false);
    expect(rerun.runId).not.toBe(failed.runId);
    const result = await rerun.handle.result();
    expect(result).toMatchObject({ outcome: 'issued', invoice: { referenceCode: `${key}~2` } });
    expect(await simulatorInvoices(key)).toEqual([expect.objectContaining({ status: 'failed' })]);
    expect(await simulatorInvoices(`${key}~2`)).toEqual([expect.objectContaining({ status: 'issued', create_requests: 1 })]);
  });

  it('refuses invalid input naming every bad field, and starts no workflow', async () => {
    const key = uniqueKey('client-invalid');
    const badInvoice = { ...sampleInvoice, currency: 'EUR', items: [{ ...sampleInvoice.items[0], quantity: 1.234 }] };
    const error = await rejectionOf(invoices.issue(key, badInvoice as unknown as IssueInvoiceInput['invoice'], fastPolling));

    expect(error).toBeInstanceOf(InvalidInvoiceInputError);
    const { issues } = error as InvalidInvoiceInputError;
    expect(issues.map((issue) => issue.split(':')[0])).toEqual(['invoice.currency', 'invoice.items.0.quantity']);
    expect(failureType(error)).toBe(FailureType.InvalidInvoiceInput);
    expect(await rejectionOf(invoices.handle(key).describe())).toBeInstanceOf(WorkflowNotFoundError);
    expect(await simulatorInvoices(key)).toEqual([]);
  });

  it('gives the run a Web UI summary naming the key and no buyer data', async () => {
    const key = uniqueKey('client-summary');
    const run = await invoices.issue(key, sampleInvoice, fastPolling);
    const summary = await (await run.handle.describe()).staticSummary();

    expect(summary).toContain(key);
    for (const buyerData of [sampleInvoice.buyer.name, sampleInvoice.buyer.tax_code, sampleInvoice.buyer.email]) {
      expect(buyerData).toBeTruthy();
      expect(summary).not.toContain(buyerData);
    }
    expect((await run.handle.result()).outcome).toBe('issued');
  });
});

describe('InvoiceClient: approval and cancellation', () => {
  it('reports the status while awaiting approval, and records who approved', async () => {
    const key = uniqueKey('client-approve');
    const run = await startAwaitingApproval(key);

    expect(await invoices.getStatus(key)).toMatchObject({
      invoiceKey: key,
      stage: 'awaiting-approval',
      referenceCode: key,
      approval: 'waiting',
      pointOfNoReturn: false,
    });
    await invoices.approve(key, 'bob');
    expect((await run.handle.result()).outcome).toBe('issued');
    expect(await invoices.getStatus(key)).toMatchObject({ stage: 'issued', approval: 'approved', approvedBy: 'bob', pointOfNoReturn: true });
  });

  it('accepts a cancellation while awaiting approval and deletes the draft', async () => {
    const key = uniqueKey('client-cancel');
    const run = await startAwaitingApproval(key);

    expect(await invoices.requestCancellation(key, 'customer changed the order')).toEqual({ accepted: true, stage: 'awaiting-approval' });
    expect(await run.handle.result()).toMatchObject({ outcome: 'cancelled', draftDeleted: true, referenceCode: key });
    expect(await simulatorInvoices(key)).toEqual([expect.objectContaining({ status: 'deleted' })]);
    // Once the run has ended, a further request is answered, not thrown.
    expect(await invoices.requestCancellation(key, 'again')).toEqual({ accepted: false, reason: expect.stringMatching(/too late.*ended/) });
  });

  it('rejects a cancellation once the issue request was sent, and the invoice is issued', async () => {
    const key = uniqueKey('client-cancel-late');
    // Slow SePay jobs keep the run in 'awaiting-issuance' while the cancellation is requested.
    await env.sim.setJobChecks(20);
    const run = await invoices.issue(key, sampleInvoice, { pollInitialInterval: '100ms', pollMaximumInterval: '100ms' });
    await waitForStage(run.handle, 'awaiting-issuance');

    const answer = await invoices.requestCancellation(key, 'too late?');
    expect(answer).toEqual({ accepted: false, reason: expect.stringMatching(/too late to cancel/) });
    const result = await run.handle.result();
    expect(result.outcome).toBe('issued');
    expect(result).not.toHaveProperty('lateCancellation');
    expect(await simulatorInvoices(key)).toEqual([expect.objectContaining({ status: 'issued' })]);
  });
});

describe('InvoiceClient.list', () => {
  it('finds invoices by their current stage', async () => {
    const issuedKey = uniqueKey('client-list-issued');
    const waitingKey = uniqueKey('client-list-waiting');
    const issued = await invoices.issue(issuedKey, sampleInvoice, fastPolling);
    await issued.handle.result();
    const waiting = await startAwaitingApproval(waitingKey);
    try {
      await eventuallyListed('issued', issuedKey);
      await eventuallyListed('awaiting-approval', waitingKey);
    } finally {
      await invoices.cancel(waitingKey, 'test done');
      await waiting.handle.result();
    }
  });

  it('with openOnly, leaves out a run terminated in the stage it still shows (issue #20)', async () => {
    const key = uniqueKey('client-list-terminated');
    const run = await startAwaitingApproval(key);
    await run.handle.terminate('test: ended while awaiting approval');
    const listed = async (openOnly: boolean) => {
      const found = [];
      for await (const entry of invoices.list({ stage: 'awaiting-approval', openOnly })) if (entry.invoiceKey === key) found.push(entry.status);
      return found;
    };
    // Visibility is eventually consistent: wait until it shows the termination, under the stage the run last had.
    for (let attempt = 0; attempt < 50 && !(await listed(false)).includes('TERMINATED'); attempt++) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await listed(false)).toEqual(['TERMINATED']);
    expect(await listed(true)).toEqual([]);
  });
});

describe('the invoice CLI (npm run invoice)', () => {
  it('issues and waits, shows the status, and exits 1 for an unknown key', async () => {
    const key = uniqueKey('cli');
    // The CLI polls at production intervals: let SePay's jobs finish at the first check.
    await env.sim.setJobChecks(0);

    const issued = await invoiceCli('issue', '--key', key, '--file', exampleFile, '--wait', '--json');
    expect(issued.code, issued.stderr).toBe(0);
    expect(JSON.parse(issued.stdout)).toMatchObject({
      workflowId: workflowIdFor(key),
      existing: false,
      result: { outcome: 'issued', invoice: { referenceCode: key } },
    });

    const status = await invoiceCli('status', '--key', key, '--json');
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ invoiceKey: key, stage: 'issued', result: { outcome: 'issued' } });

    const unknown = await invoiceCli('result', '--key', uniqueKey('cli-unknown'));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/not found/i);
    expect(await simulatorInvoices(key)).toEqual([expect.objectContaining({ status: 'issued', create_requests: 1 })]);
  });
});

describe('the plain Temporal CLI, as in the README', () => {
  it('starts the workflow with the README flags, and a second start issues nothing new', async () => {
    const key = uniqueKey('temporal-cli');
    const input = JSON.stringify({ invoiceKey: key, invoice: sampleInvoiceFile(), options: fastPolling });
    const start = (): Promise<Exit> =>
      temporalCli(
        'workflow', 'start',
        '--task-queue', env.taskQueue,
        '--type', 'issueInvoiceWorkflow',
        '--workflow-id', workflowIdFor(key),
        '--input', input,
        '--id-conflict-policy', 'UseExisting',
        '--id-reuse-policy', 'AllowDuplicateFailedOnly',
        '--output', 'json',
      );

    const first = await start();
    expect(first.code, first.stderr).toBe(0);
    const { runId } = JSON.parse(first.stdout) as { runId: string };
    const result = await temporalCli('workflow', 'result', '--workflow-id', workflowIdFor(key), '--output', 'json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'COMPLETED', result: { outcome: 'issued', invoice: { referenceCode: key } } });

    // The server refuses a second run after a completed one (AllowDuplicateFailedOnly); the CLI,
    // without --fail-existing, then answers with the run that already has the key.
    const again = await start();
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { runId: string }).runId).toBe(runId);
    expect((await invoices.handle(key).describe()).runId).toBe(runId);
    expect(await simulatorInvoices(key)).toEqual([expect.objectContaining({ status: 'issued', create_requests: 1 })]);
  });
});

// ---- helpers ----------------------------------------------------------------------------------

/** Issues with manual approval and waits until the draft waits for it. */
async function startAwaitingApproval(key: string) {
  const run = await invoices.issue(key, sampleInvoice, { ...fastPolling, approval: 'manual' });
  await waitForStage(run.handle, 'awaiting-approval');
  return run;
}

/** What the simulator holds under one reference code. */
async function simulatorInvoices(referenceCode: string) {
  const { invoices: all } = await env.sim.invoices();
  return all.filter((invoice) => invoice.reference_code === referenceCode);
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

/** Visibility is eventually consistent: polls `list({ stage })` for up to 10 s until the key shows. */
async function eventuallyListed(stage: InvoiceStage, invoiceKey: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    for await (const entry of invoices.list({ stage })) {
      if (entry.invoiceKey === invoiceKey) {
        expect(entry).toMatchObject({ workflowId: workflowIdFor(invoiceKey), stage });
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`list({ stage: '${stage}' }) never showed ${invoiceKey}`);
}

function sampleInvoiceFile(): unknown {
  return JSON.parse(readFileSync(new URL(`../../${exampleFile}`, import.meta.url), 'utf8'));
}

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end; a non-zero exit is an answer, not an error. */
async function runProcess(file: string, args: string[], extraEnv: Record<string, string> = {}): Promise<Exit> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, { cwd: repoRoot, env: { ...process.env, ...extraEnv }, timeout: 90_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof code !== 'number') throw error;
    return { code, stdout: stdout ?? '', stderr: stderr ?? '' };
  }
}

/** `npm run invoice -- ...`, connected to this suite's server and worker through the environment. */
function invoiceCli(...args: string[]): Promise<Exit> {
  return runProcess('npx', ['tsx', 'client/cli.ts', ...args], {
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    SEPAY_TASK_QUEUE: env.taskQueue,
  });
}

async function temporalCli(...args: string[]): Promise<Exit> {
  const cli = await ensureTemporalCli();
  return runProcess(cli, [...args, '--address', inject('temporalAddress'), '--namespace', inject('temporalNamespace')]);
}
