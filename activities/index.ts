export {
  createActivities,
  type AwaitJobInput,
  type CreateInvoiceInput,
  type CreateInvoiceOutcome,
  type DeleteDraftOutcome,
  type InvoiceActivities,
  type InvoiceActivityDeps,
  type InvoiceDefaults,
  type JobOutcome,
} from './invoice-activities.js';
