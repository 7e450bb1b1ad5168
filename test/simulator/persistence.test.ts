/** With a state file, a restarted simulator keeps its invoices, jobs, counters, tokens and modes. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SimulatorControl } from '../../simulator/control-client.js';
import { DEFAULT_MODES, startSimulator, type RunningSimulator } from '../../simulator/server.js';
import { SimApi, invoiceBody } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'sepay-sim-'));
const stateFile = join(dir, 'nested', 'state.json');
const running: RunningSimulator[] = [];

async function start(): Promise<{ api: SimApi; simulator: RunningSimulator }> {
  const simulator = await startSimulator({ port: 0, stateFile, jobSettleMs: null });
  running.push(simulator);
  return { simulator, api: new SimApi(simulator.baseUrl) };
}

afterAll(async () => {
  await Promise.all(running.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('persistence', () => {
  it('keeps an issued invoice, a pending job and the token across a restart', async () => {
    const first = await start();
    await first.api.createDraft('kept-invoice');
    await first.api.issueDraft('kept-invoice');
    const pending = await first.api.create(invoiceBody({ reference_code: 'kept-pending' }));
    const tracking = pending.body.data.tracking_code as string;
    expect((await first.api.check('create', tracking)).body.data.status).toBe('Pending');
    const token = await first.api.accessToken();
    await first.simulator.close();
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ version: 1, quota: 9999 });

    const second = await start();
    const api = new SimApi(second.simulator.baseUrl);
    // The old token still works: a worker keeps going through a simulator restart.
    const detail = await api.call('GET', '/v1/invoices/kept-invoice', { token });
    expect(detail.body.data).toMatchObject({ status: 'issued', invoice_number: '1' });
    // The job remembers its one check: the next one settles it.
    const check = await api.call('GET', `/v1/invoices/create/check/${tracking}`, { token });
    expect(check.body.data).toMatchObject({ status: 'Success', reference_code: 'kept-pending' });
    // Series counters survive too.
    await api.issueDraft('kept-pending');
    expect((await api.detail('kept-pending')).body.data.invoice_number).toBe('2');
    expect((await api.call('GET', '/v1/usage')).body.data.quota_remaining).toBe('9998');
  });

  it('keeps the modes across a restart, and loads a file written before modes existed', async () => {
    const modesFile = join(dir, 'modes.json');
    const first = await startSimulator({ port: 0, stateFile: modesFile });
    running.push(first);
    await new SimulatorControl(first.baseUrl).setModes({ singleActiveToken: true, trackingNotFoundChecks: 2 });
    await first.close();
    const saved = JSON.parse(readFileSync(modesFile, 'utf8')) as Record<string, unknown>;
    expect(saved.modes).toEqual({ ...DEFAULT_MODES, singleActiveToken: true, trackingNotFoundChecks: 2 });

    const second = await startSimulator({ port: 0, stateFile: modesFile });
    running.push(second);
    expect(await new SimulatorControl(second.baseUrl).modes()).toEqual({ ...DEFAULT_MODES, singleActiveToken: true, trackingNotFoundChecks: 2 });
    await second.close();

    delete saved.modes;
    writeFileSync(modesFile, JSON.stringify(saved));
    const third = await startSimulator({ port: 0, stateFile: modesFile });
    running.push(third);
    expect(await new SimulatorControl(third.baseUrl).modes()).toEqual(DEFAULT_MODES);
  });

  it('lists invoices newest first after loading a file that holds them in another order', async () => {
    const orderFile = join(dir, 'order.json');
    const first = await startSimulator({ port: 0, stateFile: orderFile });
    running.push(first);
    await new SimulatorControl(first.baseUrl).addBulkInvoices({ count: 3, referencePrefix: 'saved-' });
    await first.close();
    const saved = JSON.parse(readFileSync(orderFile, 'utf8')) as { invoices: unknown[] };
    writeFileSync(orderFile, JSON.stringify({ ...saved, invoices: saved.invoices.reverse() }));

    const second = await startSimulator({ port: 0, stateFile: orderFile });
    running.push(second);
    const list = await new SimApi(second.baseUrl).call('GET', '/v1/invoices');
    expect(list.body.data.items.map((i: { reference_code: string }) => i.reference_code)).toEqual(['saved-3', 'saved-2', 'saved-1']);
  });

  it('refuses to start from a corrupt state file', async () => {
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"version": 2}');
    await expect(startSimulator({ port: 0, stateFile: corrupt })).rejects.toThrow(/state file/);
  });
});
