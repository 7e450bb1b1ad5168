/**
 * The CLI: usage and input errors exit 2 before any connection (checked in a real process), and
 * each command's output and exit code (checked in-process against stand-ins for InvoiceClient and
 * SepayClient).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ApplicationFailure, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { describe, expect, it, vi } from 'vitest';
import { type CliClient, type CliSepay } from '../../client/cli/commands.js';
import { runCli } from '../../client/cli/run.js';
import { type InvoiceListEntry } from '../../client/invoice-listing.js';
import { SepayConnectionError } from '../../client/sepay-connection.js';
import { SepayError } from '../../sepay/errors.js';
import { type ProviderAccountDetail } from '../../sepay/schemas.js';
import { quotaToppedUpSignal, type InvoiceStatus, type IssueInvoiceResult } from '../../contract/messages.js';
import { InvoiceReferenceCode } from '../../contract/search-attributes.js';
import { taskQueueStub } from './task-queue-stub.js';

const repo = new URL('../../', import.meta.url).pathname;
const tsx = join(repo, 'node_modules/.bin/tsx');

async function cliProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // Nothing listens here: a command that tried to connect would fail with exit code 1, not 2.
  const env = { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1' };
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, ['client/cli.ts', ...args], { cwd: repo, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe('invoice CLI process', () => {
  it('exits 2 with a message when a required option is missing', async () => {
    const { code, stderr } = await cliProcess('issue');
    expect(code).toBe(2);
    expect(stderr).toContain('--key is required');
  });

  it('exits 2 listing every field problem of an invalid invoice file', async () => {
    const file = join(tmpdir(), `invalid-invoice-${process.pid}.json`);
    await writeFile(file, JSON.stringify({ currency: 'EUR', buyer: {}, items: [] }));
    const { code, stdout } = await cliProcess('issue', '--key', 'order-1', '--file', file, '--mode', 'fast', '--json');
    expect(code).toBe(2);
    const { error } = JSON.parse(stdout) as { error: { type: string; issues: string[] } };
    expect(error.type).toBe('InvalidInvoiceInput');
    expect(error.issues.map((issue) => issue.split(':')[0])).toEqual(['invoice.currency', 'invoice.buyer', 'invoice.items', 'options.mode']);
  });

  it('prints one JSON document through npm with -s, as the README says to run it (issue #20)', { timeout: 30_000 }, async () => {
    const readme = await readFile(join(repo, 'README.md'), 'utf8');
    expect(readme).toContain('npm run -s invoice -- list --json');
    // Every npm form of the CLI in the README is the silent one: npm's banner would precede the JSON.
    expect(readme.match(/npm run invoice\b/g) ?? []).toEqual([]);
    const env = { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1' };
    const { stdout } = await promisify(execFile)('npm', ['run', '-s', 'invoice', '--', 'status', '--key', 'bad key', '--json'], { cwd: repo, env }).catch(
      (error: { stdout: string }) => error,
    );
    expect((JSON.parse(stdout) as { error: { type: string } }).error.type).toBe('Usage');
  });

  it('prints help with exit code 0', async () => {
    const { code, stdout } = await cliProcess('--help');
    expect(code).toBe(0);
    for (const command of ['issue', 'status', 'cancel', 'approve', 'result', 'list', 'accounts', 'usage', 'download', 'quota-topped-up']) {
      expect(stdout).toContain(`  ${command} `);
    }
  });
});

/** Runs the CLI in-process against `client` and `sepay`, capturing what it prints and what it connected to. */
async function cli(client: Partial<CliClient>, ...args: string[]) {
  return cliWith({ client }, ...args);
}

