/**
 * The project's own metrics, served by the SDK's Prometheus endpoint (WORKER_METRICS_ADDRESS)
 * beside its `temporal_*` runtime metrics. The SDK adds no prefix to custom metrics, so the names
 * below are the names Prometheus shows:
 *
 * - `sepay_invoices_total{outcome}`: runs that ended issued, cancelled or failed. Counted by the
 *   workflow itself (`workflows/issue-invoice.ts`) through the workflow `metricMeter`, which the
 *   SDK silences while replaying, so a run counts once however often it is replayed.
 * - `sepay_api_requests_total{endpoint,status}` and `sepay_api_request_duration_ms{endpoint}`:
 *   every HTTP request to SePay, `status` being the HTTP status or `timeout`/`network`.
 * - `sepay_invoice_wait_duration_ms{phase}`: how long SePay took to finish a create or issue job,
 *   from the first status check being scheduled to the check that found it done.
 * - `sepay_quota_remaining`: SePay's remaining quota as this worker last read it (the usage
 *   monitor schedule); `sepay_reconciliation_findings{kind}` and
 *   `sepay_reconciliation_invoices_scanned`: the last reconciliation this worker finished
 *   (docs/monitoring.md).
 *
 * Durations are milliseconds, like the SDK's own. Without an exporter the SDK's meter is a no-op.
 */
import type { Context as ActivityContext } from '@temporalio/activity';
import type { MetricMeter } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, MetricsExporterConfig } from '@temporalio/worker';
import type { SepayObserver } from '../sepay/index.js';
import { MonitoringMetricName } from '../workflows/monitoring-metrics.js';
import { formatListenAddress, type ListenAddress } from './listen-address.js';

export const MetricName = {
  invoices: 'sepay_invoices_total',
  apiRequests: 'sepay_api_requests_total',
  apiRequestDuration: 'sepay_api_request_duration_ms',
  invoiceWaitDuration: 'sepay_invoice_wait_duration_ms',
  ...MonitoringMetricName,
} as const;

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The SDK's default buckets stop at 10 s; SePay jobs can take hours. */
const HISTOGRAM_BUCKETS: Record<string, number[]> = {
  [MetricName.apiRequestDuration]: [25, 50, 100, 250, 500, SECOND, 2.5 * SECOND, 5 * SECOND, 10 * SECOND, 30 * SECOND],
  [MetricName.invoiceWaitDuration]: [SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 30 * SECOND, MINUTE, 5 * MINUTE, 30 * MINUTE, HOUR, 6 * HOUR, 24 * HOUR],
};

export function prometheusExporter(address: ListenAddress): MetricsExporterConfig {
  return { prometheus: { bindAddress: formatListenAddress(address), histogramBucketOverrides: HISTOGRAM_BUCKETS } };
}

/** Counts and times SePay requests (the transport's observer hook). */
export function sepayRequestMetrics(meter: MetricMeter): SepayObserver {
  const requests = meter.createCounter(MetricName.apiRequests, 'requests', 'HTTP requests to SePay, by endpoint and status');
  const duration = meter.createHistogram(MetricName.apiRequestDuration, 'int', 'ms', 'Duration of HTTP requests to SePay');
  return ({ endpoint, status, durationMs }) => {
    requests.add(1, { endpoint, status: String(status) });
    duration.record(Math.round(durationMs), { endpoint });
  };
}

/** The activities that wait for a SePay job, and the phase each one waits for. */
const WAIT_PHASES: Readonly<Record<string, 'creation' | 'issuance'>> = { awaitCreation: 'creation', awaitIssuance: 'issuance' };

/** Records `sepay_invoice_wait_duration_ms` when a wait activity succeeds. */
export function invoiceWaitMetrics(meter: MetricMeter): ActivityInterceptorsFactory {
  const waited = meter.createHistogram(MetricName.invoiceWaitDuration, 'int', 'ms', 'Time SePay took to finish a create or issue job');
  return (context: ActivityContext) => ({
    inbound: {
      async execute(input, next) {
        const result = await next(input);
        const phase = WAIT_PHASES[context.info.activityType];
        // The first attempt's schedule time: a wait spans all its retries.
        if (phase) waited.record(Math.max(0, Date.now() - context.info.scheduledTimestampMs), { phase });
        return result;
      },
    } satisfies ActivityInboundCallsInterceptor,
  });
}
