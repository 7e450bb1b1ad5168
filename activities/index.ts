export {
  createActivities,
  type AwaitJobInput,
  type CreateInvoiceInput,
  type CreateInvoiceOutcome,
  type DeleteDraftOutcome,
  type InvoiceActivities,
  type InvoiceActivityDeps,
  type AccountResolver,
  type Preparation,
  type PrepareInvoiceInput,
  type QuotaReader,
  type ResolvedAccount,
  type InvoiceDefaults,
  type IssueOutcome,
  type ReferenceCodeState,
  type JobOutcome,
} from './invoice-activities.js';
export { inputActivities, type InputActivities } from './input-activities.js';
