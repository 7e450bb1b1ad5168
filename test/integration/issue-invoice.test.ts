/**
 * issueInvoiceWorkflow end to end: real dev server, real worker, real activities, the simulator
 * over HTTP. The happy paths, approval, and the guarantees around duplicates.
 */
import { describe, expect, it } from 'vitest';
import { approveIssuanceSignal, getInvoiceStatusQuery } from '../../contract/messages.js';
import { referenceCodeFor } from '../../contract/reference-code.js';
import { sampleInvoice, uniqueKey, useInvoiceTestEnv } from '../support/invoice-test-env.js';
import { saveHistory } from '../support/histories.js';
import { failureOf, waitForStage } from '../support/workflow-assertions.js';

const env = useInvoiceTestEnv();

async function invoiceAtSimulator(referenceCode: string) {
  const { invoices } = await env.sim.invoices();
  return invoices.filter((invoice) => invoice.reference_code === referenceCode);
}

describe('issueInvoiceWorkflow', () => {
  it('issues in draft-then-issue mode and returns the number, totals and PDF link', async () => {
    const key = uniqueKey('order-draft');
    const handle = await env.start(key);
    const result = await handle.result();

    expect(result.outcome).toBe('issued');
    if (result.outcome !== 'issued') return;
    expect(result.invoice.referenceCode).toBe(referenceCodeFor(key, 1));
    expect(Number(result.invoice.invoiceNumber)).toBeGreaterThan(0);
    expect(result.invoice.status).toBe('issued');
    // 2 × 100 000 at 10 % and 1.5 × 200 000 at 8 %.
    expect(result.invoice.totalBeforeTax).toBe(500_000);
    expect(result.invoice.taxAmount).toBe(44_000);
    expect(result.invoice.totalAmount).toBe(544_000);
    expect(result.invoice.pdfUrl).toMatch(/^https?:\/\//);

    const atSePay = await invoiceAtSimulator(key);
    expect(atSePay).toHaveLength(1);
    expect(atSePay[0]).toMatchObject({ status: 'issued', create_requests: 1, issue_requests: 1 });
    const status = await handle.query(getInvoiceStatusQuery);
    expect(status).toMatchObject({ stage: 'issued', pointOfNoReturn: true });
    await saveHistory(handle, 'draft-then-issue');
  });

  it('issues in direct mode with a single create request', async () => {
    const key = uniqueKey('order-direct');
    const handle = await env.start(key, { mode: 'direct' });
    const result = await handle.result();

    expect(result).toMatchObject({ outcome: 'issued', invoice: { status: 'issued' } });
    const atSePay = await invoiceAtSimulator(key);
    expect(atSePay).toHaveLength(1);
    expect(atSePay[0]).toMatchObject({ status: 'issued', create_requests: 1, issue_requests: 0 });
    await saveHistory(handle, 'direct');
  });

  it('waits for manual approval, then issues', async () => {
    const key = uniqueKey('order-approve');
    const handle = await env.start(key, { approval: 'manual' });
    await waitForStage(handle, 'awaiting-approval');
    expect((await invoiceAtSimulator(key))[0]).toMatchObject({ status: 'draft' });

    await handle.signal(approveIssuanceSignal, { approvedBy: 'accountant@example.com' });
    const result = await handle.result();
    expect(result.outcome).toBe('issued');
    expect(await handle.query(getInvoiceStatusQuery)).toMatchObject({ approval: 'approved', approvedBy: 'accountant@example.com' });
    await saveHistory(handle, 'manual-approval');
  });

  it('deletes the draft and fails with DeadlineExceeded when approval does not come in time', async () => {
    const key = uniqueKey('order-noapprove');
    const handle = await env.start(key, { approval: 'manual', approvalTimeout: '1s' });
    const failure = await failureOf(handle.result());

    expect(failure.type).toBe('DeadlineExceeded');
    expect(await invoiceAtSimulator(key)).toMatchObject([{ status: 'deleted', issue_requests: 0 }]);
    const described = await handle.describe();
    expect(described.memo).toMatchObject({ referenceCodeSpent: true });
  });

  it('attaches a second start with the same business key to the same run: one invoice', async () => {
    const key = uniqueKey('order-twice');
    const first = await env.start(key);
    const second = await env.client.workflow.start('issueInvoiceWorkflow', {
      taskQueue: env.taskQueue,
      workflowId: first.workflowId,
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [{ invoiceKey: key, invoice: {} }],
    });
    expect(second.firstExecutionRunId).toBe(first.firstExecutionRunId);
    await first.result();
    expect(await invoiceAtSimulator(key)).toMatchObject([{ status: 'issued', create_requests: 1 }]);
  });

  it('creates one invoice when the create response is lost after SePay committed it', async () => {
    const key = uniqueKey('order-dropcreate');
    await env.sim.addFault({ endpoint: 'create', kind: 'drop-after-commit', times: 1 });
    const handle = await env.start(key);
    const result = await handle.result();

    expect(result.outcome).toBe('issued');
    // The retry named the same reference code, got 409, and adopted the invoice.
    expect(await invoiceAtSimulator(key)).toMatchObject([{ status: 'issued', create_requests: 2, issue_requests: 1 }]);
    await saveHistory(handle, 'create-response-lost');
  });

  it('issues once when the issue response is lost after SePay accepted it', async () => {
    const key = uniqueKey('order-dropissue');
    await env.sim.addFault({ endpoint: 'issue', kind: 'drop-after-commit', times: 1 });
    const handle = await env.start(key);
    const result = await handle.result();

    expect(result.outcome).toBe('issued');
    const [invoice] = await invoiceAtSimulator(key);
    expect(invoice).toMatchObject({ status: 'issued', create_requests: 1 });
    const { invoices } = await env.sim.invoices();
    expect(invoices.filter((i) => i.status === 'issued')).toHaveLength(1);
  });

  it('keeps the same history size however long SePay stays Pending', async () => {
    const quick = await env.start(uniqueKey('order-quick'), { pollInitialInterval: '10ms', pollMaximumInterval: '10ms' });
    await quick.result();
    const quickEvents = (await quick.fetchHistory()).events?.length ?? 0;

    await env.sim.setJobChecks(300, null);
    const slow = await env.start(uniqueKey('order-slow'), { pollInitialInterval: '10ms', pollMaximumInterval: '10ms' });
    await slow.result();
    const slowEvents = (await slow.fetchHistory()).events?.length ?? 0;
    const stats = await env.sim.stats();

    console.log(`history events: answered at once ${quickEvents}, Pending for 300 checks ${slowEvents}; create-check calls ${stats.endpoints['create-check']}`);
    expect(stats.endpoints['create-check']).toBeGreaterThanOrEqual(301);
    expect(slowEvents).toBe(quickEvents);
  });

  it('stores the invoice twice in a history at most: the start, and the create that sends it', async () => {
    const handle = await env.start(uniqueKey('order-copies'));
    await handle.result();
    const payloadTexts: string[] = [];
    const collect = (node: unknown): void => {
      if (node instanceof Uint8Array) return;
      if (Array.isArray(node)) return node.forEach(collect);
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'data' && value instanceof Uint8Array) payloadTexts.push(Buffer.from(value).toString('utf8'));
        else collect(value);
      }
    };
    collect(await handle.fetchHistory());
    const copies = payloadTexts.filter((text) => text.includes(sampleInvoice.items[1]!.item_name)).length;
    console.log(`invoice copies in one history: ${copies}`);
    // The first step compares it too, but as a local activity: its input is not recorded.
    expect(copies).toBeLessThanOrEqual(2);
  });

  it('never puts the client secret or the access token into the history', async () => {
    const handle = await env.start(uniqueKey('order-secret'));
    await handle.result();
    const history = JSON.stringify(await handle.fetchHistory());
    expect(env.bearerTokensSeen.size).toBeGreaterThan(0);
    for (const token of env.bearerTokensSeen) expect(history).not.toContain(token);
    expect(history).not.toContain('sim-client-secret');
    expect(history).not.toContain(Buffer.from('sim-client-id:sim-client-secret').toString('base64'));
  });
});
