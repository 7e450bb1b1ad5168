/**
 * Business apps in PHP and Python (issue #19): the PHP example over Temporal's HTTP API and the
 * Python example through the temporalio SDK, run as child processes against the suite's real dev
 * server (HTTP API on its own port), a real worker and the SePay simulator. Every operation, a
 * failure typed as in TypeScript, and each re-run case of docs/reference-codes.md started plainly
 * (Temporal's default id policies) from that language, checked against what SePay holds, with
 * TypeScript (InvoiceClient, or a plain SDK start) as the reference row of the same table.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { WorkflowFailedError } from '@temporalio/client';
import { describe, expect, inject, it } from 'vitest';
import { DEFAULT_QUOTA_MAX_AGE_MS } from '../../activities/quota-gauge.js';
import { failureType } from '../../client/failure-type.js';
import { InvoiceClient } from '../../client/invoice-client.js';
import type { SimInvoice } from '../../simulator/control-client.js';
import { InvoiceNumber, InvoiceReferenceCode, InvoiceStage, ProviderAccountId } from '../../contract/search-attributes.js';
import { FailureType } from '../../contract/failure-types.js';
import type { InvoiceContent, IssueInvoiceInput } from '../../contract/input.js';
import { getInvoiceStatusQuery } from '../../contract/messages.js';
import { workflowIdFor } from '../../contract/reference-code.js';
import { missingToolchain, runExample, VENV_PYTHON, type ExampleAnswer, type Language } from '../languages/examples.js';
import { sampleInvoice, uniqueKey, useInvoiceTestEnv } from '../support/invoice-test-env.js';
import { failureOf, waitForStage } from '../support/workflow-assertions.js';

const env = useInvoiceTestEnv();
const INVOICE_FILE = fileURLToPath(new URL('../../examples/invoice.json', import.meta.url));
const fast = { pollInitialInterval: '50ms', pollMaximumInterval: '200ms', pollFastPhase: '1s' };

/** Three decimal places in a quantity: refused by the workflow's own input validation. */
const invalidInvoice = { ...sampleInvoice, items: [{ ...sampleInvoice.items[0]!, quantity: 1.234 }] };
const INVALID_FILE = join(tmpdir(), `invalid-invoice-${process.pid}.json`);
writeFileSync(INVALID_FILE, JSON.stringify(invalidInvoice));

