/**
 * The metrics of the scheduled monitoring workflows (usage and reconciliation), named once for the
 * code that records them and for `worker/metrics.ts`, which lists every metric the worker serves.
 */
export const MonitoringMetricName = {
  quotaRemaining: 'sepay_quota_remaining',
  reconciliationFindings: 'sepay_reconciliation_findings',
  reconciliationInvoices: 'sepay_reconciliation_invoices_scanned',
} as const;
