/**
 * Every failure type reaches the client typed, produced by the matching simulator behaviour; and
 * the retryable ones (5xx storm, 429 with Retry-After, expired token) still end in an issued invoice.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_SECRET, SEEDED_ACCOUNT_ID, SEEDED_TEMPLATES } from '../../simulator/defaults.js';
import { FailureType } from '../../contract/failure-types.js';
import { saveHistory } from '../support/histories.js';
import { sampleInvoice, startInvoiceTestEnv, uniqueKey, useInvoiceTestEnv } from '../support/invoice-test-env.js';
import { failureOf, scheduledActivities, waitForStage } from '../support/workflow-assertions.js';

const env = useInvoiceTestEnv();

describe('typed failures', () => {
  it('InvalidInvoiceInput names every bad field and calls SePay not once', async () => {
    const before = await env.sim.stats();
    const badInvoice = { ...sampleInvoice, currency: 'EUR', items: [{ ...sampleInvoice.items[0], quantity: 1.234 }] };
    const failure = await failureOf((await env.start(uniqueKey('bad-input'), {}, badInvoice)).result());

    expect(failure.type).toBe(FailureType.InvalidInvoiceInput);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('invoice.currency');
    expect(failure.message).toContain('invoice.items.0.quantity');
    expect((await env.sim.stats()).total).toBe(before.total);
  });

  it('SepayValidationFailed when SePay refuses the create body itself', async () => {
    await env.sim.addFault({ endpoint: 'create', kind: 'error', status: 400, message: 'items.0.item_name: tên hàng hóa không hợp lệ', times: 1 });
    const failure = await failureOf((await env.start(uniqueKey('refused-body'))).result());
    expect(failure.type).toBe(FailureType.SepayValidationFailed);
    expect(failure.message).toContain('item_name');
  });

  it('SepayQuotaExceeded from SePay (403) on a direct create is not a failure: the same create is asked again after a backoff', async () => {
    const key = uniqueKey('no-quota');
    // The worker's gauge still reads quota; SePay refuses anyway (a race with another system).
    await env.sim.addFault({ endpoint: 'create', kind: 'error', status: 403, code: 'QUOTA_EXCEEDED', times: 1 });
    const handle = await env.start(key, { mode: 'direct' });
    const result = await handle.result();
    await saveHistory(handle, 'quota-refused-retried-in-place');
    expect(result.outcome).toBe('issued');
    const [atSepay] = (await env.sim.invoices()).invoices;
    expect(atSepay).toMatchObject({ reference_code: key, status: 'issued' });
    // Past the point of no return the refusal is waited out inside the step: no step back, no second code.
    expect(await scheduledActivities(handle)).toEqual(['createInvoice', 'awaitCreation', 'fetchInvoiceDetail']);
  });

  it('SepayRegistrationNotApproved when the tax authority has not approved the account', async () => {
    await env.sim.setAccounts([
      { id: SEEDED_ACCOUNT_ID, provider: 'matbao', active: true, templates: [...SEEDED_TEMPLATES], registration_approved: false },
    ]);
    const failure = await failureOf((await env.start(uniqueKey('unapproved'))).result());
    expect(failure.type).toBe(FailureType.SepayRegistrationNotApproved);
  });

  it('SepayReferenceConflict when another invoice already holds the reference code', async () => {
    const key = uniqueKey('taken');
    // A draft made by hand in SePay's web UI under the key's code: not ours to issue or delete.
    await env.sim.addManualInvoice(
      {
        ...sampleInvoice,
        template_code: '1',
        invoice_series: 'C25TAT',
        provider_account_id: SEEDED_ACCOUNT_ID,
        issued_date: '2026-01-02 09:00:00',
        reference_code: key,
        buyer: { name: 'Someone else entirely' },
      },
      'draft',
    );

    const failure = await failureOf((await env.start(key)).result());
    expect(failure.type).toBe(FailureType.SepayReferenceConflict);
    expect(failure.nonRetryable).toBe(true);
    const [held] = (await env.sim.invoices()).invoices;
    expect(held).toMatchObject({ reference_code: key, status: 'draft', source: 'manual' });
  });

  it('SepayJobFailed when SePay reports the create job Failed', async () => {
    await env.sim.addFault({ endpoint: 'create', kind: 'job-fail', message: 'Sai thông tin người mua' });
    const handle = await env.start(uniqueKey('job-failed'));
    const failure = await failureOf(handle.result());
    expect(failure.type).toBe(FailureType.SepayJobFailed);
    expect(failure.message).toContain('Sai thông tin người mua');
    expect((await handle.describe()).memo).toMatchObject({ referenceCodeSpent: true });
  });

  it('SepayJobFailed on a direct create also marks the reference code spent', async () => {
    await env.sim.addFault({ endpoint: 'create', kind: 'job-fail', message: 'Ký số thất bại' });
    const handle = await env.start(uniqueKey('direct-failed'), { mode: 'direct' });
    expect((await failureOf(handle.result())).type).toBe(FailureType.SepayJobFailed);
    expect((await handle.describe()).memo).toMatchObject({ referenceCodeSpent: true });
  });

  it('a create still Pending past the creation deadline fails the run, saying its draft may yet appear', async () => {
    const key = uniqueKey('stuck');
    await env.sim.addFault({ endpoint: 'create', kind: 'job-pending-forever' });
    const handle = await env.start(key, { creationTimeout: '2s', pollFastPhase: '1s' });
    const failure = await failureOf(handle.result());
    // The deadline passed with the create job still running: compensation cannot promise no draft.
    expect(failure.type).toBe(FailureType.CompensationFailed);
    expect(failure.message).toContain(key);
  });

  it('SepayAuthFailed when the worker holds wrong credentials', async () => {
    const wrongCredentials = await startInvoiceTestEnv({ clientSecret: 'not-what-the-worker-has' });
    try {
      const failure = await failureOf((await wrongCredentials.start(uniqueKey('bad-auth'))).result());
      expect(failure.type).toBe(FailureType.SepayAuthFailed);
      expect(failure.message).not.toContain(DEFAULT_CLIENT_SECRET);
    } finally {
      await wrongCredentials.close();
    }
  });
});

describe('retryable faults end in an issued invoice', () => {
  it('rides out a storm of 5xx answers (SepayUnavailable)', async () => {
    const key = uniqueKey('storm');
    await env.sim.addFault({ endpoint: '*', kind: 'error', status: 503, times: 3 });
    const result = await (await env.start(key)).result();
    expect(result.outcome).toBe('issued');
    expect((await env.sim.stats()).statuses['503']).toBe(3);
  });

  it('waits as long as Retry-After says on 429 (SepayRateLimited)', async () => {
    const key = uniqueKey('throttled');
    await env.sim.addFault({ endpoint: 'create', kind: 'rate-limit', retryAfterSeconds: 2, times: 1 });
    const started = Date.now();
    const result = await (await env.start(key)).result();
    expect(result.outcome).toBe('issued');
    // The retry came no sooner than the server asked, not after the 1 s default backoff.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
  });

  it('runs the first step inside the first workflow task, and as a regular activity once SePay fails its local attempts', async () => {
    const common = await env.start(uniqueKey('first-step-local'));
    expect((await common.result()).outcome).toBe('issued');
    expect(await scheduledActivities(common)).toEqual(['createInvoice', 'awaitCreation', 'issueInvoice', 'awaitIssuance', 'fetchInvoiceDetail']);

    // SePay down past the local attempts (4): the regular activity takes over.
    await env.sim.addFault({ endpoint: 'detail', kind: 'error', status: 503, times: 6 });
    const held = await env.start(uniqueKey('first-step-fallback'));
    expect((await held.result()).outcome).toBe('issued');
    expect((await scheduledActivities(held))[0]).toBe('prepareInvoice');
    await saveHistory(held, 'first-step-fallback');
  });

  it('gets a new token when SePay expires it mid-flow', async () => {
    const key = uniqueKey('expired-token');
    const handle = await env.start(key, { approval: 'manual' });
    await waitForStage(handle, 'awaiting-approval');
    const tokensBefore = (await env.sim.stats()).endpoints.token ?? 0;
    await env.sim.expireTokens();
    await handle.signal('approveIssuance', {});
    expect((await handle.result()).outcome).toBe('issued');
    // One refresh after the expiry, however many calls saw the stale token.
    expect((await env.sim.stats()).endpoints.token).toBe(tokensBefore + 1);
  });
});
