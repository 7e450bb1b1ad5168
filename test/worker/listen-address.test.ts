import { describe, expect, it } from 'vitest';
import { formatListenAddress, ListenAddressSchema } from '../../worker/listen-address.js';

describe('listen addresses (WORKER_HEALTH_ADDRESS, WORKER_METRICS_ADDRESS)', () => {
  it('reads IPv4 and bracketed IPv6 literals with a port', () => {
    expect(ListenAddressSchema.parse('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(ListenAddressSchema.parse(' 0.0.0.0:8080 ')).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(ListenAddressSchema.parse('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
  });

  it('refuses host names, missing or out-of-range ports and bare IPv6', () => {
    for (const value of ['localhost:9464', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:70000', '::1:9464', '999.1.1.1:80', ':9464']) {
      expect(ListenAddressSchema.safeParse(value).success, value).toBe(false);
    }
  });

  it('formats back the way the Prometheus exporter expects', () => {
    expect(formatListenAddress({ host: '::', port: 9464 })).toBe('[::]:9464');
    expect(formatListenAddress({ host: '127.0.0.1', port: 9464 })).toBe('127.0.0.1:9464');
  });
});
