/**
 * An HTTP request that names a `Host` of the caller's choosing, as a web page that rebinds a DNS
 * name of its own to a loopback address would send it: node:http, because fetch does not let a
 * caller choose the Host header.
 */
import { request } from 'node:http';

export interface HostReply {
  status: number;
  headers: Headers;
  /** The body parsed when the answer says JSON, the text otherwise. */
  body: unknown;
}

export function requestNamingHost(
  port: number,
  host: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<HostReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { ...headers, host } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const json = String(res.headers['content-type'] ?? '').includes('json') && text !== '';
        resolve({ status: res.statusCode ?? 0, headers: new Headers(res.headers as Record<string, string>), body: json ? JSON.parse(text) : text });
      });
    });
    req.on('error', reject);
    req.end();
  });
}
