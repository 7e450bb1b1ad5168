/** `POST /__sim/quota/top-up`: a plan upgrade adds issuances to what is left. */
import { describe, expect, it } from 'vitest';
import { CreateRequestShape } from '../../simulator/rules/create-request.js';
import { expectError, invoiceBody, uniqueRef, useSimulator } from './harness.js';

const sim = useSimulator();

async function usage(): Promise<string> {
  return (await sim.api.call('GET', '/v1/usage')).body.data.quota_remaining as string;
}

describe('quota top-up', () => {
  it('turns an empty quota into issuances a direct create can use', async () => {
    await sim.control.setQuota(0);
    const refused = await sim.api.create(invoiceBody({ reference_code: uniqueRef('empty'), is_draft: false }));
    expectError(refused, 403, 'QUOTA_EXCEEDED');

    expect(await sim.control.topUpQuota(3)).toBe(3);
    expect(await usage()).toBe('3');
    const issued = await sim.api.settle('create', await sim.api.create(invoiceBody({ reference_code: uniqueRef('topped'), is_draft: false })));
    expect(issued).toMatchObject({ status: 'Success', invoice: { status: 'issued' } });
    expect(await sim.control.quota()).toBe(2);
  });

  it('adds to what is left', async () => {
    await sim.control.setQuota(5);
    expect(await sim.control.topUpQuota(10)).toBe(15);
  });

  it('counts a quota overdrawn by web-UI invoices as empty', async () => {
    await sim.control.setQuota(0);
    await sim.control.addManualInvoice(CreateRequestShape.parse(invoiceBody({ reference_code: uniqueRef('by-hand') })), 'issued');
    expect(await sim.control.quota()).toBe(-1);
    expect(await sim.control.topUpQuota(2)).toBe(2);
  });

  it('refuses an amount that is not a positive whole number', async () => {
    for (const amount of [0, -1, 1.5, '3']) {
      const reply = await sim.api.call('POST', '/__sim/quota/top-up', { body: { amount }, token: false });
      expectError(reply, 400, 'BAD_REQUEST');
      expect(reply.body.error.message).toMatch(/amount/);
    }
  });
});
