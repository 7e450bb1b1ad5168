/** §12 download: the file as base64 in the envelope. */
import { z } from 'zod';
import { FileType } from '../../sepay/schemas.js';
import { type Handler } from '../context.js';
import { notFound, ok, validate } from '../http.js';
import { invoiceByAnyCode } from '../invoices.js';
import { queryOf } from '../paging.js';
import { invoiceFile } from '../files.js';

const DownloadQuery = z.object({ type: FileType });

export const download: Handler = ({ sim, url, params }) => {
  const { type } = validate(DownloadQuery, queryOf(url));
  const invoice = invoiceByAnyCode(sim.state, params.code ?? '');
  if (!invoice) throw notFound('Không tìm thấy hóa đơn với mã này');
  const file = invoiceFile(invoice, type);
  return ok({ file_type: type, file_name: file.name, content: file.content.toString('base64') });
};
