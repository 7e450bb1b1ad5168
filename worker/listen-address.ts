/**
 * `host:port` addresses the worker listens on (health, metrics). The host must be an IP literal
 * (`127.0.0.1`, `0.0.0.0`, `[::1]`): the Prometheus exporter in the SDK's Rust core accepts
 * nothing else, and one rule for both endpoints is easier to remember. The metrics endpoint also
 * takes a port alone, for loopback.
 */
import { z } from 'zod';

export interface ListenAddress {
  host: string;
  port: number;
}

const HOST_PORT = /^(?:\[(?<ipv6>[^\]]+)\]|(?<ipv4>[^:[\]]+)):(?<port>\d{1,5})$/;

export const ListenAddressSchema = z
  .string()
  .trim()
  .transform((value, context): ListenAddress => {
    const groups = HOST_PORT.exec(value)?.groups;
    const host = groups?.ipv6 ?? groups?.ipv4;
    const port = Number(groups?.port);
    const validHost = groups?.ipv6 !== undefined ? z.ipv6().safeParse(host).success : z.ipv4().safeParse(host).success;
    if (!host || !validHost || !Number.isInteger(port) || port < 1 || port > 65_535) {
      context.addIssue({ code: 'custom', message: 'expected <ip>:<port>, e.g. 127.0.0.1:9464 or [::]:9464' });
      return z.NEVER;
    }
    return { host, port };
  });

/**
 * The metrics endpoint's address: `<ip>:<port>`, or a port alone, which binds 127.0.0.1. The SDK's
 * Prometheus server has no header or idle timeout and no connection cap (docs/security-http.md),
 * so the short form keeps it where only a scraper on the same host (or in the same pod or network
 * namespace) reaches it.
 */
export const MetricsAddressSchema = z
  .string()
  .trim()
  .transform((value) => (/^\d{1,5}$/.test(value) ? `127.0.0.1:${value}` : value))
  .pipe(ListenAddressSchema);

/** The form the SDK's Prometheus exporter and log lines use: `127.0.0.1:9464`, `[::1]:9464`. */
export function formatListenAddress({ host, port }: ListenAddress): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
