/** Every fault kind of the control API, and the request statistics benchmarks rely on. */
import { describe, expect, it } from 'vitest';
import { expectError, invoiceBody, uniqueRef, useSimulator } from './harness.js';

const sim = useSimulator();

describe('request faults', () => {
  it('latency delays the answer', async () => {
    await sim.api.accessToken();
    await sim.control.addFault({ endpoint: 'usage', kind: 'latency', latencyMs: 300, times: 1 });
    const started = Date.now();
    expect((await sim.api.call('GET', '/v1/usage')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('error answers 503 by default (or the given status) without performing the request', async () => {
    await sim.control.addFault({ endpoint: 'create', kind: 'error', times: 2 });
    const ref = uniqueRef('err');
    const first = await sim.api.create(invoiceBody({ reference_code: ref }));
    expectError(first, 503, 'SERVICE_UNAVAILABLE');
    expectError(await sim.api.create(invoiceBody({ reference_code: ref })), 503);
    expect((await sim.control.invoices()).invoices).toEqual([]);
    expect((await sim.api.create(invoiceBody({ reference_code: ref }))).status).toBe(200);

    await sim.control.addFault({ endpoint: '*', kind: 'error', status: 500, times: 1 });
    expectError(await sim.api.call('GET', '/v1/usage'), 500, 'INTERNAL_ERROR');
  });

  it('rate-limit answers 429 RATE_LIMITED with Retry-After', async () => {
    await sim.control.addFault({ endpoint: 'detail', kind: 'rate-limit', retryAfterSeconds: 7, times: 1 });
    const reply = await sim.api.detail('whatever');
    expectError(reply, 429, 'RATE_LIMITED');
    expect(reply.headers.get('retry-after')).toBe('7');
    expectError(await sim.api.detail('whatever'), 404);
  });

  it('drop-after-commit commits, drops the answer, and a re-send gets 409: one invoice, two create requests', async () => {
    const ref = uniqueRef('drop');
    await sim.control.addFault({ endpoint: 'create', kind: 'drop-after-commit', times: 1 });
    await expect(sim.api.create(invoiceBody({ reference_code: ref }))).rejects.toThrow();
    expectError(await sim.api.create(invoiceBody({ reference_code: ref })), 409, 'EINVOICE_DOCUMENT_EXISTED');

    const { invoices } = await sim.control.invoices();
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({ reference_code: ref, status: 'pending', create_requests: 2 });
    const stats = await sim.control.stats();
    expect(stats.dropped).toBe(1);
    expect(stats.endpointStatuses.create).toEqual({ '200': 1, '409': 1 });
  });

  it('restricts a rule to one reference code', async () => {
    const [a, b] = [uniqueRef('a'), uniqueRef('b')];
    await sim.api.createDraft(a);
    await sim.api.createDraft(b);
    await sim.control.addFault({ endpoint: 'detail', kind: 'error', referenceCode: a });
    expectError(await sim.api.detail(a), 503);
    expect((await sim.api.detail(b)).status).toBe(200);
    expectError(await sim.api.detail(a), 503);
  });

  it('draws probabilistic faults from a seed: the same seed gives the same pattern', async () => {
    const pattern = async () => {
      await sim.control.clearFaults();
      await sim.control.addFault({ endpoint: 'usage', kind: 'error', probability: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await sim.api.call('GET', '/v1/usage')).status);
      return statuses;
    };
    const first = await pattern();
    expect(await pattern()).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 503]));
  });

  it('refuses a malformed rule with 400 naming the field', async () => {
    await expect(sim.control.addFault({ endpoint: 'nope' as 'create', kind: 'error' })).rejects.toThrow(/endpoint/);
    await expect(sim.control.addFault({ endpoint: 'usage', kind: 'job-fail' })).rejects.toThrow(/endpoint/);
    await expect(sim.control.addFault({ endpoint: 'usage', kind: 'error', probability: 2 })).rejects.toThrow(/probability/);
  });
});

describe('job faults', () => {
  it('job-pending-forever holds a job until faults are cleared', async () => {
    await sim.control.addFault({ endpoint: 'create', kind: 'job-pending-forever', times: 1 });
    const held = await sim.api.create(invoiceBody({ reference_code: uniqueRef('held') }));
    for (let i = 0; i < 5; i++) expect((await sim.api.check('create', held.body.data.tracking_code as string)).body.data.status).toBe('Pending');
    // times: 1 — only the first job is held.
    expect((await sim.api.createDraft(uniqueRef('free'))).status).toBe('Success');

    await sim.control.clearFaults();
    expect((await sim.api.check('create', held.body.data.tracking_code as string)).body.data.status).toBe('Success');
  });

  it('job-fail ends a create job Failed with the message, and an issue job Failed leaving the draft', async () => {
    await sim.control.addFault({ endpoint: 'create', kind: 'job-fail', message: 'Ký hiệu hóa đơn không hợp lệ', times: 1 });
    expect(await sim.api.createDraft(uniqueRef('fail'))).toMatchObject({ status: 'Failed', message: 'Ký hiệu hóa đơn không hợp lệ' });

    const ref = uniqueRef('issue-fail');
    await sim.api.createDraft(ref);
    await sim.control.addFault({ endpoint: 'issue-check', kind: 'job-fail', times: 1 });
    expect((await sim.api.issueDraft(ref)).status).toBe('Failed');
    expect((await sim.api.detail(ref)).body.data.status).toBe('draft');
    expect((await sim.api.issueDraft(ref)).invoice.status).toBe('issued');
  });
});

describe('idle jobs', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('a job being polled settles by its check count, however long that takes', async () => {
    await sim.control.setJobChecks(3, 400);
    const accepted = await sim.api.create(invoiceBody({ reference_code: uniqueRef('polled') }));
    const statuses: string[] = [];
    for (let i = 0; i < 4; i++) {
      await sleep(150);
      statuses.push((await sim.api.check('create', accepted.body.data.tracking_code as string)).body.data.status as string);
    }
    expect(statuses).toEqual(['Pending', 'Pending', 'Pending', 'Success']);
  });

  it('settle on their own when nobody checks them, so a client that lost the tracking code finds the invoice', async () => {
    await sim.control.setJobChecks(1, 300);
    const ref = uniqueRef('background');
    await sim.api.create(invoiceBody({ reference_code: ref }));
    expectError(await sim.api.detail(ref), 404);
    await sleep(400);
    expect((await sim.api.detail(ref)).body.data.status).toBe('draft');
  });
});

describe('stats', () => {
  it('counts requests per endpoint and status; reset clears them', async () => {
    await sim.api.accessToken();
    await sim.control.resetStats();
    await sim.api.call('GET', '/v1/usage');
    await sim.api.call('GET', '/nowhere');
    await sim.api.call('POST', '/v1/usage');
    const stats = await sim.control.stats();
    expect(stats.endpoints).toMatchObject({ usage: 2, unmatched: 1 });
    expect(stats.statuses).toMatchObject({ '200': 1, '404': 1, '405': 1 });
    expect(stats.total).toBe(3);
  });
});
