/**
 * AccountDirectory against the simulator over HTTP: which account, template and series an invoice
 * gets, one named test per refusal, and what the cache saves (counted at the client and at SePay).
 */
import { describe, expect, it } from 'vitest';
import { AccountDirectory, type AccountDirectoryOptions } from '../../activities/account-directory.js';
import { FailureType } from '../../contract/failure-types.js';
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

  it('takes the VAT pair even when SePay lists a sales pair first', async () => {
    await sim.control.setAccounts([{ ...seededAccount(), templates: [SALES_TEMPLATE, VAT_TEMPLATE] }]);
    expect(await directory().accounts.resolve({})).toMatchObject({ templateCode: VAT_TEMPLATE.template_code, invoiceSeries: VAT_TEMPLATE.invoice_series });
  });

  it('reports the approval date of the account', async () => {
    await sim.control.setAccounts([approvedAccount()]);
    const { accounts } = directory();
    const sales = { template_code: SALES_2026_TEMPLATE.template_code, invoice_series: SALES_2026_TEMPLATE.invoice_series };
    expect(await accounts.resolve({ ...sales, issued_date: `${APPROVED_ACCOUNT_APPROVAL_DATE} 00:00:00` })).toEqual({
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

  it('SepayTemplateNotAllocated: nothing names a pair and the account has no VAT template, listing what it has', async () => {
    await sim.control.setAccounts([approvedAccount()]);
    const failure = await failureOf(directory().accounts.resolve({}));
    expect(failure).toMatchObject({ type: FailureType.SepayTemplateNotAllocated, nonRetryable: true });
    expect(failure.message).toContain('no VAT template');
    expect(failure.message).toContain('2/C26TSE');
    expect(failure.details).toEqual([
      { providerAccountId: APPROVED_ACCOUNT_ID, requested: { templateCode: '1', invoiceSeries: null }, allocatedPairs: [{ templateCode: '2', invoiceSeries: 'C26TSE' }] },
    ]);
  });

  it('InvoiceDateBeforeTaxApproval: dated the day before the approval', async () => {
    await sim.control.setAccounts([approvedAccount()]);
    const failure = await failureOf(
      directory().accounts.resolve({ template_code: SALES_2026_TEMPLATE.template_code, invoice_series: SALES_2026_TEMPLATE.invoice_series, issued_date: '2026-04-19 23:59:59' }),
    );
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

  it('keeps one unknown account as one call however many invoices name it at once', async () => {
    const { accounts, calls } = directory();
    const failures = await Promise.all(Array.from({ length: 20 }, () => failureOf(accounts.resolve({ provider_account_id: 'gone' }))));
    expect(failures.every((f) => f.type === FailureType.SepayAccountUnavailable)).toBe(true);
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

describe('a refusal the cache would make is checked against SePay once more', () => {
  const sales = { template_code: SALES_TEMPLATE.template_code, invoice_series: SALES_TEMPLATE.invoice_series };
  // Each row: SePay refuses, the worker keeps that answer, then SePay changes its mind within the TTL.
  const rows = [
    {
      refusal: FailureType.SepayAccountNotChosen,
      before: () => [seededAccount(), approvedAccount()],
      after: () => [seededAccount(), { ...approvedAccount(), active: false }],
      invoice: {},
      reads: { listProviderAccounts: 2, getProviderAccount: 1 },
    },
    {
      refusal: FailureType.SepayAccountUnavailable,
      before: () => [seededAccount(), inactiveAccount()],
      after: () => [seededAccount(), { ...inactiveAccount(), active: true }],
      invoice: { provider_account_id: INACTIVE_ACCOUNT_ID },
      reads: { listProviderAccounts: 0, getProviderAccount: 2 },
    },
    {
      refusal: FailureType.SepayTemplateNotAllocated,
      before: () => [{ ...seededAccount(), templates: [VAT_TEMPLATE] }],
      after: () => [seededAccount()],
      invoice: { provider_account_id: SEEDED_ACCOUNT_ID, ...sales },
      reads: { listProviderAccounts: 0, getProviderAccount: 2 },
    },
    {
      refusal: FailureType.InvoiceDateBeforeTaxApproval,
      before: () => [approvedAccount()],
      after: () => [{ ...approvedAccount(), tax_authority_approved_date: '2026-04-01' }],
      invoice: { provider_account_id: APPROVED_ACCOUNT_ID, template_code: '2', invoice_series: 'C26TSE', issued_date: '2026-04-10 09:00:00' },
      reads: { listProviderAccounts: 0, getProviderAccount: 2 },
    },
  ];

  it.each(rows)('$refusal: a change at SePay within the TTL is seen at the next invoice, not after the TTL', async ({ refusal, before, after, invoice, reads }) => {
    await sim.control.setAccounts(before());
    const { accounts, calls } = directory();
    expect((await failureOf(accounts.resolve(invoice))).type).toBe(refusal);
    await sim.control.setAccounts(after());
    await expect(accounts.resolve(invoice)).resolves.toMatchObject({ providerAccountId: expect.any(String) });
    expect(calls).toEqual(reads);
  });

  it('refuses again from the fresh read when SePay still refuses, one read per refusal', async () => {
    const { accounts, calls } = directory();
    await failureOf(accounts.resolve({ provider_account_id: 'gone' }));
    expect(calls.getProviderAccount).toBe(1);
    expect((await failureOf(accounts.resolve({ provider_account_id: 'gone' }))).type).toBe(FailureType.SepayAccountUnavailable);
    expect(calls.getProviderAccount).toBe(2);
  });

  it('shares the re-read among a burst of invoices the cache would refuse', async () => {
    const { accounts, calls } = directory();
    await failureOf(accounts.resolve({ provider_account_id: 'gone' }));
    const failures = await Promise.all(Array.from({ length: 20 }, () => failureOf(accounts.resolve({ provider_account_id: 'gone' }))));
    expect(failures.every((f) => f.type === FailureType.SepayAccountUnavailable)).toBe(true);
    expect(calls.getProviderAccount).toBe(2);
  });

  it('re-reads the account detail the fresh list leads to, not only the list that refused', async () => {
    await sim.control.setAccounts([seededAccount(), approvedAccount()]);
    const { accounts, calls } = directory();
    // The seeded account's detail is kept (named by an invoice) while the list makes "none chosen" the answer.
    await accounts.resolve({ provider_account_id: SEEDED_ACCOUNT_ID });
    expect((await failureOf(accounts.resolve({}))).type).toBe(FailureType.SepayAccountNotChosen);
    await sim.control.setAccounts([{ ...seededAccount(), templates: [SALES_TEMPLATE] }, { ...approvedAccount(), active: false }]);
    const failure = await failureOf(accounts.resolve({}));
    expect(failure).toMatchObject({ type: FailureType.SepayTemplateNotAllocated, details: [{ allocatedPairs: [{ templateCode: '2', invoiceSeries: SALES_TEMPLATE.invoice_series }] }] });
    expect(calls).toEqual({ listProviderAccounts: 2, getProviderAccount: 2 });
  });

  it('after the VAT template is de-allocated, an invoice naming no pair is refused, not put on the sales template', async () => {
    const { accounts } = directory();
    expect(await accounts.resolve({})).toMatchObject({ templateCode: VAT_TEMPLATE.template_code });
    await sim.control.setAccounts([{ ...seededAccount(), templates: [SALES_TEMPLATE] }]);
    accounts.invalidate(); // what the create step does on SePay's 400
    const failure = await failureOf(accounts.resolve({}));
    expect(failure).toMatchObject({ type: FailureType.SepayTemplateNotAllocated, nonRetryable: true });
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
