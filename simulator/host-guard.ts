/**
 * The simulator answers only requests that name it in `Host`: a loopback name, the address it is
 * bound to, or a name it was told to answer to (`--allowed-host`, e.g. `sepay-simulator` on the
 * compose network). A web page the developer opens can rebind its own DNS name to 127.0.0.1 and
 * then read what the simulator answers (invoices with buyers' names, their PDFs); its requests
 * carry its own name in `Host`, which no page can change, so they get 403 on every route.
 * Other processes can send any Host: this guards against browsers, not against local programs.
 */
import { type IncomingHttpHeaders } from 'node:http';
import { ApiError } from './http.js';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
/** Binding to these accepts every interface; none of them is a name a client calls. */
const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '::', '[::]']);
/** `name`, `name:port`, `[v6]` or `[v6]:port`; the name part is captured. */
const HOST_HEADER = /^(?<name>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** A host name or IP literal as `Host` carries it: lower case, an IPv6 literal in brackets. */
function hostName(host: string): string {
  const name = host.trim().toLowerCase();
  return name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
}

export interface HostGuardOptions {
  /** The address the server is bound to; a specific one (not 0.0.0.0 or ::) is a name clients may call. */
  boundHost: string;
  /** Further names clients call the simulator by (any port). */
  allowedHosts?: readonly string[];
}

/** The names `Host` may carry, lower case, ports left out. */
export function allowedHostNames({ boundHost, allowedHosts = [] }: HostGuardOptions): ReadonlySet<string> {
  const bound = hostName(boundHost);
  return new Set([...LOOPBACK_NAMES, ...(WILDCARD_ADDRESSES.has(bound) ? [] : [bound]), ...allowedHosts.map(hostName)]);
}

/** Throws 403 unless `Host` names one of `allowed` (with any port). */
export function assertHostAllowed(headers: IncomingHttpHeaders, allowed: ReadonlySet<string>): void {
  const name = HOST_HEADER.exec(headers.host?.trim() ?? '')?.groups?.name;
  if (name !== undefined && allowed.has(name.toLowerCase())) return;
  throw new ApiError(
    403,
    'FORBIDDEN',
    'Trình mô phỏng chỉ trả lời các yêu cầu gọi nó bằng tên của nó (Host phải là 127.0.0.1, localhost, [::1], địa chỉ nó lắng nghe hoặc một tên trong --allowed-host)',
  );
}
