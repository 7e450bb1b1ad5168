/**
 * What the CLI decides from its arguments alone (issue #20): a key no invoice can have is a usage
 * error (exit code 2, naming the key rule) before anything connects, not a `WorkflowNotFoundError`;
 * `list --stage` lists the runs still open in that stage, and ended ones only with `--all`.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { type CliClient, type CliSepay } from '../../client/cli/commands.js';
import { runCli } from '../../client/cli/run.js';
import { type InvoiceListEntry } from '../../client/invoice-listing.js';

const repo = new URL('../../', import.meta.url).pathname;
const KEY_RULE = 'is not an invoice key: expected 1-64 letters, digits, ".", "_", ":" or "-", starting with a letter or digit';

/** The CLI in-process against stand-ins; `connect` records whether Temporal was reached. */
async function cli(client: Partial<CliClient>, ...args: string[]) {
  const out: string[] = [];
  const connect = vi.fn(async () => ({ ...(client as CliClient), close: async () => undefined }));
  const sepay = vi.fn((): CliSepay => {
    throw new Error('SePay reached');
  });
  const code = await runCli(args, { stdout: (text) => out.push(text), stderr: (text) => out.push(text), connect, sepay });
  return { code, output: out.join('\n'), connect, sepay };
}

describe('invoice keys on the command line', () => {
  it.each([
    ['status', []],
    ['result', []],
    ['cancel', ['--reason', 'customer asked']],
    ['cancel', ['--reason', 'customer asked', '--update']],
    ['approve', []],
    ['download', ['--type', 'pdf', '--out', '/nonexistent/x.pdf']],
  ])('%s %j refuses a key the key rules reject with exit code 2, before connecting', async (command, rest) => {
    for (const badKey of ['order 1', 'order-1~2', '.order', 'a'.repeat(65), 'đơn-1', 'x/../../etc']) {
      const { code, output, connect, sepay } = await cli({}, command, '--key', badKey, ...rest, '--json');
      expect(code, `${badKey}: ${output}`).toBe(2);
      const { error } = JSON.parse(output) as { error: { type: string; message: string } };
      expect(error.type).toBe('Usage');
      expect(error.message).toBe(`--key ${JSON.stringify(badKey)} ${KEY_RULE}`);
      expect(connect).not.toHaveBeenCalled();
      expect(sepay).not.toHaveBeenCalled();
    }
  });

  it('a real process exits 2 naming the key rule, where it used to try Temporal', async () => {
    // Nothing listens on TEMPORAL_ADDRESS: a command that connected would end with exit code 1.
    const env = { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1' };
    const run = promisify(execFile)(join(repo, 'node_modules/.bin/tsx'), ['client/cli.ts', 'status', '--key', 'order 1/../x'], { cwd: repo, env });
    const { code, stderr } = await run.then(
      ({ stderr }) => ({ code: 0, stderr }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(code).toBe(2);
    expect(stderr).toContain(`--key "order 1/../x" ${KEY_RULE}`);
  });
});

describe('list', () => {
  const entry = (invoiceKey: string, status: InvoiceListEntry['status']): InvoiceListEntry => ({
    invoiceKey, workflowId: `invoice-${invoiceKey}`, runId: `run-${invoiceKey}`, stage: 'awaiting-approval', status, startTime: new Date(0),
  });
  /** Visibility as a stand-in: a run that ended keeps the stage it last had. */
  const visibility = [entry('waiting', 'RUNNING'), entry('terminated', 'TERMINATED'), entry('timed-out', 'TIMED_OUT')];
  const list = vi.fn(async function* ({ openOnly }: { openOnly?: boolean } = {}) {
    yield* visibility.filter((listed) => !openOnly || listed.status === 'RUNNING');
  }) as unknown as CliClient['list'];
  const keysIn = (output: string) => (JSON.parse(output) as InvoiceListEntry[]).map(({ invoiceKey }) => invoiceKey);

  it('--stage lists the open runs in that stage only', async () => {
    const { code, output } = await cli({ list }, 'list', '--stage', 'awaiting-approval', '--json');
    expect(code, output).toBe(0);
    expect(keysIn(output)).toEqual(['waiting']);
    expect(list).toHaveBeenLastCalledWith(expect.objectContaining({ stage: 'awaiting-approval', openOnly: true }));
  });

  it('--stage --all lists the runs that ended in that stage too', async () => {
    const { code, output } = await cli({ list }, 'list', '--stage', 'awaiting-approval', '--all', '--json');
    expect(code, output).toBe(0);
    expect(keysIn(output)).toEqual(['waiting', 'terminated', 'timed-out']);
  });

  it('without --stage lists every run, open or ended, as before', async () => {
    const { code, output } = await cli({ list }, 'list', '--json');
    expect(code, output).toBe(0);
    expect(keysIn(output)).toHaveLength(3);
  });
});
