/**
 * What the worker process reports about itself: Prometheus metrics on WORKER_METRICS_ADDRESS
 * (the SDK's runtime metrics and the project's, see `metrics.ts`) and, when WORKER_TRACING is on,
 * OpenTelemetry spans (`tracing.ts`). Installs the SDK Runtime, which is process-wide and must
 * come before the first connection. With payload encryption on, neither its log lines nor its spans
 * carry failure messages or stacks (they may quote the buyer): types, codes and ids only.
 */
import type { MetricMeter } from '@temporalio/common';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { WorkerConfig } from './config.js';
import { prebuiltBundlePath } from './create-worker.js';
import { invoiceWaitMetrics, prometheusExporter, sepayRequestMetrics } from './metrics.js';
import { redactingLogger } from './redacting-logger.js';
import type { SupervisorOptions } from './supervisor.js';
import { OTEL_WORKFLOW_INTERCEPTORS, spanExporterFor, startTracing, type Tracing } from './tracing.js';

export interface WorkerTelemetry {
  /** For every worker the supervisor creates. */
  workerOptions: NonNullable<SupervisorOptions['workerOptions']>;
  /** Exports the spans still buffered. */
  shutdown(): Promise<void>;
}

export function installTelemetry(config: WorkerConfig): WorkerTelemetry {
  const redactFailures = config.payloadEncryption !== undefined;
  Runtime.install({
    // The SDK's default logger; sdk-core's log lines are forwarded to it as well.
    logger: redactFailures ? redactingLogger(new DefaultLogger('INFO')) : new DefaultLogger('INFO'),
    // Signals are main.ts's, not the Runtime's: a stop must also end a wait between connection attempts.
    shutdownSignals: [],
    telemetryOptions: config.metricsAddress ? { metrics: prometheusExporter(config.metricsAddress) } : undefined,
  });
  const tracing = config.tracing === 'off' ? undefined : startTracing(spanExporterFor(config.tracing), { redactFailures });
  return {
    workerOptions: telemetryWorkerOptions(config, Runtime.instance().metricMeter, tracing),
    shutdown: async () => tracing?.shutdown(),
  };
}

/** Interceptors, sinks and the SePay observer that report to `meter` and, if given, `tracing`. */
export function telemetryWorkerOptions(config: WorkerConfig, meter: MetricMeter, tracing?: Tracing): WorkerTelemetry['workerOptions'] {
  return {
    sepayObserver: sepayRequestMetrics(meter),
    overrides: {
      interceptors: {
        activity: [invoiceWaitMetrics(meter), ...(tracing?.activityInterceptors ?? [])],
        // A prebuilt bundle carries its workflow interceptors already (the traced variant).
        workflowModules: tracing && !prebuiltBundlePath(config) ? [OTEL_WORKFLOW_INTERCEPTORS] : [],
      },
      sinks: tracing?.sinks,
    },
  };
}
