/**
 * Defaults of the simulator, exported so tests, benchmarks and the demo name the same values the
 * server seeds instead of repeating literals.
 */

/** A template/series pair allocated to a provider account (§4). */
export interface TemplateSeries {
  template_code: string;
  invoice_series: string;
  invoice_label?: string;
}

export const DEFAULT_PORT = 4010;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_CLIENT_ID = 'sim-client-id';
export const DEFAULT_CLIENT_SECRET = 'sim-client-secret';
export const DEFAULT_QUOTA = 10_000;
/** Checks answered `Pending` before a job settles: 1 = first check Pending, second Success. */
export const DEFAULT_JOB_CHECKS_UNTIL_DONE = 1;
/**
 * A job nobody has checked for this long settles on its own: the real service works in the
 * background, and a client that lost the create response must still find the invoice by its
 * reference code. Jobs that are being polled are untouched, so check counts stay exact.
 */
export const DEFAULT_JOB_SETTLE_MS = 5_000;
export const DEFAULT_TOKEN_TTL_SECONDS = 86_400;
export const MAX_BODY_BYTES = 1024 * 1024;

/** The active `matbao` account the sandbox shows (§3, §4). */
export const SEEDED_ACCOUNT_ID = '0aea3134-da40-11f0-aef4-52c7e9b4f41b';
/** A second, inactive account: creating invoices on it is refused. */
export const INACTIVE_ACCOUNT_ID = '7c1d5e20-da40-11f0-aef4-52c7e9b4f41b';

export const VAT_TEMPLATE = {
  template_code: '1',
  invoice_series: 'C25TAT',
  invoice_label: '1 - C25TAT - Hóa đơn giá trị gia tăng',
} as const satisfies TemplateSeries;

export const SALES_TEMPLATE = {
  template_code: '2',
  invoice_series: 'C25TMB',
  invoice_label: '2 - C25TMB - Hóa đơn bán hàng',
} as const satisfies TemplateSeries;

export const SEEDED_TEMPLATES: readonly TemplateSeries[] = [VAT_TEMPLATE, SALES_TEMPLATE];
