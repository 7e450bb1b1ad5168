/**
 * The CLI's SePay commands as an operator runs them (`npx sepay-invoice`, a separate process
 * configured by the environment) against the suite's Temporal server, a real worker and the
 * simulator: `download` writes the issued invoice's files, and `quota-topped-up` wakes a run
 * waiting in `awaiting-quota` long before its next scheduled check.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { InvoiceClient } from '../../client/invoice-client.js';
import { simulatorWorkerEnv } from '../../simulator/worker-env.js';
import { uniqueKey, useInvoiceTestEnv } from '../support/invoice-test-env.js';
import { waitForStage } from '../support/workflow-assertions.js';

const repo = new URL('../../', import.meta.url).pathname;
const env = useInvoiceTestEnv();

/** `npx sepay-invoice … --json`, its stdout parsed as the one JSON document it must be. */
async function sepayInvoice(...args: string[]): Promise<{ code: number; json: unknown }> {
  const processEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    SEPAY_TASK_QUEUE: env.taskQueue,
    ...simulatorWorkerEnv(env.simulator.baseUrl),
  };
  try {
    const { stdout } = await promisify(execFile)('npx', ['sepay-invoice', ...args, '--json'], { cwd: repo, env: processEnv });
    return { code: 0, json: JSON.parse(stdout) as unknown };
  } catch (error) {
    const { code, stdout } = error as { code: number; stdout: string };
    return { code, json: JSON.parse(stdout) as unknown };
  }
}

describe('download', () => {
  it("writes the issued invoice's PDF and XML, decoded", async () => {
    const key = uniqueKey('cli-download');
    const handle = await env.start(key);
    expect((await handle.result()).outcome).toBe('issued');
    const dir = await mkdtemp(join(tmpdir(), 'cli-download-'));

    const pdf = await sepayInvoice('download', '--key', key, '--type', 'pdf', '--out', join(dir, 'invoice.pdf'));
    const xml = await sepayInvoice('download', '--key', key, '--type', 'xml', '--out', join(dir, 'invoice.xml'));

    expect(pdf).toMatchObject({ code: 0, json: { referenceCode: key, type: 'pdf' } });
    expect(xml).toMatchObject({ code: 0, json: { referenceCode: key, type: 'xml' } });
    expect((await readFile(join(dir, 'invoice.pdf'))).subarray(0, 5).toString()).toBe('%PDF-');
    expect(await readFile(join(dir, 'invoice.xml'), 'utf8')).toMatch(/^<\?xml /);
  });

  it('exits 1 naming the key when it has no run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-download-'));
    const { code, json } = await sepayInvoice('download', '--key', uniqueKey('cli-never-issued'), '--type', 'pdf', '--out', join(dir, 'x.pdf'));
    expect(code).toBe(1);
    expect(json).toMatchObject({ error: { type: 'WorkflowNotFoundError' } });
  });
});

describe('quota-topped-up', () => {
  it('wakes a run waiting for quota, which then issues', async () => {
    await env.sim.setQuota(0);
    const key = uniqueKey('cli-quota');
    // Its next check for quota would be minutes away: only the signal can make it issue in time.
    const handle = await env.start(key, { pollMaximumInterval: '1 hour' });
    await waitForStage(handle, 'awaiting-quota');
    await env.sim.setQuota(5);
    await listedAsWaiting(key);

    const { code, json } = await sepayInvoice('quota-topped-up');

    expect(code).toBe(0);
    expect((json as { invoices: { invoiceKey: string }[] }).invoices).toContainEqual({ invoiceKey: key, runId: handle.firstExecutionRunId });
    expect(await handle.result()).toMatchObject({ outcome: 'issued' });
  });
});

/** Visibility follows the search attribute with a short delay; the CLI lists through it. */
async function listedAsWaiting(invoiceKey: string): Promise<void> {
  const invoices = new InvoiceClient({ client: env.client, taskQueue: env.taskQueue });
  for (let attempt = 0; attempt < 100; attempt++) {
    for await (const entry of invoices.list({ stage: 'awaiting-quota' })) if (entry.invoiceKey === invoiceKey) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${invoiceKey} never listed in awaiting-quota`);
}
