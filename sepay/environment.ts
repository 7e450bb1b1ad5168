/** Where the SePay eInvoice API lives. Production and sandbox need different credentials. */
export type SepayEnvironment = 'production' | 'sandbox' | { baseUrl: string };

export const SEPAY_BASE_URLS = {
  production: 'https://einvoice-api.sepay.vn',
  sandbox: 'https://einvoice-api-sandbox.sepay.vn',
} as const;

/** Why a base URL with `user:password@` is refused; the URL itself is never repeated. */
export const BASE_URL_CREDENTIALS_MESSAGE = 'must not hold credentials (user:password@): give them as SEPAY_CLIENT_ID and SEPAY_CLIENT_SECRET';

/**
 * True when `url` carries a user name or password. SePay takes credentials in the token request
 * only, and a URL that holds them would be repeated by every error that quotes it (fetch refuses
 * such a URL with an error message that contains it whole).
 */
export function hasUrlCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false;
  }
}

/** The base URL without a trailing slash, so paths (`/v1/...`) can be appended to it. */
export function resolveBaseUrl(environment: SepayEnvironment): string {
  if (typeof environment === 'string') return SEPAY_BASE_URLS[environment];
  let url: URL;
  try {
    url = new URL(environment.baseUrl);
  } catch {
    // Node's own error carries the input as a property, which console.error would print.
    throw new TypeError('SePay base URL is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`SePay base URL must be http(s), got ${url.protocol}`);
  }
  if (hasUrlCredentials(url.href)) throw new TypeError(`SePay base URL ${BASE_URL_CREDENTIALS_MESSAGE}`);
  return url.href.replace(/\/+$/, '');
}