async function invoicesOfKey(key: string): Promise<SimInvoice[]> {
  const { invoices } = await env.sim.invoices();
  return invoices.filter((invoice) => invoice.reference_code === key || invoice.reference_code.startsWith(`${key}~`));
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what} (last: ${JSON.stringify(await read()).slice(0, 600)})`);
}

it('Python types stay in step with schema/*.json (examples/python/check_types.py)', async () => {
  expect(missingToolchain('python')).toBeUndefined();
  const { stdout } = await promisify(execFile)(VENV_PYTHON, ['examples/python/check_types.py'], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  expect(stdout).toContain('matches schema/ (0 problems)');
});

/** Who calls: the PHP or Python example as a child process, or TypeScript in-process (the reference). */
type Caller = Language | 'typescript';

/**
 * The examples' commands done by TypeScript itself: `issue` through InvoiceClient.issue, or with
 * `--plain` a start with no id policy as any SDK makes it; the same answers and exit codes.
 */
async function typescriptCommand([command, ...rest]: string[]): Promise<ExampleAnswer> {
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) flags.set(rest[i]!.slice(2), ['--plain', '--update'].includes(rest[i]!) ? 'true' : rest[++i]!);
  const key = flags.get('key')!;
  const invoices = new InvoiceClient({ client: env.client, taskQueue: env.taskQueue });
  const ok = (json: unknown): ExampleAnswer => ({ code: 0, json: json as Record<string, unknown>, stderr: '' });
  try {
    switch (command) {
      case 'issue': {
        const invoice = JSON.parse(readFileSync(flags.get('file')!, 'utf8')) as InvoiceContent;
        const options = JSON.parse(flags.get('options') ?? '{}') as IssueInvoiceInput['options'];
        if (flags.has('plain')) {
          const started = await env.client.workflow.start('issueInvoiceWorkflow', { taskQueue: env.taskQueue, workflowId: workflowIdFor(key), args: [{ invoiceKey: key, invoice, options }] });
          return ok({ workflowId: started.workflowId, runId: started.firstExecutionRunId, started: true });
        }
        const issued = await invoices.issue(key, invoice, options);
        return ok({ workflowId: issued.workflowId, runId: issued.runId, started: !issued.existing });
      }
      case 'status':
        return ok(await invoices.getStatus(key));
      case 'approve':
        await invoices.approve(key, flags.get('by'));
        return ok({ approved: true });
      case 'cancel':
        if (flags.has('update')) return ok(await invoices.requestCancellation(key, flags.get('reason') ?? ''));
        await invoices.cancel(key, flags.get('reason') ?? '');
        return ok({ signalled: true });
      case 'result':
        return ok({ result: await invoices.result(key) });
      default:
        throw new Error(`no such command: ${command}`);
    }
  } catch (error) {
    if (error instanceof WorkflowFailedError) return { code: 3, json: { failure: { type: failureType(error), message: error.cause?.message } }, stderr: '' };
    const { name, message } = error as Error;
    return { code: 1, json: { error: { type: name, message } }, stderr: '' };
  }
}

function callerOf(language: Caller) {
  const run = (...args: string[]) =>
    language === 'typescript'
      ? typescriptCommand(args)
      : runExample(language, {
        temporalAddress: inject('temporalAddress'),
        temporalHttpAddress: inject('temporalHttpAddress'),
        namespace: inject('temporalNamespace'),
        taskQueue: env.taskQueue,
      }, args);
  const issue = (key: string, options: Record<string, unknown> = {}, ...extra: string[]) =>
    run('issue', '--key', key, '--file', INVOICE_FILE, '--options', JSON.stringify({ ...fast, ...options }), ...extra);
  const handle = (key: string, runId?: string) => env.client.workflow.getHandle(workflowIdFor(key), runId);
  const result = (key: string) => run('result', '--key', key);

  /** A first run from this caller whose issue request is sent, terminated while SePay's issue job is pending, which then settles. */
  async function terminatedWhileIssuing(key: string) {
    await env.sim.addFault({ endpoint: 'issue', kind: 'job-pending-forever', referenceCode: key });
    expect((await issue(key)).code).toBe(0);
    await waitForStage(handle(key), 'awaiting-issuance');
    await handle(key).terminate('operator gave up waiting');
    await env.sim.clearFaults();
    await eventually(() => invoicesOfKey(key), (found) => found[0]?.status === 'issued', 'the issue job settled');
  }

  /** A first run from this caller terminated while SePay still processes its create job. */
  async function terminatedWhileCreating(key: string) {
    await env.sim.setJobChecks(1_000_000, null);
    expect((await issue(key)).code).toBe(0);
    await waitForStage(handle(key), 'awaiting-creation');
    await handle(key).terminate('stuck');
  }

  return { run, issue, handle, result, terminatedWhileIssuing, terminatedWhileCreating };
}

describe.each<Language>(['php', 'python'])('%s', (language) => {
  const { run, issue, handle, result } = callerOf(language);

  it('issues an invoice for an order key, reads its result and status; a second issue attaches to the completed run', async () => {
    const key = uniqueKey(`${language}-issue`);
    const started = await issue(key);
    expect(started).toMatchObject({ code: 0, json: { workflowId: workflowIdFor(key), started: true } });
    const answer = await result(key);
    expect(answer.code).toBe(0);
    const [atSepay] = await invoicesOfKey(key);
    expect(answer.json).toMatchObject({ result: { outcome: 'issued', invoice: { referenceCode: key, invoiceNumber: atSepay!.invoice_number } } });
    const status = await run('status', '--key', key);
    expect(status.json).toMatchObject({ invoiceKey: key, stage: 'issued', referenceCode: key, pointOfNoReturn: true });
    // The Web UI shows what it shows for a run InvoiceClient.issue started: summary and search attributes.
    const tsKey = uniqueKey('ts-issue');
    await (await new InvoiceClient({ client: env.client, taskQueue: env.taskQueue }).issue(tsKey, sampleInvoice, fast)).handle.result();
    const [ours, theirs] = await Promise.all([handle(key).describe(), handle(tsKey).describe()]);
    const shown = async (described: typeof ours, runKey: string) => ({
      summary: (await described.staticSummary())?.replace(runKey, '<key>'),
      stage: described.typedSearchAttributes.get(InvoiceStage),
      referenceCode: described.typedSearchAttributes.get(InvoiceReferenceCode)?.replace(runKey, '<key>'),
      hasNumber: described.typedSearchAttributes.get(InvoiceNumber) !== undefined,
      account: described.typedSearchAttributes.get(ProviderAccountId),
    });
    expect(await shown(ours, key)).toEqual(await shown(theirs, tsKey));
    expect(await shown(ours, key)).toMatchObject({ summary: 'Invoice <key> · draft-then-issue · auto approval', stage: 'issued', referenceCode: '<key>', hasNumber: true });
    const again = await issue(key);
    expect(again.json).toMatchObject({ started: false, runId: (started.json as { runId: string }).runId });
    expect(await invoicesOfKey(key)).toHaveLength(1);
  });

  it('manual approval: the run waits, the approve signal issues it', async () => {
    const key = uniqueKey(`${language}-approve`);
    await issue(key, { approval: 'manual' });
    await waitForStage(handle(key), 'awaiting-approval');
    expect((await run('status', '--key', key)).json).toMatchObject({ stage: 'awaiting-approval', approval: 'waiting' });
    expect((await run('approve', '--key', key, '--by', `${language}-user`)).code).toBe(0);
    expect((await result(key)).json).toMatchObject({ result: { outcome: 'issued' } });
    expect(await handle(key).query(getInvoiceStatusQuery)).toMatchObject({ approval: 'approved', approvedBy: `${language}-user` });
  });

  it('cancel by signal before the point of no return: cancelled, the draft deleted', async () => {
    const key = uniqueKey(`${language}-cancel`);
    await issue(key, { approval: 'manual' });
    await waitForStage(handle(key), 'awaiting-approval');
    expect((await run('cancel', '--key', key, '--reason', 'customer cancelled')).json).toEqual({ signalled: true });
    expect((await result(key)).json).toMatchObject({ result: { outcome: 'cancelled', reason: 'customer cancelled', draftDeleted: true } });
    expect((await invoicesOfKey(key)).map((invoice) => invoice.status)).toEqual(['deleted']);
  });

  it('cancel by update: accepted while awaiting approval', async () => {
    const key = uniqueKey(`${language}-update`);
    await issue(key, { approval: 'manual' });
    await waitForStage(handle(key), 'awaiting-approval');
    expect((await run('cancel', '--key', key, '--reason', 'wrong order', '--update')).json).toEqual({ accepted: true, stage: 'awaiting-approval' });
    expect((await result(key)).json).toMatchObject({ result: { outcome: 'cancelled', draftDeleted: true } });
  });

  it('cancel by update: refused past the point of no return, and the invoice is issued', async () => {
    const key = uniqueKey(`${language}-too-late`);
    await env.sim.addFault({ endpoint: 'issue', kind: 'job-pending-forever', referenceCode: key });
    await issue(key);
    await waitForStage(handle(key), 'awaiting-issuance');
    const refused = await run('cancel', '--key', key, '--reason', 'too late?', '--update');
    expect(refused.json).toMatchObject({ accepted: false });
    expect(String(refused.json.reason)).not.toBe('');
    await env.sim.clearFaults();
    expect((await result(key)).json).toMatchObject({ result: { outcome: 'issued' } });
    // And once the run has ended, the update is too late as well.
    expect((await run('cancel', '--key', key, '--reason', 'later', '--update')).json).toMatchObject({ accepted: false });
  });

  it('an empty quota: the run waits in awaiting-quota, the quotaToppedUp signal after a top-up issues it', async () => {
    const key = uniqueKey(`${language}-quota`);
    await env.sim.setQuota(0);
    // The worker reuses a quota reading this long (activities/quota-gauge.ts): let the last test's expire.
    await new Promise((resolve) => setTimeout(resolve, DEFAULT_QUOTA_MAX_AGE_MS + 100));
    await issue(key);
    await eventually(() => handle(key).query(getInvoiceStatusQuery), (status) => status.stage === 'awaiting-quota', 'the run waits for quota');
    await env.sim.setQuota(10);
    expect((await run('quota-topped-up', '--key', key)).json).toEqual({ signalled: true });
    expect((await result(key)).json).toMatchObject({ result: { outcome: 'issued', invoice: { referenceCode: key } } });
    expect(await invoicesOfKey(key)).toHaveLength(1);
  });

  it('a failure carries the same type as in TypeScript (InvalidInvoiceInput)', async () => {
    const key = uniqueKey(`${language}-invalid`);
    expect((await run('issue', '--key', key, '--file', INVALID_FILE)).code).toBe(0);
    const failed = await result(key);
    expect(failed.code).toBe(3);
    const fromTypeScript = await failureOf(env.start(uniqueKey('ts-invalid'), fast, invalidInvoice).then((h) => h.result()));
    expect(failed.json).toMatchObject({ failure: { type: FailureType.InvalidInvoiceInput } });
    expect((failed.json.failure as { type: string }).type).toBe(fromTypeScript.type);
    expect(String((failed.json.failure as { message: string }).message)).toContain('invoice.items.0.quantity');
    expect(await invoicesOfKey(key)).toHaveLength(0);
  });
});

// The reference row is TypeScript: the same scenarios, the same expectations, from any caller.
describe.each<Caller>(['php', 'python', 'typescript'])('a plain start from %s (Temporal default id policies) re-runs a key as InvoiceClient.issue does', (language) => {
  const { run, issue, handle, result, terminatedWhileIssuing, terminatedWhileCreating } = callerOf(language);

  it('after a run terminated while SePay issues: finishes issued with that invoice, one invoice at SePay', async () => {
    const key = uniqueKey(`${language}-rerun-issuing`);
    await terminatedWhileIssuing(key);
    expect((await issue(key, {}, '--plain')).json).toMatchObject({ started: true });
    const answer = await result(key);
    const atSepay = await invoicesOfKey(key);
    expect(atSepay).toHaveLength(1);
    expect(atSepay[0]).toMatchObject({ status: 'issued', issue_requests: 1 });
    expect(answer.json).toMatchObject({ result: { outcome: 'issued', invoice: { referenceCode: key, invoiceNumber: atSepay[0]!.invoice_number } } });
  });

  it('after an approval timeout: the next reference code, issued once', async () => {
    const key = uniqueKey(`${language}-rerun-timeout`);
    await issue(key, { approval: 'manual', approvalTimeout: '2s' });
    const timedOut = await result(key);
    expect(timedOut).toMatchObject({ code: 3, json: { failure: { type: FailureType.DeadlineExceeded } } });
    expect((await issue(key, {}, '--plain')).json).toMatchObject({ started: true });
    expect((await result(key)).json).toMatchObject({ result: { outcome: 'issued', invoice: { referenceCode: `${key}~2` } } });
    const atSepay = await invoicesOfKey(key);
    expect(atSepay.filter((invoice) => invoice.status === 'issued')).toHaveLength(1);
    expect(atSepay.map((invoice) => [invoice.reference_code, invoice.status])).toEqual([[key, 'deleted'], [`${key}~2`, 'issued']]);
  });

  it('after a run terminated while SePay still processes its create job: follows that create, one invoice under the first code', async () => {
    const key = uniqueKey(`${language}-rerun-creating`);
    await terminatedWhileCreating(key);
    expect((await issue(key, {}, '--plain')).json).toMatchObject({ started: true });
    await eventually(() => handle(key).query(getInvoiceStatusQuery), (status) => status.stage === 'awaiting-creation', "the re-run follows the earlier run's create");
    await env.sim.setJobChecks(0, 100);
    expect((await result(key)).json).toMatchObject({ result: { outcome: 'issued', invoice: { referenceCode: key } } });
    expect((await invoicesOfKey(key)).map((invoice) => invoice.status)).toEqual(['issued']);
  });

  it('the same, then cancelled by the update while the create job runs, then the job completes: cancelled, its draft deleted, nothing issued', async () => {
    const key = uniqueKey(`${language}-rerun-cancel`);
    await terminatedWhileCreating(key);
    expect((await issue(key, {}, '--plain')).json).toMatchObject({ started: true });
    await eventually(() => handle(key).query(getInvoiceStatusQuery), (status) => status.stage === 'awaiting-creation', "the re-run follows the earlier run's create");
    expect((await run('cancel', '--key', key, '--reason', 'wrong order', '--update')).json).toMatchObject({ accepted: true });
    await env.sim.setJobChecks(0, 100);
    expect((await result(key)).json).toMatchObject({ result: { outcome: 'cancelled', draftDeleted: true } });
    expect((await invoicesOfKey(key)).map((invoice) => invoice.status)).toEqual(['deleted']);
  });

  it('while a run is open a plain start is refused (ALREADY_EXISTS), and the open run goes on', async () => {
    const key = uniqueKey(`${language}-plain-open`);
    await issue(key, { approval: 'manual' });
    await waitForStage(handle(key), 'awaiting-approval');
    const refused = await issue(key, {}, '--plain');
    expect(refused.code).toBe(1);
    expect(JSON.stringify(refused.json)).toMatch({ php: /"grpcCode":6/, python: /WorkflowAlreadyStartedError/, typescript: /WorkflowExecutionAlreadyStartedError/ }[language]);
    await run('approve', '--key', key);
    expect((await result(key)).json).toMatchObject({ result: { outcome: 'issued', invoice: { referenceCode: key } } });
  });
});
