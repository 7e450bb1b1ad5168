/**
 * The control API has no authentication: it is for the developer's own machine. A web page the
 * developer opens can still send requests to 127.0.0.1, so a state-changing control request must
 * (1) name a loopback host, which a DNS-rebound page cannot (its Host is the attacker's name), and
 * (2) be `application/json`, which a browser only sends cross-origin after a CORS preflight the
 * simulator never grants; a form or a `text/plain` fetch cannot inject faults or wipe state.
 */
import { type IncomingHttpHeaders } from 'node:http';
import { ApiError, isJsonContentType } from './http.js';

const READ_ONLY_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `127.0.0.1`, `localhost` or `[::1]`, with or without a port. */
const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/i;

export function isLoopbackHost(host: string | undefined): boolean {
  return LOOPBACK_HOST.test(host?.trim() ?? '');
}

/**
 * Throws 403 for a Host that is not loopback, 415 for a body that is not declared JSON; reads pass
 * (the server has already refused, on every route, a Host that does not name the simulator:
 * host-guard.ts). A name given with `--allowed-host` reads, but changes nothing here.
 */
export function assertControlRequestAllowed(method: string, headers: IncomingHttpHeaders): void {
  if (READ_ONLY_METHODS.has(method)) return;
  if (!isLoopbackHost(headers.host)) {
    throw new ApiError(403, 'FORBIDDEN', 'Lệnh điều khiển chỉ nhận từ máy này (Host phải là 127.0.0.1, localhost hoặc [::1])');
  }
  if (!isJsonContentType(headers['content-type'])) {
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Lệnh điều khiển phải có Content-Type: application/json');
  }
}
