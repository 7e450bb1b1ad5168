/**
 * SePay's flow starts with the provider accounts (§3, §4): the worker resolves and checks the
 * invoice's account, template and series there before anything is created, so each refusal is a
 * typed failure raised before a single create request reaches SePay.
 */
import { describe, expect, it } from 'vitest';
import { approvedAccount, APPROVED_ACCOUNT_ID, inactiveAccount, seededAccount, SALES_2026_TEMPLATE } from '../../simulator/account-fixtures.js';
import { INACTIVE_ACCOUNT_ID, SEEDED_ACCOUNT_ID } from '../../simulator/defaults.js';
import { FailureType } from '../../contract/failure-types.js';
import { fastPolling, sampleInvoice, uniqueKey, useInvoiceTestEnv } from '../support/invoice-test-env.js';
import { failureOf } from '../support/workflow-assertions.js';

const env = useInvoiceTestEnv();

/** Starts an invoice, expects it refused with `type`, and proves SePay saw no create request. */
async function refusedBeforeCreate(type: string, invoice: unknown = sampleInvoice) {
  const handle = await env.start(uniqueKey('account'), fastPolling, invoice);
  const failure = await failureOf(handle.result());
  expect(failure.type).toBe(type);
  expect(failure.nonRetryable).toBe(true);
  expect((await env.sim.stats()).endpoints.create ?? 0).toBe(0);
  return failure;
}

describe('account checks before any create', () => {
  it('with no account given and no worker default, the only active account SePay lists is used', async () => {
    const handle = await env.start(uniqueKey('only-active'));
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'issued', invoice: { providerAccountId: SEEDED_ACCOUNT_ID } });
  });

  it('SepayAccountNotChosen when several accounts are active and none is named: the choices are listed', async () => {
    await env.sim.setAccounts([seededAccount(), approvedAccount()]);
    const failure = await refusedBeforeCreate(FailureType.SepayAccountNotChosen);
    expect(failure.message).toContain(SEEDED_ACCOUNT_ID);
    expect(failure.message).toContain(APPROVED_ACCOUNT_ID);
  });

  it('SepayAccountUnavailable for an inactive account', async () => {
    await env.sim.setAccounts([seededAccount(), inactiveAccount()]);
    const failure = await refusedBeforeCreate(FailureType.SepayAccountUnavailable, { ...sampleInvoice, provider_account_id: INACTIVE_ACCOUNT_ID });
    expect(failure.message).toContain(INACTIVE_ACCOUNT_ID);
  });

  it('SepayAccountUnavailable for an account SePay does not know', async () => {
    const unknown = '00000000-0000-0000-0000-000000000000';
    const failure = await refusedBeforeCreate(FailureType.SepayAccountUnavailable, { ...sampleInvoice, provider_account_id: unknown });
    expect(failure.message).toContain(unknown);
  });

  it('SepayTemplateNotAllocated for a template/series pair the account does not have: the allocated pairs are listed', async () => {
    const failure = await refusedBeforeCreate(FailureType.SepayTemplateNotAllocated, { ...sampleInvoice, invoice_series: 'C99XXX' });
    expect(failure.message).toContain('C25TAT');
  });

  it('InvoiceDateBeforeTaxApproval for an invoice dated before the account was approved', async () => {
    await env.sim.setAccounts([approvedAccount()]);
    const { items, ...rest } = sampleInvoice;
    const salesInvoice = {
      ...rest,
      template_code: SALES_2026_TEMPLATE.template_code,
      invoice_series: SALES_2026_TEMPLATE.invoice_series,
      issued_date: '2026-01-15 09:00:00',
      items: items.map(({ tax_rate: _taxRate, ...line }) => line),
    };
    const failure = await refusedBeforeCreate(FailureType.InvoiceDateBeforeTaxApproval, salesInvoice);
    expect(failure.message).toContain('2026-04-20');
  });
});

describe('an account SePay deactivates while the worker still holds it', () => {
  it('SepayAccountUnavailable, not the untyped SepayValidationFailed, when the create is refused', async () => {
    // Only this test keeps accounts for longer than a run: the others change them between runs.
    await env.restartWorker({ SEPAY_ACCOUNT_CACHE_TTL: '5m' });
    try {
      await expect(env.start(uniqueKey('cached')).then((handle) => handle.result())).resolves.toMatchObject({ outcome: 'issued' });
      await env.sim.setAccounts([{ ...seededAccount(), active: false }]);
      const failure = await failureOf((await env.start(uniqueKey('deactivated'), fastPolling)).result());
      expect(failure).toMatchObject({ type: FailureType.SepayAccountUnavailable, nonRetryable: true });
      expect(failure.message).toContain(SEEDED_ACCOUNT_ID);
    } finally {
      await env.restartWorker({});
    }
  });
});