async function cliWith({ client = {}, sepay = {} }: { client?: Partial<CliClient>; sepay?: Partial<CliSepay> | (() => never) }, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const close = vi.fn(async () => undefined);
  // A worker polls unless the test's client says otherwise.
  const temporal = { client: taskQueueStub().client, taskQueue: 'sepay-einvoice', ...client } as CliClient;
  const connect = vi.fn(async () => ({ ...temporal, close }));
  const code = await runCli(args, {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    connect,
    sepay: typeof sepay === 'function' ? sepay : () => sepay as CliSepay,
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n'), close, connect };
}

describe('invoice CLI commands', () => {
  const status: InvoiceStatus = {
    invoiceKey: 'order-1', stage: 'awaiting-approval', mode: 'draft-then-issue', referenceCode: 'order-1',
    pointOfNoReturn: false, approval: 'waiting', createTrackingCode: 'trk-1', sent: [], earlierRunsRecalled: false,
  };

  it('status prints a summary, or the status itself with --json, and closes the connection', async () => {
    const getStatus = vi.fn(async () => status);
    const human = await cli({ getStatus }, 'status', '--key', 'order-1');
    expect(human).toMatchObject({ code: 0 });
    expect(human.stdout).toMatch(/^Invoice order-1: awaiting-approval\n/);
    expect(human.stdout).toContain('trk-1');
    expect(human.close).toHaveBeenCalled();
    const json = await cli({ getStatus }, '--json', 'status', '--key', 'order-1');
    expect(JSON.parse(json.stdout)).toEqual(status);
    expect(getStatus).toHaveBeenCalledWith('order-1');
  });

  it('cancel --update exits 1 with the reason when the cancellation is rejected', async () => {
    const requestCancellation = vi.fn(async () => ({ accepted: false as const, reason: 'too late to cancel' }));
    const { code, stdout } = await cli({ requestCancellation }, 'cancel', '--key', 'order-1', '--reason', 'customer asked', '--update');
    expect(code).toBe(1);
    expect(stdout).toBe('Cancellation rejected: too late to cancel');
    expect(requestCancellation).toHaveBeenCalledWith('order-1', 'customer asked');
  });

  it('result exits 1 naming the failure type of a failed invoice', async () => {
    const cause = ApplicationFailure.nonRetryable('SePay rejected the invoice', 'SepayValidationFailed');
    const result = vi.fn(async () => Promise.reject(new WorkflowFailedError('Workflow execution failed', cause, 'NON_RETRYABLE_FAILURE')));
    const { code, stderr } = await cli({ result }, 'result', '--key', 'order-1');
    expect(code).toBe(1);
    expect(stderr).toBe('SepayValidationFailed: SePay rejected the invoice');
  });

  it('list --stage refuses an unknown stage with exit code 2 before connecting', async () => {
    const { code, stderr, close } = await cli({}, 'list', '--stage', 'done');
    expect(code).toBe(2);
    expect(stderr).toContain('unknown invoice stage "done"');
    expect(close).not.toHaveBeenCalled();
  });
});

describe('SePay commands', () => {
  const account: ProviderAccountDetail = {
    id: 'acc-1', provider: 'matbao', active: true, tax_authority_approved_date: null,
    templates: [{ template_code: '1', invoice_series: 'C25TAT', invoice_label: '1 - C25TAT - Hóa đơn giá trị gia tăng' }],
  };
  const paging = (page: number, has_more: boolean) => ({ per_page: 1, total: 2, has_more, current_page: page, page_count: 2 });

  it('accounts reads every page of accounts and never connects to Temporal', async () => {
    const listProviderAccounts = vi.fn(async ({ page = 1 } = {}) => ({
      paging: paging(page, page === 1),
      items: [{ ...account, id: `acc-${page}`, active: page === 1 }],
    }));
    const { code, stdout, connect } = await cliWith({ sepay: { listProviderAccounts } }, 'accounts', '--json');
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { id: string; active: boolean }[]).map(({ id, active }) => [id, active])).toEqual([['acc-1', true], ['acc-2', false]]);
    expect(connect).not.toHaveBeenCalled();
    const human = await cliWith({ sepay: { listProviderAccounts } }, 'accounts');
    expect(human.stdout.split('\n')[1]).toMatch(/^acc-1\s+matbao\s+yes\s+not approved yet$/);
  });

  it('accounts --id shows the template/series pairs of that account', async () => {
    const getProviderAccount = vi.fn(async () => account);
    const { code, stdout } = await cliWith({ sepay: { getProviderAccount } }, 'accounts', '--id', 'acc-1');
    expect(code).toBe(0);
    expect(getProviderAccount).toHaveBeenCalledWith('acc-1');
    expect(stdout).toMatch(/^Provider account acc-1 \(matbao\): active/);
    expect(stdout).toMatch(/\n {2}1 {9}C25TAT {2}1 - C25TAT - Hóa đơn giá trị gia tăng$/);
  });

  it('usage prints the remaining quota as an integer', async () => {
    const { code, stdout } = await cliWith({ sepay: { getUsage: async () => 534 } }, 'usage', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ quotaRemaining: 534 });
  });

  it('names every missing SePay variable with exit code 2, never connecting to Temporal', async () => {
    const missing = () => {
      throw new SepayConnectionError(['SEPAY_CLIENT_ID: Invalid input', 'SEPAY_CLIENT_SECRET: Invalid input']);
    };
    const { code, stdout, connect } = await cliWith({ sepay: missing }, 'download', '--key', 'k', '--type', 'pdf', '--out', '/nonexistent/x.pdf', '--json');
    expect(code).toBe(2);
    const { error } = JSON.parse(stdout) as { error: { type: string; issues: string[] } };
    expect(error.type).toBe('SepayNotConfigured');
    expect(error.issues.map((issue) => issue.split(':')[0])).toEqual(['SEPAY_CLIENT_ID', 'SEPAY_CLIENT_SECRET']);
    expect(connect).not.toHaveBeenCalled();
  });

  it("reports a SePay refusal with exit code 1 and SePay's code", async () => {
    const getProviderAccount = async () => {
      throw new SepayError({ kind: 'not-found', endpoint: 'GET /v1/provider-accounts/{id}', code: 'NOT_FOUND', status: 404, message: 'not found' });
    };
    const { code, stderr } = await cliWith({ sepay: { getProviderAccount } }, 'accounts', '--id', 'nope');
    expect(code).toBe(1);
    expect(stderr).toBe('SepayError NOT_FOUND: GET /v1/provider-accounts/{id}: not found');
  });
});

