/**
 * The switchable modes (README "Modes"): each behaviour SePay allows but does not promise, seen over
 * HTTP, plus how modes are set (start options, control API) and reset.
 */
import { describe, expect, it } from 'vitest';
import { SimulatorControl } from '../../simulator/control-client.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_MODES, startSimulator } from '../../simulator/server.js';
import { expectError, invoiceBody, uniqueRef, useSimulator } from './harness.js';

const sim = useSimulator();

async function newToken(): Promise<string> {
  const basic = Buffer.from(`${DEFAULT_CLIENT_ID}:${DEFAULT_CLIENT_SECRET}`).toString('base64');
  const reply = await sim.api.call('POST', '/v1/token', { token: false, headers: { authorization: `Basic ${basic}` } });
  expect(reply.status).toBe(200);
  return reply.body.data.access_token as string;
}

describe('setting modes', () => {
  it('starts all off, changes only the modes named, and reset turns them off again', async () => {
    expect(await sim.control.modes()).toEqual(DEFAULT_MODES);
    expect(DEFAULT_MODES).toEqual({ draftVisibleWhileSigning: false, trackingNotFoundChecks: 0, singleActiveToken: false });
    expect(await sim.control.setModes({ singleActiveToken: true })).toEqual({ ...DEFAULT_MODES, singleActiveToken: true });
    expect(await sim.control.setModes({ trackingNotFoundChecks: 3 })).toEqual({
      ...DEFAULT_MODES,
      singleActiveToken: true,
      trackingNotFoundChecks: 3,
    });
    await sim.control.reset();
    expect(await sim.control.modes()).toEqual(DEFAULT_MODES);
  });

  it('refuses a misspelt mode or a wrong value with a 400 naming it', async () => {
    const typo = await sim.api.call('PUT', '/__sim/modes', { body: { singleActivToken: true }, token: false });
    expectError(typo, 400, 'BAD_REQUEST');
    expect(typo.body.error.message).toMatch(/singleActivToken/);
    const negative = await sim.api.call('PUT', '/__sim/modes', { body: { trackingNotFoundChecks: -1 }, token: false });
    expectError(negative, 400, 'BAD_REQUEST');
    expect(negative.body.error.message).toMatch(/trackingNotFoundChecks/);
    expect(await sim.control.modes()).toEqual(DEFAULT_MODES);
  });

  it('takes modes as start options, and reset returns to them', async () => {
    const simulator = await startSimulator({ port: 0, modes: { draftVisibleWhileSigning: true } });
    try {
      const control = new SimulatorControl(simulator.baseUrl);
      const started = { ...DEFAULT_MODES, draftVisibleWhileSigning: true };
      expect(await control.modes()).toEqual(started);
      await control.setModes({ draftVisibleWhileSigning: false, singleActiveToken: true });
      await control.reset();
      expect(await control.modes()).toEqual(started);
    } finally {
      await simulator.close();
    }
  });
});

describe('draftVisibleWhileSigning', () => {
  it('off: a direct create is invisible until its job succeeded', async () => {
    const ref = uniqueRef('signing-off');
    const accepted = await sim.api.create(invoiceBody({ reference_code: ref, is_draft: false }));
    expect(accepted.status).toBe(200);
    expectError(await sim.api.detail(ref), 404, 'NOT_FOUND');
  });

  it('on: shows a direct create as draft "0" while Pending, refuses to issue or delete it, then shows it issued', async () => {
    await sim.control.setModes({ draftVisibleWhileSigning: true });
    const ref = uniqueRef('signing');
    const accepted = await sim.api.create(invoiceBody({ reference_code: ref, is_draft: false }));
    expect(accepted.status).toBe(200);

    expect((await sim.api.detail(ref)).body.data).toMatchObject({ reference_code: ref, status: 'draft', invoice_number: '0', document_type: 1 });
    const list = (await sim.api.call('GET', '/v1/invoices')).body.data.items;
    expect(list).toEqual([expect.objectContaining({ reference_code: ref, status: 'draft', invoice_number: '0' })]);
    // It is being issued: a second issuance must not start (409, in use), and it is no plain draft.
    expectError(await sim.api.issue(ref), 409, 'EINVOICE_DOCUMENT_EXISTED');
    expectError(await sim.api.call('POST', `/v1/invoices/delete/${ref}`), 400, 'BAD_REQUEST');

    const done = await sim.api.settle('create', accepted);
    expect(done).toMatchObject({ status: 'Success', invoice: { status: 'issued', invoice_number: '1' } });
    expect((await sim.api.detail(ref)).body.data).toMatchObject({ status: 'issued', invoice_number: '1' });
    expect((await sim.control.invoices()).invoices).toMatchObject([{ reference_code: ref, status: 'issued', issue_requests: 1 }]);
  });

  it('on: a direct create whose job fails is gone again', async () => {
    await sim.control.setModes({ draftVisibleWhileSigning: true });
    await sim.control.addFault({ endpoint: 'create', kind: 'job-fail', message: 'chữ ký lỗi' });
    const ref = uniqueRef('signing-fails');
    const accepted = await sim.api.create(invoiceBody({ reference_code: ref, is_draft: false }));
    expect((await sim.api.detail(ref)).status).toBe(200);
    expect(await sim.api.settle('create', accepted)).toMatchObject({ status: 'Failed', message: 'chữ ký lỗi' });
    expectError(await sim.api.detail(ref), 404, 'NOT_FOUND');
  });

  it('on: a draft create stays invisible while Pending (only direct creates are being signed)', async () => {
    await sim.control.setModes({ draftVisibleWhileSigning: true });
    const ref = uniqueRef('draft-pending');
    expect((await sim.api.create(invoiceBody({ reference_code: ref, is_draft: true }))).status).toBe(200);
    expectError(await sim.api.detail(ref), 404, 'NOT_FOUND');
  });
});

