/**
 * `download` writes where others cannot read and never through a planted link (issue #20): the
 * file is 0600, written to a temporary file beside FILE and renamed over it, so a symlink at FILE
 * is replaced and its target left alone; and a draft's PDF, which is not an invoice, is refused
 * unless asked for. SePay is the simulator in-process; Temporal a stand-in that names the run's
 * reference code.
 */
import { lstat, mkdtemp, readdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CliClient } from '../../client/cli/command.js';
import { runCli } from '../../client/cli/run.js';
import { sepayClientFromEnv } from '../../client/sepay-connection.js';
import { SimulatorControl } from '../../simulator/control-client.js';
import { startSimulator, type RunningSimulator } from '../../simulator/server.js';
import { simulatorWorkerEnv } from '../../simulator/worker-env.js';
import { InvoiceReferenceCode } from '../../contract/search-attributes.js';

let simulator: RunningSimulator;
let control: SimulatorControl;
let prefixes = 0;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, host: '127.0.0.1' });
  control = new SimulatorControl(simulator.baseUrl);
});

afterAll(async () => {
  await simulator?.close();
});

/** One invoice at the simulator in `status`; its reference code. */
async function invoiceAtSepay(status: 'draft' | 'issued'): Promise<string> {
  const { first } = await control.addBulkInvoices({ count: 1, status, referencePrefix: `cli-download-${process.pid}-${++prefixes}-` });
  return first;
}

/** A key whose run is still open and carries `referenceCode` as its search attribute. */
function runningRunOf(referenceCode: string): Partial<CliClient> {
  const describe = async () => ({ status: { name: 'RUNNING' }, typedSearchAttributes: { get: (key: unknown) => (key === InvoiceReferenceCode ? referenceCode : undefined) } });
  return { handle: vi.fn(() => ({ describe })) as unknown as CliClient['handle'] };
}

async function download(client: Partial<CliClient>, ...args: string[]) {
  const out: string[] = [];
  const code = await runCli(['download', '--key', 'order-1', ...args], {
    stdout: (text) => out.push(text),
    stderr: (text) => out.push(text),
    connect: async () => ({ ...(client as CliClient), close: async () => undefined }),
    sepay: () => sepayClientFromEnv(simulatorWorkerEnv(simulator.baseUrl)),
  });
  return { code, output: out.join('\n') };
}

const newDir = () => mkdtemp(join(tmpdir(), 'cli-download-'));

describe('download writes the file safely', () => {
  it('writes mode 0600 whatever the umask, and leaves no temporary file', async () => {
    const dir = await newDir();
    const out = join(dir, 'invoice.pdf');
    const { code, output } = await download(runningRunOf(await invoiceAtSepay('issued')), '--type', 'pdf', '--out', out);
    expect(code, output).toBe(0);
    expect((await readFile(out)).subarray(0, 5).toString()).toBe('%PDF-');
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['invoice.pdf']);
  });

  it('with --force, replaces a symlink at FILE by the file and leaves its target untouched', async () => {
    const dir = await newDir();
    const target = join(dir, 'victim.txt');
    await writeFile(target, 'keep me', { mode: 0o644 });
    const out = join(dir, 'invoice.pdf');
    await symlink(target, out);

    const { code, output } = await download(runningRunOf(await invoiceAtSepay('issued')), '--type', 'pdf', '--out', out, '--force');

    expect(code, output).toBe(0);
    expect(await readFile(target, 'utf8')).toBe('keep me');
    expect((await stat(target)).mode & 0o777).toBe(0o644);
    const written = await lstat(out);
    expect(written.isSymbolicLink()).toBe(false);
    expect(written.mode & 0o777).toBe(0o600);
    expect((await readFile(out)).subarray(0, 5).toString()).toBe('%PDF-');
    expect((await readdir(dir)).sort()).toEqual(['invoice.pdf', 'victim.txt']);
  });

  it('without --force, refuses a symlink at FILE, even one whose target does not exist, and creates nothing', async () => {
    const dir = await newDir();
    const target = join(dir, 'not-yet.txt');
    const out = join(dir, 'invoice.pdf');
    await symlink(target, out);

    const { code, output } = await download(runningRunOf(await invoiceAtSepay('issued')), '--type', 'pdf', '--out', out);

    expect(code, output).toBe(2);
    expect(output).toContain(`--out ${out} already exists (--force replaces it)`);
    expect(await readlink(out)).toBe(target);
    expect((await readdir(dir)).sort()).toEqual(['invoice.pdf']);
  });

  it("refuses a draft's file with exit code 2 naming its status, and writes it with --draft", async () => {
    const dir = await newDir();
    const out = join(dir, 'draft.pdf');
    const referenceCode = await invoiceAtSepay('draft');

    const refused = await download(runningRunOf(referenceCode), '--type', 'pdf', '--out', out, '--json');
    expect(refused.code, refused.output).toBe(2);
    const { error } = JSON.parse(refused.output) as { error: { type: string; message: string } };
    expect(error.type).toBe('InvoiceNotIssued');
    expect(error.message).toContain('draft');
    expect(error.message).toContain('--draft');
    expect(await readdir(dir)).toEqual([]);

    const asked = await download(runningRunOf(referenceCode), '--type', 'pdf', '--out', out, '--draft');
    expect(asked.code, asked.output).toBe(0);
    expect((await readFile(out)).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
