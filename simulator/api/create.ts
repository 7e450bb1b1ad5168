/** §5 POST /v1/invoices/create: validate synchronously, then accept an asynchronous job. */
import { randomUUID } from 'node:crypto';
import { accountForCreate, assertMayIssue } from '../accounts.js';
import { type Handler } from '../context.js';
import { ApiError, ok, validate } from '../http.js';
import { newInvoice } from '../invoices.js';
import { acceptJob, acceptedBody } from '../jobs.js';
import { CreateRequestRules } from '../rules/create-request.js';

export const DUPLICATE_MESSAGE = 'Hệ thống đã ghi nhận hoá đơn cho mã tham chiếu này.';

export const createInvoice: Handler = ({ sim, json, origin }) => {
  const request = validate(CreateRequestRules, json);
  const account = accountForCreate(sim.state, request);
  const reference_code = request.reference_code ?? randomUUID();
  const existing = sim.state.invoices.get(reference_code);
  if (existing) {
    // Any earlier create keeps the code taken: pending, failed, deleted alike (§23 #6).
    existing.create_requests++;
    throw new ApiError(409, 'EINVOICE_DOCUMENT_EXISTED', DUPLICATE_MESSAGE);
  }
  if (!request.is_draft) {
    assertMayIssue(account, request.issued_date);
    if (sim.state.quota <= 0) {
      throw new ApiError(403, 'QUOTA_EXCEEDED', 'Đã hết hạn ngạch hóa đơn điện tử, vui lòng nâng cấp gói dịch vụ');
    }
  }
  const invoice = newInvoice(sim.state, { ...request, reference_code }, 'api', sim.now());
  return ok(acceptedBody(acceptJob(sim, 'create', invoice), origin));
};
