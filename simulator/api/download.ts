/** §12 download: the file as base64 in the envelope. */
import { type Handler } from '../context.js';
import { notFound, ok, validate } from '../http.js';
import { invoiceByAnyCode } from '../invoices.js';
import { queryOf } from '../paging.js';
import { invoiceFile } from '../files.js';
import { DownloadQueryRules } from '../rules/lookup-requests.js';

export const download: Handler = ({ sim, url, params }) => {
  const { type } = validate(DownloadQueryRules, queryOf(url));
  const invoice = invoiceByAnyCode(sim.state, params.code ?? '');
  if (!invoice) throw notFound('Không tìm thấy hóa đơn với mã này');
  const file = invoiceFile(invoice, type);
  return ok({ file_type: type, file_name: file.name, content: file.content.toString('base64') });
};
