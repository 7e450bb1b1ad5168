/**
 * Cancellation has one meaning whichever way it arrives (signal, update, workflow cancellation):
 * before the issue request it stops the invoice and deletes any draft; after it, it is refused and
 * the invoice is issued.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import {
  approveIssuanceSignal,
  cancelInvoiceSignal,
  getInvoiceStatusQuery,
  requestCancellationUpdate,
  type IssueInvoiceResult,
} from '../../contract/messages.js';
import type { issueInvoiceWorkflow } from '../../workflows/index.js';
import { saveHistory } from '../support/histories.js';
import { uniqueKey, useInvoiceTestEnv } from '../support/invoice-test-env.js';
import { waitForStage } from '../support/workflow-assertions.js';

const env = useInvoiceTestEnv();

type Handle = WorkflowHandle<typeof issueInvoiceWorkflow>;

const cancelWays: Record<string, (handle: Handle) => Promise<unknown>> = {
  signal: (handle) => handle.signal(cancelInvoiceSignal, { reason: 'customer changed the order' }),
  update: (handle) => handle.executeUpdate(requestCancellationUpdate, { args: [{ reason: 'customer changed the order' }] }),
  'workflow cancellation': (handle) => handle.cancel(),
};

async function simulatorStatus(referenceCode: string): Promise<string[]> {
  const { invoices } = await env.sim.invoices();
  return invoices.filter((invoice) => invoice.reference_code === referenceCode).map((invoice) => invoice.status);
}

describe.each(Object.entries(cancelWays))('cancel by %s', (way, cancel) => {
  it('before creation: nothing is created', async () => {
    // In direct mode a manual approval comes before the create request.
    const key = uniqueKey('cancel-early');
    const handle = await env.start(key, { mode: 'direct', approval: 'manual' });
    await waitForStage(handle, 'awaiting-approval');
    await cancel(handle);

    expect(await handle.result()).toMatchObject({ outcome: 'cancelled', draftDeleted: false });
    expect(await simulatorStatus(key)).toEqual([]);
  });

  it('while creation is pending: waits for the draft, then deletes it', async () => {
    const key = uniqueKey('cancel-creating');
    await env.sim.setJobChecks(20);
    const handle = await env.start(key, { pollInitialInterval: '100ms', pollMaximumInterval: '100ms' });
    await waitForStage(handle, 'awaiting-creation');
    await cancel(handle);

    expect(await handle.result()).toMatchObject({ outcome: 'cancelled', draftDeleted: true });
    expect(await simulatorStatus(key)).toEqual(['deleted']);
    if (way === 'signal') await saveHistory(handle, 'cancel-while-creating');
  });

  it('while the draft waits for approval: deletes the draft', async () => {
    const key = uniqueKey('cancel-approval');
    const handle = await env.start(key, { approval: 'manual' });
    await waitForStage(handle, 'awaiting-approval');
    await cancel(handle);

    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'cancelled', draftDeleted: true });
    expect(await simulatorStatus(key)).toEqual(['deleted']);
    expect(await handle.query(getInvoiceStatusQuery)).toMatchObject({ stage: 'cancelled', cancellation: { outcome: 'accepted' } });
    if (way === 'update') await saveHistory(handle, 'cancel-while-awaiting-approval');
  });
});

describe('cancel after the issue request', () => {
  it('is refused by the update validator and recorded as too late for the signal: the invoice is issued', async () => {
    const key = uniqueKey('cancel-late');
    await env.sim.setJobChecks(20);
    const handle = await env.start(key, { pollInitialInterval: '100ms', pollMaximumInterval: '100ms' });
    await waitForStage(handle, 'awaiting-issuance');

    const refused = await handle.executeUpdate(requestCancellationUpdate, { args: [{ reason: 'too late?' }] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refused as WorkflowUpdateFailedError).cause?.message).toMatch(/too late to cancel/);
    await handle.signal(cancelInvoiceSignal, { reason: 'too late!' });
    await handle.cancel();

    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'issued', lateCancellation: { outcome: 'too-late' } });
    expect(await simulatorStatus(key)).toEqual(['issued']);
    await saveHistory(handle, 'cancel-too-late');
  });

  it('races with issuance without ever reporting cancelled for an issued invoice', async () => {
    const runs = 12;
    const keys = Array.from({ length: runs }, (_, i) => uniqueKey(`race-${i}`));
    const handles = await Promise.all(keys.map((key) => env.start(key, { approval: 'manual' })));
    await Promise.all(handles.map((handle) => waitForStage(handle, 'awaiting-approval')));

    // Approval first, then a cancel a few milliseconds later (more each run), so some cancels land
    // before the issue request and some after it.
    await Promise.all(
      handles.map(async (handle, i) => {
        await handle.signal(approveIssuanceSignal, {});
        await new Promise((resolve) => setTimeout(resolve, i * 8));
        await (i % 2 === 0 ? handle.signal(cancelInvoiceSignal, { reason: 'race' }) : handle.cancel());
      }),
    );
    const results: IssueInvoiceResult[] = await Promise.all(handles.map((handle) => handle.result()));
    const { invoices } = await env.sim.invoices();
    const statusAtSePay = new Map(invoices.map((invoice) => [invoice.reference_code, invoice.status]));

    const outcomes = results.map((result, i) => `${result.outcome}/${statusAtSePay.get(keys[i]!)}`);
    console.log(`cancel/issue race outcomes: ${outcomes.join(', ')}`);
    for (const [i, result] of results.entries()) {
      const atSePay = statusAtSePay.get(keys[i]!);
      if (result.outcome === 'cancelled') expect(atSePay).toBe('deleted');
      else expect(atSePay).toBe('issued');
    }
  });
});
