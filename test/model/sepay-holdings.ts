/**
 * What SePay holds for a key, read the way anyone outside our code would: every invoice under the
 * key's reference codes from the simulator's control view, and for each issued one its detail from
 * the public API (§10), where amounts come back as 2-decimal strings.
 */
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../simulator/defaults.js';
import type { SimInvoice } from '../../simulator/control-client.js';
import { isCodeOfKey } from './model.js';

/** The §10 detail fields the invariants compare, as SePay sends them. */
export interface PublicInvoiceDetail {
  reference_code: string;
  invoice_number: string;
  status: string;
  buyer: Record<string, unknown> | null;
  items: {
    line_number: number;
    item_name: string;
    unit: string | null;
    quantity: string | null;
    unit_price: string | null;
    total_amount: string | null;
    tax_rate: string | null;
  }[];
}

export interface KeyHoldings {
  invoices: SimInvoice[];
  /** By reference code, for the invoices SePay holds issued. */
  issuedDetails: Map<string, PublicInvoiceDetail>;
}

async function sepayData<T>(response: Response, what: string): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what} answered ${response.status}: ${text.slice(0, 300)}`);
  return (JSON.parse(text) as { data: T }).data;
}

export class SepayHoldings {
  constructor(private readonly baseUrl: string) {}

  private async token(): Promise<string> {
    const basic = Buffer.from(`${DEFAULT_CLIENT_ID}:${DEFAULT_CLIENT_SECRET}`).toString('base64');
    const response = await fetch(new URL('/v1/token', this.baseUrl), { method: 'POST', headers: { authorization: `Basic ${basic}` } });
    return (await sepayData<{ access_token: string }>(response, 'POST /v1/token')).access_token;
  }

  private async detail(token: string, referenceCode: string): Promise<PublicInvoiceDetail> {
    const response = await fetch(new URL(`/v1/invoices/${encodeURIComponent(referenceCode)}`, this.baseUrl), {
      headers: { authorization: `Bearer ${token}` },
    });
    return sepayData(response, `GET /v1/invoices/${referenceCode}`);
  }

  /** `all` is the control view's list of every invoice ever created (read once per sequence). */
  async forKey(key: string, all: SimInvoice[]): Promise<KeyHoldings> {
    const invoices = all.filter((invoice) => isCodeOfKey(invoice.reference_code, key));
    const issuedDetails = new Map<string, PublicInvoiceDetail>();
    const issued = invoices.filter((invoice) => invoice.status === 'issued');
    if (issued.length > 0) {
      const token = await this.token();
      for (const invoice of issued) issuedDetails.set(invoice.reference_code, await this.detail(token, invoice.reference_code));
    }
    return { invoices, issuedDetails };
  }
}
