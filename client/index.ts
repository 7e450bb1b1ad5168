/** The client side of the project: what business apps import. */
export { InvoiceClient, TemporalUnreachableError, type CancellationRequestOutcome, type InvoiceClientOptions, type InvoiceWorkflowHandle, type IssuedRun } from './invoice-client.js';
export { InvalidInvoiceInputError, validateIssueInput } from './issue-input.js';
export { failureType } from './failure-type.js';
export { type InvoiceListEntry } from './invoice-listing.js';
export { FailureType } from '../contract/failure-types.js';
export { type IssueInvoiceInput } from '../contract/input.js';
export { type InvoiceStage, type InvoiceStatus, type IssueInvoiceResult, type IssuedInvoice } from '../contract/messages.js';
