/**
 * `npm run worker`: runs the invoice worker until SIGINT/SIGTERM, then lets in-flight activities
 * finish (up to WORKER_SHUTDOWN_GRACE) before exiting. Exit code 0 after a clean shutdown, 1 on
 * bad configuration or a fatal error.
 */
import { NativeConnection } from '@temporalio/worker';
import { loadWorkerConfig, WorkerConfigError } from './config.js';
import { temporalConnectConfig } from './connection.js';
import { createInvoiceWorker } from './create-worker.js';

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const { connectionOptions, namespace } = temporalConnectConfig();
  const connection = await NativeConnection.connect(connectionOptions);
  try {
    const worker = await createInvoiceWorker({ config, connection, namespace });
    const running = worker.run();
    console.log(`worker ready: task queue ${config.taskQueue}, namespace ${namespace}, Temporal ${connectionOptions.address ?? 'localhost:7233'}`);
    await running;
    console.log('worker stopped');
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof WorkerConfigError ? error.message : error);
  process.exit(1);
});
