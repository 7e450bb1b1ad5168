/**
 * Build B's change WITHOUT the `patched()` guard: what must never be deployed while runs of build
 * A are open. Replaying one of their histories schedules the preflight activity where the history
 * recorded build A's first commands, and the replay fails with a nondeterminism error. Only the
 * replay checks bundle this module.
 */
import type { IssueInvoiceInput } from '../../contract/input.js';
import { issueInvoiceWorkflow as issueInvoiceWorkflowBuildA } from '../../workflows/issue-invoice.js';
import type { IssueInvoiceResult } from '../../contract/messages.js';
import { preflight } from './preflight-change.js';

export async function issueInvoiceWorkflow(input: IssueInvoiceInput): Promise<IssueInvoiceResult> {
  await preflight();
  return issueInvoiceWorkflowBuildA(input);
}
