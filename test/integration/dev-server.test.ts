/**
 * The foundation: a real workflow on the real dev server with a real worker, found again through a
 * custom search attribute with a visibility query.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { InvoiceStage } from '../../contract/search-attributes.js';
import { requestNamingHost } from '../support/host-request.js';
import { stageTaggedWorkflow } from './fixtures/stage-tagged-workflow.js';

describe('Temporal dev server harness', () => {
  let connection: Connection;
  let client: Client;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection, namespace: inject('temporalNamespace') });
    bundle = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./fixtures/stage-tagged-workflow.ts', import.meta.url)),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
  });
  afterAll(async () => {
    await connection?.close();
  });

  it('runs a workflow on a real worker and finds it by a custom search attribute', async () => {
    const taskQueue = `harness-${randomUUID()}`;
    const stage = `stage-${randomUUID()}`;
    const workerConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const worker = await Worker.create({
      connection: workerConnection,
      namespace: inject('temporalNamespace'),
      taskQueue,
      workflowBundle: bundle,
    });
    try {
      const result = await worker.runUntil(
        client.workflow.execute(stageTaggedWorkflow, { taskQueue, workflowId: `harness-${stage}`, args: [stage] }),
      );
      expect(result).toBe(`tagged ${stage}`);
    } finally {
      await workerConnection.close();
    }

    // Visibility is eventually consistent: poll briefly until the closed run is indexed.
    const query = `${InvoiceStage.name} = "${stage}"`;
    let found: string[] = [];
    for (let i = 0; i < 50 && found.length === 0; i++) {
      found = [];
      for await (const execution of client.workflow.list({ query })) found.push(execution.workflowId);
      if (found.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(found).toEqual([`harness-${stage}`]);
  });

  it('answers its HTTP API only for a Host that names its loopback address: a rebound DNS name gets 403 (issue #20)', async () => {
    const port = Number(new URL(inject('temporalHttpAddress')).port);
    const namespace = encodeURIComponent(inject('temporalNamespace'));
    // A cross-site text/plain POST, as a hostile page sends it: no preflight.
    const terminate = (host: string) =>
      requestNamingHost(port, host, 'POST', `/api/v1/namespaces/${namespace}/workflows/no-such-run-${randomUUID()}/terminate`, { 'content-type': 'text/plain' });

    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      expect((await requestNamingHost(port, host, 'GET', `/api/v1/namespaces/${namespace}`)).status).toBe(200);
      // Reaches the server, which finds no such run.
      expect((await terminate(host)).status).toBe(404);
    }
    for (const host of [`attacker.example:${port}`, 'attacker.example', `127.0.0.1:${port + 1}`]) {
      // The server's own refusal (gRPC PermissionDenied, 7), sent without a JSON content type.
      const refused = await terminate(host);
      expect(refused.status).toBe(403);
      expect(JSON.parse(String(refused.body))).toEqual({ code: 7, message: 'Host not allowed' });
      expect((await requestNamingHost(port, host, 'GET', `/api/v1/namespaces/${namespace}`)).status).toBe(403);
    }
  });
});
