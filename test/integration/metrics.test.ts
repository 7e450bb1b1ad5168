/**
 * The worker's Prometheus endpoint after real invoice runs: `worker/main.ts` in its own process
 * (the SDK Runtime and its exporter are process-wide) with WORKER_METRICS_ADDRESS, on the suite's
 * dev server and a simulator over HTTP. The project's counters must be there with the values the
 * runs imply, next to the SDK's own.
 */
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/server.js';
import { MetricName } from '../../worker/metrics.js';
import type { issueInvoiceWorkflow } from '../../workflows/index.js';
import type { IssueInvoiceInput } from '../../contract/input.js';
import { cancelInvoiceSignal, getInvoiceStatusQuery } from '../../contract/messages.js';
import { workflowIdFor } from '../../contract/reference-code.js';
import { fastPolling, sampleInvoice, uniqueKey } from '../support/invoice-test-env.js';
import { waitForStage } from '../support/workflow-assertions.js';
import { startMeteredWorker, type MeteredWorker } from '../support/metered-worker.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The text exposition format, as much of it as this test reads: `name{a="b",...} value`. */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** Sum of the samples called `name` whose labels include `labels`. */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

describe('the worker metrics endpoint', () => {
  const taskQueue = `metrics-${uniqueKey('queue')}`;
  let simulator: RunningSimulator;
  let metered: MeteredWorker | undefined;
  let connection: Connection;
  let client: Client;
  let metricsUrl: string;

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
    metered = await startMeteredWorker(taskQueue, simulator.baseUrl);
    metricsUrl = metered.metricsUrl;
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection, namespace: inject('temporalNamespace') });
  });

  afterAll(async () => {
    await Promise.allSettled([metered?.stop(), connection?.close(), simulator?.close()]);
  });

  function start(label: string, options: IssueInvoiceInput['options'] = {}, invoice: unknown = sampleInvoice) {
    const invoiceKey = uniqueKey(`metrics-${label}`);
    return client.workflow.start<typeof issueInvoiceWorkflow>('issueInvoiceWorkflow', {
      taskQueue,
      workflowId: workflowIdFor(invoiceKey),
      args: [{ invoiceKey, invoice: invoice as IssueInvoiceInput['invoice'], options: { ...fastPolling, ...options } }],
    });
  }

  const scrape = async () => parseMetrics(await (await fetch(metricsUrl)).text());

  it('serves the invoice, SePay and wait metrics with the values of the runs, beside the SDK ones', async () => {
    const issued = await start('issued');
    const cancelled = await start('cancelled', { approval: 'manual' });
    const invalid = await start('invalid', {}, { ...sampleInvoice, currency: 'EUR' });
    await waitForStage(cancelled, 'awaiting-approval');
    await cancelled.signal(cancelInvoiceSignal, { reason: 'metrics test' });
    expect(await issued.result()).toMatchObject({ outcome: 'issued' });
    expect(await cancelled.result()).toMatchObject({ outcome: 'cancelled' });
    await expect(invalid.result()).rejects.toThrow();

    // Workflow metrics leave the sandbox through a sink, after the task that ended the run.
    await expect.poll(async () => total(await scrape(), MetricName.invoices), { timeout: 10_000 }).toBe(3);
    const samples = await scrape();
    // The SDK tags workflow metrics in camelCase (taskQueue), its own in snake_case (task_queue).
    const myRuns = { taskQueue, workflowType: 'issueInvoiceWorkflow' };
    expect(total(samples, MetricName.invoices, { ...myRuns, outcome: 'issued' })).toBe(1);
    expect(total(samples, MetricName.invoices, { ...myRuns, outcome: 'cancelled' })).toBe(1);
    expect(total(samples, MetricName.invoices, { ...myRuns, outcome: 'failed' })).toBe(1);

    // SePay calls, by endpoint template and status (this process served only these runs).
    expect(total(samples, MetricName.apiRequests, { endpoint: 'POST /v1/token', status: '200' })).toBe(1);
    expect(total(samples, MetricName.apiRequests, { endpoint: 'POST /v1/invoices/create', status: '200' })).toBe(2);
    expect(total(samples, MetricName.apiRequests, { endpoint: 'POST /v1/invoices/issue', status: '200' })).toBe(1);
    expect(total(samples, `${MetricName.apiRequestDuration}_count`)).toBe(total(samples, MetricName.apiRequests));

    // Both waits of the issued run; the cancelled run's creation wait and its compensation check.
    expect(total(samples, `${MetricName.invoiceWaitDuration}_count`, { phase: 'issuance' })).toBe(1);
    expect(total(samples, `${MetricName.invoiceWaitDuration}_count`, { phase: 'creation' })).toBeGreaterThanOrEqual(2);
    expect(total(samples, `${MetricName.invoiceWaitDuration}_sum`)).toBeGreaterThan(0);

    // The SDK's runtime metrics come through the same endpoint.
    const mine = { task_queue: taskQueue };
    expect(total(samples, 'temporal_workflow_completed', mine)).toBe(2);
    expect(total(samples, 'temporal_workflow_failed', mine)).toBe(1);
    expect(total(samples, 'temporal_activity_execution_latency_count', mine)).toBeGreaterThan(0);

    // A query on a closed run replays its whole history on the worker; the replay counts nothing.
    for (const run of [issued, cancelled]) expect((await run.query(getInvoiceStatusQuery)).stage).toMatch(/issued|cancelled/);
    expect(total(await scrape(), 'temporal_workflow_task_replay_latency_count', mine)).toBeGreaterThan(0);
    expect(total(await scrape(), MetricName.invoices)).toBe(3);
  });
});
