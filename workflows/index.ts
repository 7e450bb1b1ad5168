/** The workflow bundle's entry: every workflow type this project's workers run. */
export { issueInvoiceWorkflow } from './issue-invoice.js';
