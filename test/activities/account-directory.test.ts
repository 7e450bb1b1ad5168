/**
 * AccountDirectory against the simulator over HTTP: which account, template and series an invoice
 * gets, one named test per refusal, and what the cache saves (counted at the client and at SePay).
 */
import { describe, expect, it } from 'vitest';
import { AccountDirectory, type AccountDirectoryOptions } from '../../activities/account-directory.js';
import { FailureType } from '../../workflows/failure-types.js';
import {
  APPROVED_ACCOUNT_APPROVAL_DATE,
  APPROVED_ACCOUNT_ID,
  INACTIVE_ACCOUNT_ID,
  SALES_2026_TEMPLATE,
  SALES_TEMPLATE,
  SEEDED_ACCOUNT_ID,
  VAT_TEMPLATE,
  approvedAccount,
  inactiveAccount,
  seededAccount,
} from '../../simulator/server.js';
import { failureOf } from './failure-of.js';
import { countingCalls, useSimulatedSepay } from './simulated-sepay.js';

const sim = useSimulatedSepay();

function directory(options: Omit<AccountDirectoryOptions, 'sepay'> = {}) {
  const counted = countingCalls(sim.client, 'listProviderAccounts', 'getProviderAccount');
  return { accounts: new AccountDirectory({ sepay: counted.sepay, ...options }), calls: counted.calls };
}

/** Requests that reached the simulator, by endpoint name. */
async function sepayRequests() {
  const { endpoints } = await sim.control.stats();
  return { list: endpoints['provider-accounts'] ?? 0, detail: endpoints['provider-account'] ?? 0 };
}

describe('choosing the account, template and series', () => {
  it('takes the only active account and its VAT pair when nothing is named', async () => {
    const { accounts } = directory();
    expect(await accounts.resolve({})).toEqual({
      providerAccountId: SEEDED_ACCOUNT_ID,
      templateCode: VAT_TEMPLATE.template_code,
      invoiceSeries: VAT_TEMPLATE.invoice_series,
      taxAuthorityApprovedDate: null,
    });
  });

  it("takes the invoice's account and pair over the worker's defaults", async () => {
    await sim.control.setAccounts([seededAccount(), approvedAccount()]);
    const { accounts } = directory({ defaults: { providerAccountId: APPROVED_ACCOUNT_ID, templateCode: '2', invoiceSeries: 'C26TSE' } });
    const resolved = await accounts.resolve({
      provider_account_id: SEEDED_ACCOUNT_ID,
      template_code: SALES_TEMPLATE.template_code,
      invoice_series: SALES_TEMPLATE.invoice_series,
    });
    expect(resolved).toMatchObject({ providerAccountId: SEEDED_ACCOUNT_ID, invoiceSeries: SALES_TEMPLATE.invoice_series });
  });

  it("takes the worker's default account and pair when the invoice names none", async () => {
    await sim.control.setAccounts([seededAccount(), approvedAccount()]);
    const { accounts } = directory({ defaults: { providerAccountId: SEEDED_ACCOUNT_ID, templateCode: '2', invoiceSeries: 'C25TMB' } });
    expect(await accounts.resolve({ issued_date: '2026-05-04 09:00:00' })).toMatchObject({
      providerAccountId: SEEDED_ACCOUNT_ID,
      templateCode: SALES_TEMPLATE.template_code,
      invoiceSeries: SALES_TEMPLATE.invoice_series,
    });
  });

  it('completes a half-named pair when exactly one allocated pair fits', async () => {
    const { accounts } = directory();
    expect(await accounts.resolve({ template_code: '2' })).toMatchObject({ invoiceSeries: SALES_TEMPLATE.invoice_series });
    expect(await accounts.resolve({ invoice_series: VAT_TEMPLATE.invoice_series })).toMatchObject({ templateCode: '1' });
  });

  it('falls back to the first template of an account with no VAT template, and reports its approval date', async () => {
    await sim.control.setAccounts([approvedAccount()]);
    const { accounts } = directory();
    expect(await accounts.resolve({ issued_date: `${APPROVED_ACCOUNT_APPROVAL_DATE} 00:00:00` })).toEqual({
      providerAccountId: APPROVED_ACCOUNT_ID,
      templateCode: SALES_2026_TEMPLATE.template_code,
      invoiceSeries: SALES_2026_TEMPLATE.invoice_series,
      taxAuthorityApprovedDate: APPROVED_ACCOUNT_APPROVAL_DATE,
    });
  });
});

