/**
 * The docker-compose `worker` service, run natively (no Docker engine here): the image is built
 * by following the Dockerfile (test/deploy/native-image.ts), its CMD runs in the image's working
 * directory with the service's environment (the committed env example, then docker-compose.yml's
 * `environment`), and the compose health check runs against it. Only what names the container
 * network is pointed at this suite's dev server and a simulator on free ports instead.
 */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { InvoiceClient } from '../../client/invoice-client.js';
import { freePort } from '../../scripts/free-port.js';
import { SEEDED_ACCOUNT_ID } from '../../simulator/defaults.js';
import { startSimulator, type RunningSimulator } from '../../simulator/server.js';
import { envFilesOf, environmentOf, exampleOf, readComposeFile, readEnvFile, service } from '../deploy/compose-file.js';
import { readDockerfile } from '../deploy/dockerfile.js';
import { buildImageNatively, type NativeImage } from '../deploy/native-image.js';
import { fastPolling, sampleInvoice, uniqueKey } from '../support/invoice-test-env.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

const compose = readComposeFile();
const worker = service(compose, 'worker');
const dockerfile = readDockerfile();

/** The compose worker's environment as a container gets it: image ENV, env file (its committed example), `environment`. */
function composeWorkerEnvironment(): Record<string, string> {
  const envFiles = envFilesOf(worker).map((file) => readEnvFile(exampleOf(file)));
  return Object.assign({}, dockerfile.env, ...envFiles, environmentOf(worker)) as Record<string, string>;
}

/** Runs the compose health check's command (after `CMD`) with the container's environment; its exit code. */
async function runHealthCheck(env: Record<string, string>): Promise<number | null> {
  const [kind, program, ...args] = [worker.healthcheck?.test ?? []].flat();
  expect([kind, program]).toEqual(['CMD', 'node']);
  const check = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' });
  const [code] = (await once(check, 'exit')) as [number | null];
  return code;
}

describe('the production worker (docker-compose `worker` service, run natively)', () => {
  const composeEnv = composeWorkerEnvironment();
  let image: NativeImage | undefined;
  let simulator: RunningSimulator | undefined;
  let workerProcess: WorkerProcess | undefined;
  let invoices: InvoiceClient | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    image = await buildImageNatively();
    // The simulator accepts the example's credentials, so the worker uses them unchanged.
    simulator = await startSimulator({ port: 0, clientId: composeEnv.SEPAY_CLIENT_ID, clientSecret: composeEnv.SEPAY_CLIENT_SECRET });
    env = {
      ...composeEnv,
      // Container-network names and ports, replaced by this machine's.
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      SEPAY_BASE_URL: simulator.baseUrl,
      SEPAY_PROVIDER_ACCOUNT_ID: SEEDED_ACCOUNT_ID,
      WORKER_HEALTH_ADDRESS: `127.0.0.1:${await freePort()}`,
      WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
      // Shared dev server: a queue of its own. Encryption on, as a production operator would run it.
      SEPAY_TASK_QUEUE: uniqueKey('production-worker'),
      PAYLOAD_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    };
    const [program, ...args] = dockerfile.cmd;
    expect(program).toBe('node');
    workerProcess = await startWorkerProcess(env, { nodeArgs: args, cwd: image.appDir });
    invoices = await InvoiceClient.connect(env);
  });

  afterAll(async () => {
    await invoices?.close();
    await workerProcess?.stop();
    await simulator?.close();
    image?.remove();
  });

  it('issues an invoice end to end, passes the compose health check, and exits 0 on SIGTERM', async () => {
    const key = uniqueKey('production');
    await invoices!.issue(key, sampleInvoice, fastPolling);
    const result = await invoices!.result(key);
    expect(result.outcome, workerProcess!.output()).toBe('issued');

    expect(await runHealthCheck(env)).toBe(0);

    // What `docker compose stop` sends the container's main process.
    expect(await workerProcess!.stop(), workerProcess!.output()).toEqual({ code: 0, signal: null });
    expect(await runHealthCheck(env)).not.toBe(0);
  });
});
