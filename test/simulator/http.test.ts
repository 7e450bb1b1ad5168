/** Authentication, routing and body handling: every refusal is the documented error envelope. */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { TokenData, envelope } from '../../sepay/schemas.js';
import { DEFAULT_CLIENT_ID, DEFAULT_TOKEN_TTL_SECONDS } from '../../simulator/server.js';
import { expectError, invoiceBody, uniqueRef, useSimulator } from './harness.js';

let clock = Date.parse('2026-01-01T00:00:00Z');
const sim = useSimulator({ now: () => clock });

const basic = (credentials: string) => ({ authorization: `Basic ${Buffer.from(credentials).toString('base64')}` });

describe('POST /v1/token', () => {
  it('issues a Bearer token for the configured credentials', async () => {
    const reply = await sim.api.call('POST', '/v1/token', { token: false, headers: basic('sim-client-id:sim-client-secret') });
    const token = envelope(TokenData).parse(reply.body).data;
    expect(token).toMatchObject({ token_type: 'Bearer', expires_in: DEFAULT_TOKEN_TTL_SECONDS });
  });

  it('answers 401 for wrong or missing credentials and 400 for a malformed Basic header', async () => {
    const token = (headers: Record<string, string>) => sim.api.call('POST', '/v1/token', { token: false, headers });
    expectError(await token(basic(`${DEFAULT_CLIENT_ID}:wrong`)), 401, 'UNAUTHORIZED');
    expectError(await token(basic('nobody:sim-client-secret')), 401, 'UNAUTHORIZED');
    expectError(await token({}), 401, 'UNAUTHORIZED');
    expectError(await token({ authorization: 'Basic !!!not-base64!!!' }), 400, 'BAD_REQUEST');
    expectError(await token(basic('no-colon-here')), 400, 'BAD_REQUEST');
  });
});

describe('Bearer tokens', () => {
  it('refuses missing, unknown and expired tokens with 401', async () => {
    expectError(await sim.api.call('GET', '/v1/usage', { token: false }), 401, 'UNAUTHORIZED');
    expectError(await sim.api.call('GET', '/v1/usage', { token: 'made-up' }), 401, 'UNAUTHORIZED');
    expectError(await sim.api.call('GET', '/v1/usage', { token: false, headers: basic('a:b') }), 401, 'UNAUTHORIZED');

    sim.api.forgetToken();
    expect((await sim.api.call('GET', '/v1/usage')).status).toBe(200);
    clock += DEFAULT_TOKEN_TTL_SECONDS * 1000;
    const expired = await sim.api.call('GET', '/v1/usage');
    expectError(expired, 401, 'UNAUTHORIZED');
    expect(expired.body.error.message).toMatch(/hết hạn/);
  });

  it('expires every token at once through the control API', async () => {
    sim.api.forgetToken();
    expect((await sim.api.call('GET', '/v1/usage')).status).toBe(200);
    expect(await sim.control.expireTokens()).toBeGreaterThan(0);
    expectError(await sim.api.call('GET', '/v1/usage'), 401, 'UNAUTHORIZED');
    sim.api.forgetToken();
    expect((await sim.api.call('GET', '/v1/usage')).status).toBe(200);
  });
});

describe('routing', () => {
  it('answers 405 with Allow for a wrong method on a known path', async () => {
    for (const [method, path, allow] of [
      ['GET', '/v1/invoices/create', 'POST'],
      ['GET', '/v1/invoices/issue', 'POST'],
      ['DELETE', '/v1/invoices/some-ref', 'GET'],
      ['GET', '/v1/token', 'POST'],
      ['POST', '/v1/usage', 'GET'],
      ['GET', '/v1/invoices/delete/some-ref', 'POST'],
    ] as const) {
      const reply = await sim.api.call(method, path);
      expectError(reply, 405, 'METHOD_NOT_ALLOWED');
      expect(reply.headers.get('allow')).toBe(allow);
    }
  });

  it('answers 404 NOT_FOUND for unknown paths and unknown tracking codes', async () => {
    expectError(await sim.api.call('GET', '/v2/invoices'), 404, 'NOT_FOUND');
    expectError(await sim.api.call('GET', '/'), 404, 'NOT_FOUND');
    expectError(await sim.api.call('GET', '/v1/invoices/a/b/c'), 404, 'NOT_FOUND');
    expectError(await sim.api.check('create', 'no-such-job'), 404, 'NOT_FOUND');
    const accepted = await sim.api.create(invoiceBody({ reference_code: uniqueRef() }));
    // A create tracking code is not an issue tracking code.
    expectError(await sim.api.check('issue', accepted.body.data.tracking_code as string), 404, 'NOT_FOUND');
  });

  it('tolerates a trailing slash and percent-encoded codes', async () => {
    expect((await sim.api.call('GET', '/v1/usage/')).status).toBe(200);
    const ref = `${uniqueRef()}/với dấu`;
    await sim.api.createDraft(ref);
    expect((await sim.api.detail(ref)).body.data.reference_code).toBe(ref);
    expectError(await sim.api.call('GET', '/v1/invoices/%E0%A4%A'), 400, 'BAD_REQUEST');
  });
});

describe('request bodies', () => {
  const create = (raw: string, contentType = 'application/json') =>
    sim.api.call('POST', '/v1/invoices/create', { raw, headers: { 'content-type': contentType } });

  it('answers 400 for a wrong content type, malformed JSON, an empty body or a non-object', async () => {
    const valid = JSON.stringify(invoiceBody({ reference_code: uniqueRef() }));
    expectError(await create(valid, 'text/plain'), 400, 'BAD_REQUEST');
    expectError(await create(valid, 'application/x-www-form-urlencoded'), 400, 'BAD_REQUEST');
    expectError(await create('{"template_code": '), 400, 'BAD_REQUEST');
    expectError(await create(''), 400, 'BAD_REQUEST');
    const array = await create('[1,2]');
    expectError(array, 400, 'BAD_REQUEST');
    expect(array.body.error.message).toMatch(/body: /);
    expect((await create(valid, 'application/json; charset=utf-8')).status).toBe(200);
  });

  it('answers 413 in the envelope for a body over 1 MiB and keeps serving', async () => {
    const huge = JSON.stringify(invoiceBody({ notes: 'x'.repeat(1024 * 1024 + 1) }));
    expectError(await create(huge), 413, 'PAYLOAD_TOO_LARGE');
    expect((await sim.api.call('GET', '/v1/usage')).status).toBe(200);
  });

  it('names the wrong field of an issue request', async () => {
    const reply = await sim.api.call('POST', '/v1/invoices/issue', { body: { reference_code: 42 } });
    expectError(reply, 400, 'BAD_REQUEST');
    expect(reply.body.error.message).toMatch(/reference_code/);
  });
});

describe('broken HTTP', () => {
  it('answers unparseable HTTP with a 400 envelope and keeps serving', async () => {
    const { port } = sim.simulator;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ success: false, error: { code: 'BAD_REQUEST' } });
    expect((await sim.api.call('GET', '/v1/usage')).status).toBe(200);
  });
});
