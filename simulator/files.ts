/**
 * Tiny but valid invoice files: a one-page PDF 1.4 (real xref offsets, so viewers open it) and an
 * XML loosely shaped like the Circular 78 invoice XML.
 */
import { type InvoiceRecord } from './state.js';
import { invoiceTotals } from './totals.js';

export interface InvoiceFile {
  name: string;
  content: Buffer;
}

/** `HD_<7-digit number>_<YYYYMMDD>` after the one documented example (§12). */
export function invoiceFileName(invoice: InvoiceRecord, type: 'pdf' | 'xml'): string {
  const date = invoice.request.issued_date.slice(0, 10).replaceAll('-', '');
  return `HD_${invoice.invoice_number.padStart(7, '0')}_${date}.${type}`;
}

export function invoiceFile(invoice: InvoiceRecord, type: 'pdf' | 'xml'): InvoiceFile {
  return { name: invoiceFileName(invoice, type), content: type === 'pdf' ? pdf(invoice) : xml(invoice) };
}

function textLines(invoice: InvoiceRecord): string[] {
  const { request } = invoice;
  const totals = invoiceTotals(request);
  return [
    `HOA DON ${invoice.status === 'issued' ? '' : '(NHAP) '}${request.template_code}/${request.invoice_series} so ${invoice.invoice_number}`,
    `Ngay: ${request.issued_date.slice(0, 10)}  Ma tham chieu: ${invoice.reference_code}`,
    `Nguoi mua: ${request.buyer.legal_name ?? request.buyer.name ?? ''}`,
    ...request.items.map((item) => `${item.line_number}. ${item.item_name}`),
    `Cong tien hang: ${totals.total_before_tax}  Thue GTGT: ${totals.tax_amount}  Tong cong: ${totals.total_amount} ${request.currency}`,
  ];
}

/** Built-in PDF fonts only know Latin-1: drop Vietnamese diacritics, then anything non-ASCII. */
function pdfText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'))
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 120)
    .replace(/[\\()]/g, '\\$&');
}

function pdf(invoice: InvoiceRecord): Buffer {
  const stream = ['BT', '/F1 11 Tf', '50 800 Td', '14 TL']
    .concat(textLines(invoice).slice(0, 50).map((line) => `(${pdfText(line)}) '`))
    .concat('ET')
    .join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(stream)} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets = objects.map((body, i) => {
    const offset = Buffer.byteLength(out);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return offset;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** XML 1.0 forbids most control characters even when escaped, so they are dropped. */
const escapeXml = (text: string) =>
  [...text]
    .filter((c) => c >= ' ' || c === '\t' || c === '\n' || c === '\r')
    .join('')
    .replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

function xml(invoice: InvoiceRecord): Buffer {
  const { request } = invoice;
  const totals = invoiceTotals(request);
  const el = (name: string, value: string | number | undefined) =>
    value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;
  const lines = request.items
    .map((item, i) => {
      const line = totals.lines[i]!;
      return `<HHDVu>${el('STT', item.line_number)}${el('TChat', item.line_type)}${el('THHDVu', item.item_name)}${el('DVTinh', item.unit)}${el('SLuong', line.quantity ?? undefined)}${el('DGia', line.unitPrice ?? undefined)}${el('ThTien', line.amount)}${el('TSuat', line.taxRate ?? undefined)}</HHDVu>`;
    })
    .join('');
  const body =
    `<HDon><DLHDon><TTChung>${el('KHMSHDon', request.template_code)}${el('KHHDon', request.invoice_series)}` +
    `${el('SHDon', invoice.invoice_number)}${el('NLap', request.issued_date.slice(0, 10))}${el('DVTTe', request.currency)}` +
    `${el('MTChieu', invoice.reference_code)}</TTChung><NDHDon><NMua>${el('Ten', request.buyer.legal_name ?? request.buyer.name)}` +
    `${el('MST', request.buyer.tax_code)}${el('DChi', request.buyer.address)}</NMua><DSHHDVu>${lines}</DSHHDVu>` +
    `<TToan>${el('TgTCThue', totals.total_before_tax)}${el('TgTThue', totals.tax_amount)}${el('TgTTTBSo', totals.total_amount)}</TToan>` +
    `</NDHDon></DLHDon>${el('MCCQT', invoice.tax_authority_code ?? undefined)}</HDon>`;
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`, 'utf8');
}
