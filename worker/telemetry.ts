/**
 * What the worker process reports about itself: Prometheus metrics on WORKER_METRICS_ADDRESS
 * (the SDK's runtime metrics and the project's, see `metrics.ts`). Installs the SDK Runtime,
 * which is process-wide and must come before the first connection.
 */
import { Runtime } from '@temporalio/worker';
import type { WorkerConfig } from './config.js';
import { invoiceWaitMetrics, prometheusExporter, sepayRequestMetrics } from './metrics.js';
import type { SupervisorOptions } from './supervisor.js';

export interface WorkerTelemetry {
  /** For every worker the supervisor creates. */
  workerOptions: NonNullable<SupervisorOptions['workerOptions']>;
  shutdown(): Promise<void>;
}

export function installTelemetry(config: WorkerConfig): WorkerTelemetry {
  Runtime.install({
    // Signals are main.ts's, not the Runtime's: a stop must also end a wait between connection attempts.
    shutdownSignals: [],
    telemetryOptions: config.metricsAddress ? { metrics: prometheusExporter(config.metricsAddress) } : undefined,
  });
  const { metricMeter } = Runtime.instance();
  return {
    workerOptions: {
      sepayObserver: sepayRequestMetrics(metricMeter),
      overrides: { interceptors: { activity: [invoiceWaitMetrics(metricMeter)] } },
    },
    shutdown: async () => undefined,
  };
}
