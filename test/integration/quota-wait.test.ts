/**
 * An empty SePay quota is a durable wait, not a failure: 20 invoices run into an empty quota and
 * wait in `awaiting-quota`; one is cancelled while waiting; the worker holding the waits is killed
 * and replaced; the merchant tops up and signals `quotaToppedUp`; every other invoice is then
 * issued exactly once, and the cancelled one leaves no draft. Worker processes are real
 * (`worker/main.ts`), so the kill is a SIGKILL of a process, not an in-process shutdown.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { InvoiceClient } from '../../client/invoice-client.js';
import { SimulatorControl } from '../../simulator/control-client.js';
import { startSimulator, type RunningSimulator } from '../../simulator/server.js';
import { getInvoiceStatusQuery, quotaToppedUpSignal } from '../../contract/messages.js';
import { fastPolling, sampleInvoice, uniqueKey } from '../support/invoice-test-env.js';
import { startWorkerProcess, suiteWorkerEnv, type WorkerProcess } from '../support/worker-process.js';

const INVOICES = 20;

describe('waiting for quota', () => {
  const taskQueue = `quota-${randomUUID()}`;
  const keys = Array.from({ length: INVOICES }, (_, i) => uniqueKey(`quota-${i}`));
  const cancelledKey = keys[0]!;
  const workers: WorkerProcess[] = [];
  let simulator: RunningSimulator;
  let sim: SimulatorControl;
  let connection: Connection;
  let invoices: InvoiceClient;

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0, jobSettleMs: 1_000, quota: 0 });
    sim = new SimulatorControl(simulator.baseUrl);
    connection = await Connection.connect({ address: inject('temporalAddress') });
    invoices = new InvoiceClient({ client: new Client({ connection, namespace: inject('temporalNamespace') }), taskQueue });
    workers.push(await startWorkerProcess(suiteWorkerEnv(taskQueue, simulator.baseUrl)));
  });

  afterAll(async () => {
    await Promise.allSettled(workers.map((worker) => worker.stop()));
    await Promise.allSettled([connection?.close(), simulator?.close()]);
  });

  const stageOf = async (key: string) => (await invoices.getStatus(key)).stage;

  it('holds every invoice in awaiting-quota, with its draft at SePay and nothing issued', async () => {
    for (const key of keys) await invoices.issue(key, sampleInvoice, { ...fastPolling, pollFastPhase: '1s' });
    await expect.poll(async () => (await Promise.all(keys.map(stageOf))).filter((stage) => stage === 'awaiting-quota').length, { timeout: 60_000, interval: 250 }).toBe(INVOICES);
    const held = (await sim.invoices()).invoices;
    expect(held.filter((invoice) => invoice.status === 'draft')).toHaveLength(INVOICES);
    expect(held.filter((invoice) => invoice.status === 'issued')).toHaveLength(0);
  });

  it('cancels a waiting invoice: accepted, and its draft is deleted', async () => {
    expect(await invoices.requestCancellation(cancelledKey, 'customer withdrew the order')).toMatchObject({ accepted: true, stage: 'awaiting-quota' });
    expect(await invoices.result(cancelledKey)).toMatchObject({ outcome: 'cancelled', draftDeleted: true });
  });

  it('keeps the waits through a SIGKILL of their worker and a new one taking over, history flat', async () => {
    const waiting = keys.slice(1);
    const eventsBefore = await Promise.all(waiting.map(async (key) => (await invoices.handle(key).fetchHistory()).events?.length ?? 0));
    process.kill(-workers[0]!.pid, 'SIGKILL');
    workers.push(await startWorkerProcess(suiteWorkerEnv(taskQueue, simulator.baseUrl)));
    // Long enough for the killed worker's attempts to time out (10 s heartbeat) and move over.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    expect(await Promise.all(waiting.map(stageOf))).toEqual(waiting.map(() => 'awaiting-quota'));
    const eventsAfter = await Promise.all(waiting.map(async (key) => (await invoices.handle(key).fetchHistory()).events?.length ?? 0));
    console.log(`history events while waiting for quota: ${Math.max(...eventsBefore)} before the kill, ${Math.max(...eventsAfter)} after 12 s more`);
    // Retries of the wait add no events; at most the lost attempt's timeout and its restart show.
    eventsAfter.forEach((after, i) => expect(after - eventsBefore[i]!).toBeLessThanOrEqual(4));
  });

  it('issues every waiting invoice exactly once after the top-up signal, and the cancelled one never', async () => {
    await sim.topUpQuota(100);
    const waiting = keys.slice(1);
    for (const key of waiting) await invoices.handle(key).signal(quotaToppedUpSignal);
    const results = await Promise.all(waiting.map((key) => invoices.result(key)));
    expect(results.every((result) => result.outcome === 'issued')).toBe(true);

    const held = (await sim.invoices()).invoices;
    for (const key of waiting) {
      const ofKey = held.filter((invoice) => invoice.reference_code === key || invoice.reference_code.startsWith(`${key}~`));
      expect(ofKey.map((invoice) => invoice.status)).toEqual(['issued']);
      expect(ofKey[0]!.issue_requests).toBeGreaterThanOrEqual(1);
    }
    const cancelled = held.filter((invoice) => invoice.reference_code === cancelledKey);
    expect(cancelled.map((invoice) => invoice.status)).toEqual(['deleted']);
    expect(await sim.quota()).toBe(100 - waiting.length);
    const status = await invoices.handle(waiting[0]!).query(getInvoiceStatusQuery);
    expect(status.stage).toBe('issued');
  });
});
