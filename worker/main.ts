/**
 * `npm run worker`: runs the invoice worker until SIGINT/SIGTERM, then lets in-flight activities
 * finish (up to WORKER_SHUTDOWN_GRACE) before exiting. Prints `worker ready: …` whenever it polls
 * a reachable server and `worker not ready: …` when it loses it (then reconnects with backoff);
 * serves /livez and /readyz on WORKER_HEALTH_ADDRESS and Prometheus metrics on
 * WORKER_METRICS_ADDRESS. Exit code 0 after a requested shutdown (activities still running after
 * WORKER_SHUTDOWN_GRACE are cancelled), 1 on bad configuration or an error retrying cannot fix.
 */
import { loadWorkerConfig, WorkerConfigError } from './config.js';
import { temporalConnectConfig } from '../client/temporal-connection.js';
import { startHealthServer } from './health.js';
import { formatListenAddress } from './listen-address.js';
import { WorkerSupervisor } from './supervisor.js';
import { installTelemetry } from './telemetry.js';

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const telemetry = installTelemetry(config);
  const stopRequested = new AbortController();
  // A repeated signal is not a harder stop: `npm run`/tsx and process managers that signal the
  // whole process group deliver SIGTERM more than once. SIGKILL is there for "stop now".
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopRequested.signal.aborted) return;
      console.log(`${signal}: stopping, in-flight activities get ${config.shutdownGraceMs} ms`);
      stopRequested.abort();
    });
  }
  const { connectionOptions, namespace } = temporalConnectConfig();
  const supervisor = new WorkerSupervisor({ config, connectionOptions, namespace, signal: stopRequested.signal, workerOptions: telemetry.workerOptions });
  const health = config.healthAddress && (await startHealthServer(config.healthAddress, () => supervisor.readiness()));
  if (health) console.log(`health endpoints: ${health.url}/livez ${health.url}/readyz`);
  if (config.metricsAddress) console.log(`metrics endpoint: http://${formatListenAddress(config.metricsAddress)}/metrics`);
  try {
    await supervisor.run();
    console.log('worker stopped');
  } finally {
    await Promise.all([health?.close(), telemetry.shutdown()]);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof WorkerConfigError ? error.message : error);
  process.exit(1);
});
