/**
 * The usage monitor's activity: SePay's remaining issuance quota (`GET /v1/usage`), exported as the
 * `sepay_quota_remaining` gauge of the worker that read it, through the activity's metric meter
 * (the worker's Prometheus endpoint; a no-op without one).
 */
import { Context } from '@temporalio/activity';
import type { SepayClient } from '../sepay/index.js';
import { MonitoringMetricName } from '../workflows/monitoring-metrics.js';
import { sepayCall } from './sepay-failure.js';

export interface UsageActivityDeps {
  sepay: Pick<SepayClient, 'getUsage'>;
}

export type UsageActivities = ReturnType<typeof createUsageActivities>;

export function createUsageActivities({ sepay }: UsageActivityDeps) {
  return {
    async readQuota(): Promise<{ quotaRemaining: number }> {
      const context = Context.current();
      const quotaRemaining = await sepayCall(() => sepay.getUsage({ signal: context.cancellationSignal }));
      context.metricMeter
        .createGauge(MonitoringMetricName.quotaRemaining, 'int', 'invoices', 'Issuances left in the SePay plan, as last read by this worker')
        .set(quotaRemaining);
      return { quotaRemaining };
    },
  };
}
