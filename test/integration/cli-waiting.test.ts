/**
 * The CLI's bounded waits against the suite's real Temporal server (issue #20): DescribeTaskQueue
 * as the server answers it, for a task queue no worker polls (the command says so, sends nothing
 * and fails typed at its bound) and for one a worker polls (the answer comes at once). The
 * stand-in cases (a listed worker that never answers, the server's FAILED_PRECONDITION) are in
 * test/client/cli-waiting.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../client/cli/run.js';
import { InvoiceClient } from '../../client/invoice-client.js';
import { type issueInvoiceWorkflow } from '../../workflows/index.js';
import { workflowIdFor } from '../../contract/reference-code.js';
import { fastPolling, sampleInvoice, startInvoiceTestEnv, uniqueKey, useInvoiceTestEnv } from '../support/invoice-test-env.js';
import { waitForStage } from '../support/workflow-assertions.js';

const env = useInvoiceTestEnv();

/** The CLI in-process, connected to `taskQueue` through the suite's client (left open). */
async function cli(taskQueue: string, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const invoices = new InvoiceClient({ client: env.client, taskQueue });
  const code = await runCli([...args, '--json'], {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    connect: async () => Object.assign(invoices, { close: async () => undefined }),
    sepay: () => {
      throw new Error('no SePay call expected');
    },
  });
  return { code, json: JSON.parse(out.join('\n')) as { error?: { type: string; message: string } }, stderr: err.join('\n') };
}

describe('CLI waits on a real server', () => {
  it('with no worker on the task queue: status and cancel --update say so, send nothing and fail NoWorkerPolling; result fails WaitTimedOut', async () => {
    const deadQueue = `nobody-polls-${randomUUID()}`;
    const invoiceKey = uniqueKey('no-worker');
    await env.client.workflow.start<typeof issueInvoiceWorkflow>('issueInvoiceWorkflow', {
      taskQueue: deadQueue,
      workflowId: workflowIdFor(invoiceKey),
      args: [{ invoiceKey, invoice: sampleInvoice, options: fastPolling }],
    });

    const status = await cli(deadQueue, 'status', '--key', invoiceKey, '--wait-timeout', '2s');
    expect(status.code).toBe(1);
    expect(status.stderr).toContain(`no worker is polling task queue ${deadQueue} (gives up after 2 s, --wait-timeout)`);
    expect(status.json.error).toMatchObject({ type: 'NoWorkerPolling', message: expect.stringContaining('nothing was sent') });

    const cancel = await cli(deadQueue, 'cancel', '--key', invoiceKey, '--reason', 'r', '--update', '--wait-timeout', '2s');
    expect(cancel.json.error).toMatchObject({ type: 'NoWorkerPolling' });

    const result = await cli(deadQueue, 'result', '--key', invoiceKey, '--wait-timeout', '2s');
    expect(result.json.error).toMatchObject({ type: 'WaitTimedOut', message: expect.stringContaining(`no worker is polling task queue ${deadQueue}`) });

    // Nothing reached the run: no update was admitted, no signal recorded.
    const history = await env.client.workflow.getHandle(workflowIdFor(invoiceKey)).fetchHistory();
    expect((history.events ?? []).filter((event) => event.workflowExecutionUpdateAdmittedEventAttributes || event.workflowExecutionUpdateAcceptedEventAttributes)).toEqual([]);
    await env.client.workflow.getHandle(workflowIdFor(invoiceKey)).terminate('test over');
  });

  it('with a worker polling: status answers at once, saying nothing about waiting', async () => {
    const invoiceKey = uniqueKey('worker-polls');
    const handle = await env.start(invoiceKey, { approval: 'manual' });
    await waitForStage(handle, 'awaiting-approval');
    const status = await cli(env.taskQueue, 'status', '--key', invoiceKey);
    expect(status.code).toBe(0);
    expect(status.json).toMatchObject({ invoiceKey, stage: 'awaiting-approval' });
    expect(status.stderr).toBe('');
    await handle.terminate('test over');
  });

  it('with the worker stopped (still listed as a poller for a while): status fails typed at its bound, naming the task queue and when it last polled', async () => {
    const stopped = await startInvoiceTestEnv();
    const invoiceKey = uniqueKey('worker-stopped');
    const handle = await stopped.start(invoiceKey, { approval: 'manual' });
    await waitForStage(handle, 'awaiting-approval');
    await stopped.close();

    const started = Date.now();
    const status = await cli(stopped.taskQueue, 'status', '--key', invoiceKey, '--wait-timeout', '8s');
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(status.code).toBe(1);
    expect(['WaitTimedOut', 'NoWorkerPolling']).toContain(status.json.error?.type);
    expect(status.json.error?.message).toMatch(new RegExp(`task queue ${stopped.taskQueue}`));
    await env.client.workflow.getHandle(workflowIdFor(invoiceKey)).terminate('test over');
  });
});
