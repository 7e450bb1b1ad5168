/** Business rules tied to the provider account: which account and series may be used, and when. */
import { ApiError, badRequest } from './http.js';
import { type SimCreateRequest } from './rules/create-request.js';
import { type SimAccount, type SimState } from './state.js';

/** 400s name the field at fault, like every other validation error. */
export function accountForCreate(state: SimState, request: Pick<SimCreateRequest, 'provider_account_id' | 'template_code' | 'invoice_series'>): SimAccount {
  const account = state.accounts.find((a) => a.id === request.provider_account_id);
  if (!account) throw badRequest('provider_account_id: tài khoản nhà cung cấp hóa đơn không tồn tại');
  if (!account.active) throw badRequest('provider_account_id: tài khoản nhà cung cấp hóa đơn chưa được kích hoạt');
  const pair = account.templates.find(
    (t) => t.template_code === request.template_code && t.invoice_series === request.invoice_series,
  );
  if (!pair) {
    throw badRequest(
      'invoice_series: cặp template_code/invoice_series không thuộc tài khoản nhà cung cấp (xem GET /v1/provider-accounts/{id})',
    );
  }
  return account;
}

/** §7 422s, checked before an official issuance is accepted (issue, or create with is_draft:false). */
export function assertMayIssue(account: SimAccount | undefined, issuedDate: string): void {
  if (!account?.registration_approved) {
    throw new ApiError(
      422,
      'REGISTRATION_NOT_TAX_APPROVED',
      'Đăng ký sử dụng hóa đơn điện tử chưa được cơ quan thuế chấp thuận',
    );
  }
  const approved = account.tax_authority_approved_date;
  if (approved !== null && issuedDate.slice(0, 10) < approved) {
    throw new ApiError(
      422,
      'INVOICE_DATE_BEFORE_TAX_APPROVAL',
      `Ngày hóa đơn (${issuedDate.slice(0, 10)}) trước ngày cơ quan thuế chấp thuận (${approved})`,
    );
  }
}
