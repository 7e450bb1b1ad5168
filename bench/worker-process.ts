/**
 * A benchmark worker in its own process, so its memory is measured alone: the invoice worker built
 * exactly as `npm run worker` builds it, or a baseline worker (no-op activities, or the minimal SePay
 * integration of bench/minimal-activities.ts) with the same settings. Settings come
 * from the same environment variables (`worker/config.ts`), the Temporal connection from TEMPORAL_*,
 * the workflow code from the prebuilt bundle at WORKFLOW_BUNDLE_PATH.
 *
 * Spoken to over the IPC channel `spawn-worker.ts` opens: it says `ready` once polling, answers
 * `usage` with its RSS, peak RSS and CPU time, and shuts down on `stop` or when its parent goes away.
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadWorkerConfig } from '../worker/config.js';
import { temporalConnectConfig } from '../client/temporal-connection.js';
import { createInvoiceWorker } from '../worker/create-worker.js';
import { SepayClient } from '../sepay/client.js';
import { baselineActivities } from './baseline-activities.js';
import { createMinimalActivities } from './minimal-activities.js';
import type { ParentMessage, WorkerMessage } from './worker-messages.js';

const kind = process.env.BENCH_WORKER_KIND;
if (kind !== 'invoice' && kind !== 'baseline' && kind !== 'minimal') throw new Error(`BENCH_WORKER_KIND must be "invoice", "baseline" or "minimal", got "${kind}"`);

Runtime.install({ logger: new DefaultLogger('WARN') });
const send = (message: WorkerMessage) => process.send?.(message);

const config = loadWorkerConfig();
if (!config.workflowBundlePath) throw new Error('WORKFLOW_BUNDLE_PATH is required: the bench bundles the workflows once for all its workers');
const { connectionOptions, namespace } = temporalConnectConfig();
const connection = await NativeConnection.connect(connectionOptions);
const worker =
  kind === 'invoice'
    ? await createInvoiceWorker({ config, connection, namespace })
    : await Worker.create({
        connection,
        namespace,
        taskQueue: config.taskQueue,
        // The minimal integration calls SePay with the worker's own settings; the baseline calls nothing.
        activities:
          kind === 'minimal'
            ? createMinimalActivities(new SepayClient({ environment: config.sepay.environment, timeoutMs: config.sepay.timeoutMs, clientId: config.sepay.clientId, clientSecret: config.sepay.clientSecret }))
            : baselineActivities,
        workflowBundle: { codePath: config.workflowBundlePath },
        maxConcurrentActivityTaskExecutions: config.maxConcurrentActivities,
        maxConcurrentWorkflowTaskExecutions: config.maxConcurrentWorkflowTasks,
        maxCachedWorkflows: config.maxCachedWorkflows,
        shutdownGraceTime: config.shutdownGraceMs,
      });

process.on('message', (message: ParentMessage) => {
  if (message.type === 'usage') {
    // getrusage on every platform Node runs on: maxRSS is the high-water mark in KiB, CPU times in µs.
    const usage = process.resourceUsage();
    const memory = process.memoryUsage();
    send({
      type: 'usage',
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      externalBytes: memory.external,
      peakRssBytes: usage.maxRSS * 1024,
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    });
  } else if (message.type === 'stop') {
    worker.shutdown();
  }
});
// The bench died or was interrupted: don't outlive it.
process.on('disconnect', () => {
  if (worker.getState() === 'RUNNING') worker.shutdown();
});

const running = worker.run();
send({ type: 'ready' });
try {
  await running;
} finally {
  await connection.close();
}
// Open handles (the IPC channel) would keep the process alive; the profile (--cpu-prof) is written on exit.
process.exit(0);
