/**
 * The test env's activities override is what the worker runs: `issueInvoice` held on a gate makes
 * "a cancel arrives while the issue request is in flight" happen every time, not by timing.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterEach, expect, it } from 'vitest';
import { getInvoiceStatusQuery, requestCancellationUpdate } from '../../contract/messages.js';
import { Gate } from '../support/gate.js';
import { uniqueKey, useInvoiceTestEnv } from '../support/invoice-test-env.js';

let issueGate = new Gate();
const env = useInvoiceTestEnv(
  {},
  {
    activities: (real) => ({
      async issueInvoice(input) {
        await issueGate.pass();
        return real.issueInvoice(input);
      },
    }),
  },
);

afterEach(() => {
  issueGate.open();
  issueGate = new Gate();
});

it('a cancel update sent while the held issue request is in flight is refused, and the invoice is issued', async () => {
  const key = uniqueKey('override-gate');
  const handle = await env.start(key);
  await issueGate.reached;
  expect(await handle.query(getInvoiceStatusQuery)).toMatchObject({ stage: 'issuing', pointOfNoReturn: true });

  const refused = await handle.executeUpdate(requestCancellationUpdate, { args: [{ reason: 'while issuing' }] }).catch((e: unknown) => e);
  issueGate.open();

  expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((refused as WorkflowUpdateFailedError).cause?.message).toMatch(/too late/);
  const result = await handle.result();
  expect(result.outcome).toBe('issued');
  const { invoices } = await env.sim.invoices();
  expect(invoices.filter((invoice) => invoice.reference_code === key).map((invoice) => invoice.status)).toEqual(['issued']);
});
