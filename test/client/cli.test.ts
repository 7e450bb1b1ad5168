/**
 * The CLI: usage and input errors exit 2 before any connection (checked in a real process), and
 * each command's output and exit code (checked in-process against a stand-in InvoiceClient).
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it, vi } from 'vitest';
import { type CliClient } from '../../client/cli/commands.js';
import { runCli } from '../../client/cli/run.js';
import { type InvoiceStatus } from '../../workflows/messages.js';

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

  it('prints help with exit code 0', async () => {
    const { code, stdout } = await cliProcess('--help');
    expect(code).toBe(0);
    for (const command of ['issue', 'status', 'cancel', 'approve', 'result', 'list']) expect(stdout).toContain(`  ${command} `);
  });
});

/** Runs the CLI in-process against `client`, capturing what it prints. */
async function cli(client: Partial<CliClient>, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const close = vi.fn(async () => undefined);
  const code = await runCli(args, {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    connect: async () => ({ ...(client as CliClient), close }),
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n'), close };
}

describe('invoice CLI commands', () => {
  const status: InvoiceStatus = {
    invoiceKey: 'order-1', stage: 'awaiting-approval', mode: 'draft-then-issue', referenceCode: 'order-1',
    pointOfNoReturn: false, approval: 'waiting', createTrackingCode: 'trk-1',
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