describe('trackingNotFoundChecks', () => {
  it('answers 404 to the first N checks of a new create or issue tracking code, then follows the job', async () => {
    await sim.control.setModes({ trackingNotFoundChecks: 2 });
    const ref = uniqueRef('unknown-yet');
    const created = await sim.api.create(invoiceBody({ reference_code: ref }));
    const createCode = created.body.data.tracking_code as string;
    expectError(await sim.api.check('create', createCode), 404, 'NOT_FOUND');
    expectError(await sim.api.check('create', createCode), 404, 'NOT_FOUND');
    // The 404s did not count as checks: the default job speed (one Pending) still applies.
    expect((await sim.api.check('create', createCode)).body.data.status).toBe('Pending');
    expect((await sim.api.check('create', createCode)).body.data.status).toBe('Success');

    const issued = await sim.api.issue(ref);
    const issueCode = issued.body.data.tracking_code as string;
    expectError(await sim.api.check('issue', issueCode), 404, 'NOT_FOUND');
    expectError(await sim.api.check('issue', issueCode), 404, 'NOT_FOUND');
    expect(await sim.api.settle('issue', issued)).toMatchObject({ status: 'Success', invoice: { status: 'issued' } });
  });

  it('leaves tracking codes accepted before the mode was switched on alone', async () => {
    const created = await sim.api.create(invoiceBody({ reference_code: uniqueRef('before-mode') }));
    await sim.control.setModes({ trackingNotFoundChecks: 5 });
    expect((await sim.api.check('create', created.body.data.tracking_code as string)).status).toBe(200);
  });
});

describe('singleActiveToken', () => {
  it('off: earlier tokens stay valid after a new one is issued', async () => {
    const first = await newToken();
    await newToken();
    expect((await sim.api.call('GET', '/v1/usage', { token: first })).status).toBe(200);
  });

  it('on: a new token revokes every older one with 401', async () => {
    await sim.control.setModes({ singleActiveToken: true });
    try {
      const first = await newToken();
      const second = await newToken();
      expectError(await sim.api.call('GET', '/v1/usage', { token: first }), 401, 'UNAUTHORIZED');
      expect((await sim.api.call('GET', '/v1/usage', { token: second })).status).toBe(200);
    } finally {
      // The harness's cached token was revoked too; later tests fetch a fresh one.
      sim.api.forgetToken();
    }
  });
});

describe('issue of a non-draft (default behaviour, no mode needed)', () => {
  it('answers 409 while the issue job is in flight and 400 "not a draft" once issued', async () => {
    const ref = uniqueRef('non-draft');
    await sim.api.createDraft(ref);
    const first = await sim.api.issue(ref);
    expectError(await sim.api.issue(ref), 409, 'EINVOICE_DOCUMENT_EXISTED');
    await sim.api.settle('issue', first);
    const again = await sim.api.issue(ref);
    expectError(again, 400, 'BAD_REQUEST');
    expect(again.body.error.message).toMatch(/không ở trạng thái nháp/);
  });
});