describe('refusals, each typed and non-retryable', () => {
  it('SepayAccountNotChosen: several active accounts and none named, listing them', async () => {
    await sim.control.setAccounts([seededAccount(), inactiveAccount(), approvedAccount()]);
    const failure = await failureOf(directory().accounts.resolve({}));
    expect(failure).toMatchObject({ type: FailureType.SepayAccountNotChosen, nonRetryable: true });
    expect(failure.message).toContain(SEEDED_ACCOUNT_ID);
    expect(failure.message).toContain(APPROVED_ACCOUNT_ID);
    expect(failure.details).toEqual([{ activeAccountIds: [SEEDED_ACCOUNT_ID, APPROVED_ACCOUNT_ID] }]);
  });

  it('SepayAccountNotChosen: no active account at all', async () => {
    await sim.control.setAccounts([inactiveAccount()]);
    const failure = await failureOf(directory().accounts.resolve({}));
    expect(failure).toMatchObject({ type: FailureType.SepayAccountNotChosen, nonRetryable: true, details: [{ activeAccountIds: [] }] });
  });

  it('SepayAccountUnavailable: an account SePay does not know (404)', async () => {
    const failure = await failureOf(directory().accounts.resolve({ provider_account_id: 'no-such-account' }));
    expect(failure).toMatchObject({ type: FailureType.SepayAccountUnavailable, nonRetryable: true });
    expect(failure.message).toContain('no-such-account');
  });

  it('SepayAccountUnavailable: an inactive account', async () => {
    const failure = await failureOf(directory().accounts.resolve({ provider_account_id: INACTIVE_ACCOUNT_ID }));
    expect(failure).toMatchObject({ type: FailureType.SepayAccountUnavailable, nonRetryable: true });
    expect(failure.message).toContain(INACTIVE_ACCOUNT_ID);
  });

  it('SepayTemplateNotAllocated: a pair of another account, listing the allocated pairs', async () => {
    await sim.control.setAccounts([approvedAccount()]);
    const failure = await failureOf(directory().accounts.resolve({ template_code: '1', invoice_series: 'C25TAT' }));
    expect(failure).toMatchObject({ type: FailureType.SepayTemplateNotAllocated, nonRetryable: true });
    expect(failure.message).toContain('2/C26TSE');
    expect(failure.details).toEqual([
      {
        providerAccountId: APPROVED_ACCOUNT_ID,
        requested: { templateCode: '1', invoiceSeries: 'C25TAT' },
        allocatedPairs: [{ templateCode: '2', invoiceSeries: 'C26TSE' }],
      },
    ]);
  });

  it('SepayTemplateNotAllocated: a half that fits two pairs, or a configured default the account lacks', async () => {
    const twoVat = [{ template_code: '1', invoice_series: 'C25TAA' }, { template_code: '1', invoice_series: 'C25TBB' }];
    await sim.control.setAccounts([{ id: SEEDED_ACCOUNT_ID, templates: twoVat }]);
    const ambiguous = await failureOf(directory().accounts.resolve({ template_code: '1' }));
    expect(ambiguous).toMatchObject({ type: FailureType.SepayTemplateNotAllocated, nonRetryable: true });
    expect(ambiguous.message).toMatch(/fits 2 of its pairs/);
    const badDefault = await failureOf(directory({ defaults: { templateCode: '2', invoiceSeries: 'C25TMB' } }).accounts.resolve({}));
    expect(badDefault).toMatchObject({ type: FailureType.SepayTemplateNotAllocated, details: [{ requested: { templateCode: '2', invoiceSeries: 'C25TMB' } }] });
  });

  it('InvoiceDateBeforeTaxApproval: dated the day before the approval', async () => {
    await sim.control.setAccounts([approvedAccount()]);
    const failure = await failureOf(directory().accounts.resolve({ issued_date: '2026-04-19 23:59:59' }));
    expect(failure).toMatchObject({
      type: FailureType.InvoiceDateBeforeTaxApproval,
      nonRetryable: true,
      details: [{ providerAccountId: APPROVED_ACCOUNT_ID, issuedDate: '2026-04-19', taxAuthorityApprovedDate: APPROVED_ACCOUNT_APPROVAL_DATE }],
    });
  });

  it('keeps the retryable typing of a SePay outage', async () => {
    await sim.control.addFault({ endpoint: 'provider-accounts', kind: 'error', status: 503, times: 1 });
    const failure = await failureOf(directory().accounts.resolve({}));
    expect(failure).toMatchObject({ type: FailureType.SepayUnavailable, nonRetryable: false });
  });
});

