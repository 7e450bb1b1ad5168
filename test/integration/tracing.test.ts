/**
 * OpenTelemetry tracing of an invoice run, on the suite's dev server with the simulator over HTTP:
 *
 * - in this process, the worker options `installTelemetry` gives, a prebuilt bundle carrying the
 *   OpenTelemetry workflow interceptors (as `npm run build` writes it) and an in-memory exporter:
 *   workflow and activity spans of one run share a trace;
 * - `worker/main.ts` in its own process with WORKER_TRACING=console, bundling the sources at
 *   start (the `npm run worker` default): the spans reach its output by the time it has stopped.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/server.js';
import { loadWorkerConfig } from '../../worker/config.js';
import { createInvoiceWorker, WORKFLOWS_PATH } from '../../worker/create-worker.js';
import { telemetryWorkerOptions } from '../../worker/telemetry.js';
import { OTEL_WORKFLOW_INTERCEPTORS, startTracing } from '../../worker/tracing.js';
import type { issueInvoiceWorkflow } from '../../workflows/index.js';
import { workflowIdFor } from '../../contract/reference-code.js';
import { fastPolling, sampleInvoice, uniqueKey } from '../support/invoice-test-env.js';
import { startWorkerProcess, suiteWorkerEnv } from '../support/worker-process.js';

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

describe('tracing', () => {
  const bundleDir = mkdtempSync(join(tmpdir(), 'sepay-tracing-'));
  let simulator: RunningSimulator;
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection, namespace: inject('temporalNamespace') });
  });

  afterAll(async () => {
    await Promise.allSettled([connection?.close(), simulator?.close()]);
    rmSync(bundleDir, { recursive: true, force: true });
  });

  const workerEnv = (taskQueue: string): Record<string, string> => ({
    ...suiteWorkerEnv(taskQueue, simulator.baseUrl),
    WORKER_TRACING: 'console',
  });

  async function issue(taskQueue: string): Promise<void> {
    const invoiceKey = uniqueKey('tracing');
    const run = await client.workflow.start<typeof issueInvoiceWorkflow>('issueInvoiceWorkflow', {
      taskQueue,
      workflowId: workflowIdFor(invoiceKey),
      args: [{ invoiceKey, invoice: sampleInvoice, options: fastPolling }],
    });
    expect(await run.result()).toMatchObject({ outcome: 'issued' });
  }

  it('traces the workflow and its activities in one trace, from a prebuilt traced bundle', async () => {
    const taskQueue = `tracing-${uniqueKey('queue')}`;
    const bundlePath = join(bundleDir, 'workflow-bundle.traced.js');
    const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, workflowInterceptorModules: [OTEL_WORKFLOW_INTERCEPTORS], logger: silent });
    writeFileSync(bundlePath, bundle.code);
    const config = loadWorkerConfig({ ...workerEnv(taskQueue), WORKFLOW_BUNDLE_PATH: bundlePath });
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing(exporter);
    const nativeConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
    try {
      const worker = await createInvoiceWorker({
        config,
        connection: nativeConnection,
        namespace: inject('temporalNamespace'),
        ...telemetryWorkerOptions(config, Runtime.instance().metricMeter, tracing),
      });
      await worker.runUntil(issue(taskQueue));
      await tracing.flush();

      // This exporter saw this one run only.
      const spans = exporter.getFinishedSpans();
      const run = spans.find((span) => span.name === 'RunWorkflow:issueInvoiceWorkflow');
      expect(run, spans.map((span) => span.name).join(', ')).toBeDefined();
      const inRun = spans.filter((span) => span.spanContext().traceId === run!.spanContext().traceId);
      const names = new Set(inRun.map((span) => span.name));
      for (const activity of ['prepareInvoice', 'createInvoice', 'awaitCreation', 'issueInvoice', 'awaitIssuance', 'fetchInvoiceDetail']) {
        expect(names).toContain(`StartActivity:${activity}`);
        expect(names).toContain(`RunActivity:${activity}`);
      }
    } finally {
      await Promise.allSettled([tracing.shutdown(), nativeConnection.close()]);
    }
  });

  it('prints the spans of `npm run worker` with WORKER_TRACING=console, bundling the sources at start', async () => {
    const taskQueue = `tracing-${uniqueKey('queue')}`;
    const worker = await startWorkerProcess(workerEnv(taskQueue));
    try {
      await issue(taskQueue);
    } finally {
      expect(await worker.stop(), worker.output()).toEqual({ code: 0, signal: null });
    }
    // Printed by the console exporter when the worker flushes on its way out.
    expect(worker.output()).toContain("name: 'RunWorkflow:issueInvoiceWorkflow'");
    expect(worker.output()).toContain("name: 'RunActivity:issueInvoice'");
    expect(worker.output()).not.toContain('Ignoring WorkerOptions.interceptors.workflowModules');
  });
});
