/**
 * Commands that wait on a worker say what they wait for and give up after a bound they state,
 * with a typed error (issue #20: with the worker stopped, `status` answered after 30 s with an
 * untyped `9 FAILED_PRECONDITION`, and `cancel --update`, `issue --wait` and `reconcile` hung
 * silently). In-process against stand-ins whose calls never answer, and one real process for the
 * connection error that names the address it tried.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ServiceError } from '@temporalio/client';
import { describe, expect, it, vi } from 'vitest';
import { type CliClient } from '../../client/cli/command.js';
import { runCli } from '../../client/cli/run.js';
import { sampleInvoice } from './sample-invoice.js';
import { taskQueueStub, type StubPoller } from './task-queue-stub.js';

// A call that never answers, typed as whatever the stand-in must return.
const never = (): Promise<never> => new Promise<never>(() => undefined);

async function cli(client: Partial<CliClient>, pollers: () => StubPoller[], ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const { client: temporalClient, describeTaskQueue } = taskQueueStub(pollers, (client.client ?? {}) as Record<string, unknown>);
  const temporal = { ...client, client: temporalClient, taskQueue: 'invoices-q' } as unknown as CliClient;
  const connect = vi.fn(async () => ({ ...temporal, close: async () => undefined }));
  const sepay = () => {
    throw new Error('no SePay call expected');
  };
  const started = Date.now();
  const code = await runCli(args, { stdout: (text) => out.push(text), stderr: (text) => err.push(text), connect, sepay });
  return { code, stdout: out.join('\n'), stderr: err.join('\n'), elapsedMs: Date.now() - started, describeTaskQueue };
}

const noWorker = () => [];
const aWorker = () => [{ agoMs: 2000 }];

function jsonError(stdout: string) {
  return (JSON.parse(stdout) as { error: { type: string; message: string } }).error;
}

describe('status', () => {
  it('with no worker polling: says so on stderr, sends no query, and fails NoWorkerPolling after the bound', async () => {
    const getStatus = vi.fn(never);
    const { code, stdout, stderr, elapsedMs } = await cli({ getStatus }, noWorker, 'status', '--key', 'order-1', '--wait-timeout', '2s', '--json');
    expect(code).toBe(1);
    expect(stderr).toContain('no worker is polling task queue invoices-q');
    expect(stderr).toContain('gives up after 2 s, --wait-timeout');
    expect(jsonError(stdout)).toMatchObject({ type: 'NoWorkerPolling', message: expect.stringContaining('no worker is polling task queue invoices-q') });
    expect(getStatus).not.toHaveBeenCalled();
    expect(elapsedMs).toBeGreaterThanOrEqual(1000);
    expect(elapsedMs).toBeLessThan(5000);
  });

  it("maps the server's FAILED_PRECONDITION to NoWorkerPolling naming the task queue", async () => {
    const grpc = Object.assign(new Error('9 FAILED_PRECONDITION: No poller seen for task queue recently'), { code: 9, details: '', metadata: {} });
    const getStatus = vi.fn(async () => Promise.reject(new ServiceError('Failed to query workflow', { cause: grpc })));
    const { code, stderr } = await cli({ getStatus }, aWorker, 'status', '--key', 'order-1');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^NoWorkerPolling: Temporal gave up waiting for the answer to query getInvoiceStatus of invoice order-1 \(no worker took it\): 1 worker\(s\) polled task queue invoices-q/);
  });

  it('gives up with WaitTimedOut when a listed worker never answers', async () => {
    const { code, stderr } = await cli({ getStatus: vi.fn(never) }, aWorker, 'status', '--key', 'order-1', '--wait-timeout', '1');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^WaitTimedOut: gave up after 1 s waiting for the answer to query getInvoiceStatus of invoice order-1: 1 worker\(s\) polled task queue invoices-q/);
  });

  it('refuses a --wait-timeout that is not a duration, before connecting', async () => {
    const { code, stderr, describeTaskQueue } = await cli({}, aWorker, 'status', '--key', 'order-1', '--wait-timeout', 'soon');
    expect(code).toBe(2);
    expect(stderr).toContain('--wait-timeout must be a positive duration');
    expect(describeTaskQueue).not.toHaveBeenCalled();
  });
});

describe('cancel --update', () => {
  it('with no worker: sends no update (a worker coming back later would apply it) and fails NoWorkerPolling', async () => {
    const requestCancellation = vi.fn(never);
    const { code, stderr } = await cli({ requestCancellation }, noWorker, 'cancel', '--key', 'order-1', '--reason', 'r', '--update', '--wait-timeout', '2s');
    expect(code).toBe(1);
    expect(stderr).toContain('Waiting for the answer to update requestCancellation of invoice order-1: no worker is polling task queue invoices-q');
    expect(stderr).toContain('NoWorkerPolling: gave up after 2 s');
    expect(stderr).toContain('nothing was sent');
    expect(requestCancellation).not.toHaveBeenCalled();
  });

  it('sends the update once a worker polls, within the bound', async () => {
    let polling = false;
    setTimeout(() => (polling = true), 1200);
    const requestCancellation = vi.fn(async () => ({ accepted: true as const, stage: 'awaiting-approval' as const }));
    const { code, stdout } = await cli({ requestCancellation }, () => (polling ? [{ agoMs: 0 }] : []), 'cancel', '--key', 'order-1', '--reason', 'r', '--update', '--wait-timeout', '10s');
    expect(code).toBe(0);
    expect(stdout).toBe('Cancellation accepted at stage awaiting-approval.');
  });
});

describe('commands that wait for an outcome', () => {
  it('issue --wait names the outcome it waits for and fails WaitTimedOut after the bound; the run goes on', async () => {
    const file = join(tmpdir(), `cli-waiting-invoice-${process.pid}.json`);
    await writeFile(file, JSON.stringify(sampleInvoice()));
    const issue = vi.fn(async () => ({ workflowId: 'invoice-order-1', runId: 'r1', existing: false, handle: { result: never } }));
    const { code, stderr } = await cli({ issue } as never, noWorker, 'issue', '--key', 'order-1', '--file', file, '--wait', '--wait-timeout', '1s');
    expect(code).toBe(1);
    expect(stderr).toContain('Waiting for the outcome of invoice order-1: no worker is polling task queue invoices-q (gives up after 1 s, --wait-timeout).');
    expect(stderr).toContain('WaitTimedOut: gave up after 1 s waiting for the outcome of invoice order-1');
    expect(stderr).toContain('the run goes on');
  });

  it('result times out the same way', async () => {
    const { code, stderr } = await cli({ result: vi.fn(never) }, noWorker, 'result', '--key', 'order-1', '--wait-timeout', '1s');
    expect(code).toBe(1);
    expect(stderr).toContain('WaitTimedOut: gave up after 1 s waiting for the outcome of invoice order-1: no worker is polling task queue invoices-q');
  });

  it('reconcile names its run and times out with WaitTimedOut', async () => {
    const start = vi.fn(async () => ({ workflowId: 'sepay-reconciliation-cli-1', result: never }));
    const { code, stdout, stderr } = await cli({ client: { workflow: { start } } as never }, noWorker, 'reconcile', '--wait-timeout', '1s', '--json');
    expect(code).toBe(1);
    expect(stderr).toContain('Waiting for the report of reconciliation sepay-reconciliation-cli-1: no worker is polling task queue invoices-q');
    expect(jsonError(stdout)).toMatchObject({ type: 'WaitTimedOut', message: expect.stringContaining('temporal workflow result --workflow-id sepay-reconciliation-cli-1') });
  });
});

describe('connection errors', () => {
  const repo = new URL('../../', import.meta.url).pathname;

  it('name the address tried, with a typed error', { timeout: 60_000 }, async () => {
    const env = { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_NAMESPACE: 'default' };
    const run = promisify(execFile)(join(repo, 'node_modules/.bin/tsx'), ['client/cli.ts', 'status', '--key', 'order-1', '--json'], { cwd: repo, env });
    const { code, stdout } = (await run.then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => error,
    )) as { code: number; stdout: string };
    expect(code).toBe(1);
    expect(jsonError(stdout)).toMatchObject({ type: 'TemporalUnreachable', message: expect.stringContaining('cannot connect to Temporal at 127.0.0.1:1') });
  });
});