describe('caching', () => {
  it('serves a burst of 50 concurrent invoices with one list and one detail', async () => {
    const { accounts, calls } = directory();
    const resolved = await Promise.all(Array.from({ length: 50 }, () => accounts.resolve({})));
    expect(new Set(resolved.map((r) => r.providerAccountId))).toEqual(new Set([SEEDED_ACCOUNT_ID]));
    expect(calls).toEqual({ listProviderAccounts: 1, getProviderAccount: 1 });
    expect(await sepayRequests()).toEqual({ list: 1, detail: 1 });
  });

  it('keeps one unknown account as one call however many invoices name it', async () => {
    const { accounts, calls } = directory();
    const failures = await Promise.all(Array.from({ length: 20 }, () => failureOf(accounts.resolve({ provider_account_id: 'gone' }))));
    expect(failures.every((f) => f.type === FailureType.SepayAccountUnavailable)).toBe(true);
    await failureOf(accounts.resolve({ provider_account_id: 'gone' }));
    expect(calls.getProviderAccount).toBe(1);
  });

  it('asks SePay again after invalidate, and then sees what changed', async () => {
    const { accounts, calls } = directory();
    await accounts.resolve({});
    await sim.control.setAccounts([{ ...seededAccount(), active: false }]);
    expect(await accounts.resolve({})).toMatchObject({ providerAccountId: SEEDED_ACCOUNT_ID });
    expect(calls).toEqual({ listProviderAccounts: 1, getProviderAccount: 1 });

    accounts.invalidate();
    const failure = await failureOf(accounts.resolve({ provider_account_id: SEEDED_ACCOUNT_ID }));
    expect(failure.type).toBe(FailureType.SepayAccountUnavailable);
    expect(calls.getProviderAccount).toBe(2);
  });

  it('asks SePay again once the answers are older than ttlMs', async () => {
    let now = 1_000_000;
    const { accounts, calls } = directory({ ttlMs: 60_000, now: () => now });
    await accounts.resolve({});
    now += 59_999;
    await accounts.resolve({});
    expect(calls).toEqual({ listProviderAccounts: 1, getProviderAccount: 1 });
    now += 1;
    await accounts.resolve({});
    expect(calls).toEqual({ listProviderAccounts: 2, getProviderAccount: 2 });
  });

  it('does not keep a failure: the next invoice asks again', async () => {
    await sim.control.addFault({ endpoint: 'provider-account', kind: 'error', status: 503, times: 1 });
    const { accounts, calls } = directory();
    expect((await failureOf(accounts.resolve({}))).type).toBe(FailureType.SepayUnavailable);
    expect(await accounts.resolve({})).toMatchObject({ providerAccountId: SEEDED_ACCOUNT_ID });
    expect(calls).toEqual({ listProviderAccounts: 1, getProviderAccount: 2 });
  });

  it('lets one caller give up without failing the others waiting for the same request', async () => {
    await sim.control.addFault({ endpoint: 'provider-accounts', kind: 'latency', latencyMs: 200, times: 1 });
    const { accounts, calls } = directory();
    const impatient = new AbortController();
    const first = accounts.resolve({}, { signal: impatient.signal });
    const second = accounts.resolve({});
    impatient.abort(new Error('activity cancelled'));
    await expect(first).rejects.toThrow('activity cancelled');
    expect(await second).toMatchObject({ providerAccountId: SEEDED_ACCOUNT_ID });
    expect(calls.listProviderAccounts).toBe(1);
  });
});

describe('paging through the account list', () => {
  it('finds the only active account on the second page of 100', async () => {
    const inactive = Array.from({ length: 149 }, (_, i) => ({ id: `old-${i}`, active: false }));
    await sim.control.setAccounts([...inactive, seededAccount()]);
    const { accounts, calls } = directory();
    expect(await accounts.resolve({})).toMatchObject({ providerAccountId: SEEDED_ACCOUNT_ID });
    expect(calls.listProviderAccounts).toBe(2);
  });
});
