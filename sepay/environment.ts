/** Where the SePay eInvoice API lives. Production and sandbox need different credentials. */
export type SepayEnvironment = 'production' | 'sandbox' | { baseUrl: string };

export const SEPAY_BASE_URLS = {
  production: 'https://einvoice-api.sepay.vn',
  sandbox: 'https://einvoice-api-sandbox.sepay.vn',
} as const;

/** The base URL without a trailing slash, so paths (`/v1/...`) can be appended to it. */
export function resolveBaseUrl(environment: SepayEnvironment): string {
  if (typeof environment === 'string') return SEPAY_BASE_URLS[environment];
  const url = new URL(environment.baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`SePay base URL must be http(s), got ${url.protocol}`);
  }
  return url.href.replace(/\/+$/, '');
}
