/**
 * Regression (issue #12 item 1): request targets that a URL parser chokes on get a 400 in the
 * envelope, over a raw socket so nothing normalises them first; the simulator keeps serving, calls
 * nothing unexpected, and logs neither the raw target nor a token.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useSimulator } from './harness.js';

const MARKER = 'leak-marker-7f3a';
const logLines: string[] = [];
const sim = useSimulator({
  logger: {
    info: (message) => logLines.push(message),
    error: (message, error) => logLines.push(`${message} ${String(error)}`),
  },
});

interface RawReply {
  status: number;
  body: unknown;
}

/** Sends `head` as is (request line and headers) and reads until the server closes. */
function rawRequest(head: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(sim.simulator.port, '127.0.0.1', () => socket.write(`${head}\r\nConnection: close\r\n\r\n`));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(data)?.[1] ?? 0);
      const text = data.slice(data.indexOf('\r\n\r\n') + 4);
      resolve({ status, body: text ? (JSON.parse(text) as unknown) : undefined });
    });
  });
}

const host = 'Host: 127.0.0.1';

describe('malformed request targets over a raw socket', () => {
  it.each([
    ['a port out of range behind //', `GET //${MARKER}:99999/v1/usage HTTP/1.1\r\n${host}`],
    ['another host behind // (never routed to /v1/usage)', `GET //${MARKER}/v1/usage HTTP/1.1\r\n${host}`],
    ['a truncated percent-encoding', `GET /v1/invoices/${MARKER}%E0%A4%A HTTP/1.1\r\n${host}`],
    ['a truncated percent-encoding in a check', `GET /v1/invoices/create/check/${MARKER}%E0%A4%A HTTP/1.1\r\n${host}`],
    ['the asterisk form', `OPTIONS * HTTP/1.1\r\n${host}`],
    ['an absolute form with a bad port', `GET http://${MARKER}:99999/v1/usage HTTP/1.1\r\n${host}`],
    ['a relative path', `GET v1/usage HTTP/1.1\r\n${host}`],
  ])('answers 400 in the envelope: %s', async (_name, head) => {
    const reply = await rawRequest(head);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ success: false, error: { code: 'BAD_REQUEST' } });
  });

  it('routes a well-formed absolute-form target like its path', async () => {
    const reply = await rawRequest(`GET http://127.0.0.1/v1/usage HTTP/1.1\r\n${host}`);
    expect(reply).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
  });

  it('answers a control request without any Host with 403', async () => {
    const reply = await rawRequest('POST /__sim/reset HTTP/1.0\r\nContent-Type: application/json');
    expect(reply).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
  });

  it('keeps serving, and its log holds no raw target and no token', async () => {
    logLines.length = 0;
    await rawRequest(`GET //${MARKER}:99999/v1/usage HTTP/1.1\r\n${host}`);
    await rawRequest(`GET /v1/invoices/${MARKER}%E0%A4%A HTTP/1.1\r\n${host}`);
    await rawRequest(`GET /v1/invoices/${MARKER} HTTP/1.1\r\n${host}\r\nAuthorization: Bearer sim_${MARKER}`);
    expect((await sim.api.call('GET', '/v1/usage')).status).toBe(200);
    expect(logLines.length).toBeGreaterThanOrEqual(4);
    expect(logLines.filter((line) => line.includes(MARKER) || line.includes('%E0'))).toEqual([]);
    expect(logLines.filter((line) => line.includes('unexpected'))).toEqual([]);
  });
});
