/**
 * With payload encryption on, a SePay error message that quotes the buyer is kept encrypted in
 * history and appears in no log line and no span: `worker/main.ts` runs in its own process with
 * keys and WORKER_TRACING=console, SePay (the simulator) fails with a marker in its message, and
 * the worker's whole output (the SDK's and sdk-core's log lines, the exported spans) is searched.
 */
import { Client, Connection } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FailureType, InvoiceClient } from '../../client/index.js';
import { dataConverterFromEnv } from '../../codec/data-converter.js';
import { SimulatorControl } from '../../simulator/control-client.js';
import { startSimulator, type RunningSimulator } from '../../simulator/server.js';
import { keyEntry } from '../codec/keyring.js';
import { fastPolling, sampleInvoice, uniqueKey } from '../support/invoice-test-env.js';
import { failureOf } from '../support/workflow-assertions.js';
import { startWorkerProcess, suiteWorkerEnv, type WorkerProcess } from '../support/worker-process.js';

const MARKER = 'BUYER-MARKER-7f3a';
const quote = `Mã số thuế của ${MARKER} không hợp lệ`;
const keys = { PAYLOAD_ENCRYPTION_KEYS: keyEntry('k1') };

describe('no SePay message text in logs or spans when payloads are encrypted', () => {
  let simulator: RunningSimulator;
  let worker: WorkerProcess;
  let invoices: InvoiceClient;
  const failures: ApplicationFailure[] = [];

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
    const sim = new SimulatorControl(simulator.baseUrl);
    const taskQueue = `redaction-${uniqueKey('queue')}`;
    worker = await startWorkerProcess({ ...suiteWorkerEnv(taskQueue, simulator.baseUrl), ...keys, WORKER_TRACING: 'console' });
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    const client = new Client({ connection, namespace: inject('temporalNamespace'), dataConverter: dataConverterFromEnv(keys) });
    invoices = new InvoiceClient({ client, taskQueue });
    try {
      // A failed create job (SepayJobFailed) and a refused create request (SepayValidationFailed).
      await sim.addFault({ endpoint: 'create', kind: 'job-fail', times: 1, message: quote });
      const failedJob = uniqueKey('redaction-job');
      await invoices.issue(failedJob, sampleInvoice, fastPolling);
      failures.push(await failureOf(invoices.result(failedJob)));
      await sim.addFault({ endpoint: 'create', kind: 'error', status: 400, times: 1, message: quote });
      const refused = uniqueKey('redaction-400');
      await invoices.issue(refused, sampleInvoice, fastPolling);
      failures.push(await failureOf(invoices.result(refused)));
    } finally {
      // The console exporter prints the spans when the worker flushes on its way out.
      expect(await worker.stop(), worker.output()).toEqual({ code: 0, signal: null });
      await connection.close();
    }
  });

  afterAll(async () => {
    await worker?.stop();
    await simulator?.close();
  });

  it('the runs failed typed, and the keyed client reads the SePay message with the marker', () => {
    expect(failures.map(({ type }) => type)).toEqual([FailureType.SepayJobFailed, FailureType.SepayValidationFailed]);
    expect(failures[0]?.message).toContain(MARKER);
  });

  it('the worker logged the failures by type', () => {
    // SePay's answers (a failed job, a refused request) are activity results: the run's failure is what is logged.
    expect(worker.output()).toMatch(/Workflow failed/);
    expect(worker.output()).toContain(FailureType.SepayJobFailed);
    expect(worker.output()).toContain(FailureType.SepayValidationFailed);
  });

  it('the worker exported the spans of the failed runs', () => {
    expect(worker.output()).toContain("name: 'RunWorkflow:issueInvoiceWorkflow'");
    expect(worker.output()).toContain("name: 'RunActivity:awaitCreation'");
    expect(worker.output()).toContain("'exception.type'");
  });

  it('the marker appears nowhere in the worker output', () => {
    expect(worker.output()).not.toContain(MARKER);
  });
});
