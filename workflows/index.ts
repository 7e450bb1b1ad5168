/** The workflow bundle's entry: every workflow type this project's workers run. */
export { issueInvoiceWorkflow } from './issue-invoice.js';
export { usageMonitorWorkflow } from './usage-monitor.js';
export { reconciliationWorkflow } from './reconciliation.js';
