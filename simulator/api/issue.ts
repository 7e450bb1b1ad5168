/** §7 POST /v1/invoices/issue: official issuance of an existing draft, as an asynchronous job. */
import { assertMayIssue } from '../accounts.js';
import { type Handler } from '../context.js';
import { ApiError, badRequest, notFound, ok, validate } from '../http.js';
import { isBeingSigned, isVisible } from '../invoices.js';
import { acceptJob, acceptedBody } from '../jobs.js';
import { IssueRequestRules } from '../rules/lookup-requests.js';

export const issueInvoice: Handler = ({ sim, json, origin }) => {
  const { reference_code } = validate(IssueRequestRules, json);
  const invoice = sim.state.invoices.get(reference_code);
  if (invoice) invoice.issue_requests++;
  if (!isVisible(sim.state, invoice)) throw notFound('Không tìm thấy hóa đơn nháp với reference_code này');
  if (invoice.pending_issue !== null || isBeingSigned(sim.state, invoice)) {
    // Assumption: an issue while one is in flight (an issue job, or a direct create being signed)
    // must not issue twice; 409 = "in use" (§15.2).
    throw new ApiError(409, 'EINVOICE_DOCUMENT_EXISTED', 'Hóa đơn đang được phát hành, vui lòng kiểm tra kết quả phát hành');
  }
  if (invoice.status !== 'draft') throw badRequest('reference_code: hóa đơn không ở trạng thái nháp (đã phát hành)');
  const account = sim.state.accounts.find((a) => a.id === invoice.request.provider_account_id);
  assertMayIssue(account, invoice.request.issued_date);
  return ok(acceptedBody(acceptJob(sim, 'issue', invoice), origin));
};