describe('download', () => {
  const issued: IssueInvoiceResult = {
    outcome: 'issued',
    invoice: {
      referenceCode: 'order-1~2', invoiceNumber: '0000001', issuedDate: '2026-05-01', status: 'issued', totalBeforeTax: 1, taxAmount: 0,
      totalAmount: 1, pdfUrl: null, xmlUrl: null, taxAuthorityCode: null, providerAccountId: 'acc-1',
    },
  };
  /** A handle whose latest run is `status`, carrying `referenceCode` as its search attribute. */
  function runOf(status: 'COMPLETED' | 'RUNNING', referenceCode: string | undefined, result: IssueInvoiceResult = issued) {
    const describe = async () => ({ status: { name: status }, typedSearchAttributes: { get: (key: unknown) => (key === InvoiceReferenceCode ? referenceCode : undefined) } });
    return { handle: vi.fn(() => ({ describe, result: async () => result })) as unknown as CliClient['handle'] };
  }
  const pdf = Buffer.from('%PDF-1.4 sample');
  const downloadInvoice = vi.fn(async () => ({ file_type: 'pdf' as const, file_name: 'HD_0000001_20260501.pdf', content: pdf.toString('base64'), bytes: pdf }));

  it("writes the decoded file of a completed run's reference code", async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'cli-download-')), 'invoice.pdf');
    const { code, stdout } = await cliWith({ client: runOf('COMPLETED', 'stale-code'), sepay: { downloadInvoice } }, 'download', '--key', 'order-1', '--type', 'pdf', '--out', out, '--json');
    expect(code).toBe(0);
    expect(downloadInvoice).toHaveBeenLastCalledWith('order-1~2', 'pdf');
    expect(await readFile(out)).toEqual(pdf);
    expect(JSON.parse(stdout)).toMatchObject({ referenceCode: 'order-1~2', fileName: 'HD_0000001_20260501.pdf', path: out, bytes: pdf.length });
  });

  it("uses the search attribute of a running run, and SePay's status of its invoice", async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'cli-download-')), 'invoice.pdf');
    const getInvoice = vi.fn(async () => ({ status: 'issued' }) as Awaited<ReturnType<CliSepay['getInvoice']>>);
    const { code } = await cliWith({ client: runOf('RUNNING', 'order-1'), sepay: { getInvoice, downloadInvoice } }, 'download', '--key', 'order-1', '--type', 'pdf', '--out', out);
    expect(code).toBe(0);
    expect(getInvoice).toHaveBeenCalledWith('order-1');
    expect(downloadInvoice).toHaveBeenLastCalledWith('order-1', 'pdf');
  });

  it('exits 1 for a cancelled invoice, which has no file', async () => {
    const cancelled: IssueInvoiceResult = { outcome: 'cancelled', referenceCode: 'order-1', reason: 'customer asked', draftDeleted: true };
    const out = join(await mkdtemp(join(tmpdir(), 'cli-download-')), 'invoice.pdf');
    const { code, stderr } = await cliWith({ client: runOf('COMPLETED', 'order-1', cancelled), sepay: { downloadInvoice } }, 'download', '--key', 'order-1', '--type', 'xml', '--out', out);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^NothingToDownload: invoice order-1 was cancelled/);
  });

  it('refuses an existing file unless --force, before connecting', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'cli-download-')), 'invoice.pdf');
    await writeFile(out, 'keep me');
    const refused = await cliWith({ client: runOf('COMPLETED', 'order-1'), sepay: { downloadInvoice } }, 'download', '--key', 'order-1', '--type', 'pdf', '--out', out);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`--out ${out} already exists (--force replaces it)`);
    expect(refused.connect).not.toHaveBeenCalled();
    expect(await readFile(out, 'utf8')).toBe('keep me');

    const forced = await cliWith({ client: runOf('COMPLETED', 'order-1'), sepay: { downloadInvoice } }, 'download', '--key', 'order-1', '--type', 'pdf', '--out', out, '--force');
    expect(forced.code).toBe(0);
    expect(await readFile(out)).toEqual(pdf);
  });

  it('refuses a type other than pdf or xml naming --type', async () => {
    const { code, stderr, connect } = await cliWith({}, 'download', '--key', 'order-1', '--type', 'html', '--out', 'x.html');
    expect(code).toBe(2);
    expect(stderr).toContain('--type must be one of pdf, xml, got "html"');
    expect(connect).not.toHaveBeenCalled();
  });
});

