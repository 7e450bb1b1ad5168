/**
 * Validation of `issue()` input in the caller's process, so a bad invoice is refused with every
 * field problem at once and no workflow is started for it.
 */
import { FailureType } from '../contract/failure-types.js';
import { describeIssues, IssueInvoiceInputSchema, type ParsedIssueInvoiceInput } from '../contract/input.js';

/** Same `type` as the workflow's own non-retryable failure, so callers match one name either way. */
export class InvalidInvoiceInputError extends Error {
  override readonly name = 'InvalidInvoiceInputError';
  readonly type = FailureType.InvalidInvoiceInput;

  /** @param issues one line per problem, each starting with the field path, e.g. `invoice.items.0.quantity: ...` */
  constructor(readonly issues: string[]) {
    super(`invalid invoice input: ${issues.join('; ')}`);
  }
}

/** The workflow input with defaults applied, or `InvalidInvoiceInputError`. */
export function validateIssueInput(input: unknown): ParsedIssueInvoiceInput {
  const parsed = IssueInvoiceInputSchema.safeParse(input);
  if (!parsed.success) throw new InvalidInvoiceInputError(describeIssues(parsed.error));
  return parsed.data;
}
