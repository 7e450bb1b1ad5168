/** §9 delete draft, §10 detail, §11 list. */
import { type Handler } from '../context.js';
import { badRequest, notFound, ok, validate } from '../http.js';
import { isVisible, visibleInvoice } from '../invoices.js';
import { paginateNewestFirst, queryOf } from '../paging.js';
import { ListQueryRules } from '../rules/lookup-requests.js';
import { type InvoiceRecord } from '../state.js';
import { detailOf, summaryOf } from '../views.js';

const INVOICES_PER_PAGE = 10;
const NOT_FOUND_MESSAGE = 'Không tìm thấy hóa đơn với reference_code này';

export const getInvoice: Handler = ({ sim, params, origin }) => {
  const invoice = visibleInvoice(sim.state, params.reference_code ?? '');
  if (!invoice) throw notFound(NOT_FOUND_MESSAGE);
  return ok(detailOf(invoice, origin));
};

/** Newest first (the docs leave the order open, §23 #15); the state keeps invoices in creation order. */
export const listInvoices: Handler = ({ sim, url, origin }) => {
  const query = validate(ListQueryRules, queryOf(url));
  const { state } = sim;
  const listed = (i: InvoiceRecord) => isVisible(state, i) && (query.source === undefined || i.source === query.source);
  const page = paginateNewestFirst(state.invoices, listed, query, INVOICES_PER_PAGE);
  return ok({ paging: page.paging, items: page.items.map((i) => summaryOf(i, origin)) });
};

export const deleteDraft: Handler = ({ sim, params }) => {
  const invoice = visibleInvoice(sim.state, params.reference_code ?? '');
  if (!invoice) throw notFound(NOT_FOUND_MESSAGE);
  if (invoice.status !== 'draft') throw badRequest('reference_code: chỉ xóa được hóa đơn ở trạng thái nháp');
  if (invoice.pending_issue !== null) {
    throw badRequest('reference_code: hóa đơn đang được phát hành, không còn ở trạng thái nháp');
  }
  // The record stays, so the reference code stays taken (§23 #6).
  invoice.status = 'deleted';
  return ok({ reference_code: invoice.reference_code, message: 'Hóa đơn nháp đã được xóa thành công' });
};
