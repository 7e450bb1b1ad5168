/** Public surface of the SePay eInvoice API package: client, token cache, errors, schemas. */
export {
  SepayClient,
  type DownloadedFile,
  type InvoiceListOptions,
  type PageOptions,
  type RequestOptions,
  type SepayClientOptions,
} from './client.js';
export { SEPAY_BASE_URLS, resolveBaseUrl, type SepayEnvironment } from './environment.js';
export {
  ClientErrorCode,
  SepayError,
  SepayErrorCode,
  type SepayErrorInit,
  type SepayErrorKind,
} from './errors.js';
export { type SepayExchange, type SepayObserver, type TransportOptions } from './http.js';
export { TokenProvider, type TokenProviderOptions } from './token-provider.js';
export * from './schemas.js';