describe('quota-topped-up', () => {
  const entry = (invoiceKey: string, status: InvoiceListEntry['status']): InvoiceListEntry => ({
    invoiceKey, workflowId: `invoice-${invoiceKey}`, runId: `run-${invoiceKey}`, stage: 'awaiting-quota', status, startTime: new Date(0),
  });

  it('signals each running run listed in awaiting-quota, pinned to its run, and counts those told', async () => {
    const list = vi.fn(async function* () {
      yield* [entry('a', 'RUNNING'), entry('ended', 'TERMINATED'), entry('gone', 'RUNNING'), entry('b', 'RUNNING')];
    });
    const signalled: [string, string | undefined, unknown][] = [];
    const handle = vi.fn((invoiceKey: string, runId?: string) => ({
      signal: async (signal: unknown) => {
        if (invoiceKey === 'gone') throw new WorkflowNotFoundError('not found', `invoice-${invoiceKey}`, runId);
        signalled.push([invoiceKey, runId, signal]);
      },
    })) as unknown as CliClient['handle'];
    const { code, stdout } = await cli({ list, handle }, 'quota-topped-up', '--json');
    expect(code).toBe(0);
    expect(list).toHaveBeenCalledWith({ stage: 'awaiting-quota' });
    expect(signalled).toEqual([['a', 'run-a', quotaToppedUpSignal], ['b', 'run-b', quotaToppedUpSignal]]);
    expect(JSON.parse(stdout)).toEqual({ told: 2, invoices: [{ invoiceKey: 'a', runId: 'run-a' }, { invoiceKey: 'b', runId: 'run-b' }] });
  });

  it('says so when nothing waits', async () => {
    const list = async function* () {};
    const { code, stdout } = await cli({ list: list as CliClient['list'] }, 'quota-topped-up');
    expect(code).toBe(0);
    expect(stdout).toBe('No invoice is waiting for quota.');
  });
});
