import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec.js';
import { startCodecServer, type RunningCodecServer } from '../../codec/server.js';
import { sendRaw } from '../support/raw-http.js';
import { keyEntry, keyringOf } from './keyring.js';
import { fromPayloadJson, toPayloadJson, type PayloadJson } from './payload-json.js';

const token = randomBytes(32).toString('hex');
const uiOrigin = 'http://127.0.0.1:8233';
const invoice = { buyer: { name: 'Công ty TNHH Ánh Dương', tax_code: '0109876543' } };
const codec = new AesGcmPayloadCodec(keyringOf(keyEntry('k1')));

let server: RunningCodecServer;
beforeAll(async () => {
  server = await startCodecServer({ codec, token, corsOrigins: [uiOrigin], port: 0 });
});
afterAll(async () => {
  await server?.close();
});

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const bearer = { authorization: `Bearer ${token}` };
const encryptedInvoice = async () => ({ payloads: (await codec.encode([defaultPayloadConverter.toPayload(invoice)])).map(toPayloadJson) });
const valuesOf = async (response: Response) =>
  ((await response.json()) as { payloads: PayloadJson[] }).payloads.map((json) => defaultPayloadConverter.fromPayload(fromPayloadJson(json)));

describe('codec server', () => {
  it('decodes an encrypted payload for a caller with the token', async () => {
    const response = await post('/decode', await encryptedInvoice(), bearer);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await valuesOf(response)).toEqual([invoice]);
  });

  it('takes the token as the path segment before the operation, for the Web UI', async () => {
    const response = await post(`/invoices/${token}/decode`, await encryptedInvoice());
    expect(await valuesOf(response)).toEqual([invoice]);
  });

  it('encodes what it decodes', async () => {
    const plain = { payloads: [toPayloadJson(defaultPayloadConverter.toPayload(invoice))] };
    const encoded = (await (await post('/encode', plain, bearer)).json()) as { payloads: PayloadJson[] };
    expect(Buffer.from(encoded.payloads[0]?.metadata?.encoding ?? '', 'base64').toString()).toBe('binary/encrypted');
    expect(await valuesOf(await post('/decode', encoded, bearer))).toEqual([invoice]);
  });

  it.each([
    ['no token', {}, '/decode'],
    ['a wrong token', { authorization: `Bearer ${randomBytes(32).toString('hex')}` }, '/decode'],
    ['the token in another scheme', { authorization: `Basic ${token}` }, '/decode'],
    ['a wrong path token', {}, `/${token.slice(0, -1)}/decode`],
  ])('refuses a request with %s (401)', async (_label, headers: Record<string, string>, path) => {
    const response = await post(path, await encryptedInvoice(), headers);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(JSON.stringify(await response.json())).not.toContain('Ánh Dương');
  });

  it('answers a CORS preflight from an allowed origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace,authorization',
          // What Chrome adds when a page served from the internet calls 127.0.0.1.
          'access-control-request-private-network': 'true',
        },
      });
    const allowed = await preflight(uiOrigin);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/)).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-namespace']));
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-allow-private-network')).toBe('true');

    const refused = await preflight('http://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(refused.headers.get('access-control-allow-private-network')).toBeNull();
  });

  it('lets the allowed origin read its answers, and no other origin', async () => {
    const fromUi = await post('/decode', await encryptedInvoice(), { ...bearer, origin: uiOrigin });
    expect(fromUi.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    const unauthorizedFromUi = await post('/decode', await encryptedInvoice(), { origin: uiOrigin });
    expect(unauthorizedFromUi.status).toBe(401);
    expect(unauthorizedFromUi.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    const fromElsewhere = await post('/decode', await encryptedInvoice(), { ...bearer, origin: 'http://evil.example' });
    expect(fromElsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('names the key id it lacks (422)', async () => {
    const foreign = new AesGcmPayloadCodec(keyringOf(keyEntry('k0')));
    const payloads = (await foreign.encode([defaultPayloadConverter.toPayload(invoice)])).map(toPayloadJson);
    const response = await post('/decode', { payloads }, bearer);
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ error: expect.stringContaining('key id "k0"') });
  });

  it('accepts the largest legitimate requests under the default limits: 1,000 payloads, or one payload of 2 MB', async () => {
    const many = (await codec.encode(Array.from({ length: 1_000 }, (_, i) => defaultPayloadConverter.toPayload({ i })))).map(toPayloadJson);
    const manyAnswer = await post('/decode', { payloads: many }, bearer);
    expect(manyAnswer.status).toBe(200);
    expect((await valuesOf(manyAnswer)).at(-1)).toEqual({ i: 999 });

    // Temporal's default limit for the payloads of one field.
    const large = { note: 'đ'.repeat(1024 * 1024 - 16) };
    const largeAnswer = await post('/decode', { payloads: (await codec.encode([defaultPayloadConverter.toPayload(large)])).map(toPayloadJson) }, bearer);
    expect(largeAnswer.status).toBe(200);
    expect(await valuesOf(largeAnswer)).toEqual([large]);
  });

  it('refuses malformed requests with the reason', async () => {
    expect((await post('/decode', '{', bearer)).status).toBe(400);
    const wrongShape = await post('/decode', { payloads: [{ data: 42 }] }, bearer);
    expect(wrongShape.status).toBe(400);
    expect(await wrongShape.json()).toEqual({ error: expect.stringContaining('payloads.0.data') });
    expect((await post('/decode', { payloads: [{ data: '!!' }] }, bearer)).status).toBe(400);
    expect((await fetch(`${server.url}/decode`, { headers: bearer })).status).toBe(405);
    expect((await post('/status', {}, bearer)).status).toBe(404);
  });
});

describe('codec server under hostile requests', () => {
  const lines: string[] = [];
  const capture = (message: string, error?: unknown) => lines.push(error === undefined ? message : `${message} ${String(error)}`);
  let guarded: RunningCodecServer;
  beforeAll(async () => {
    guarded = await startCodecServer({
      codec,
      token,
      port: 0,
      maxBodyBytes: 64 * 1024,
      maxPayloads: 10,
      slowClientLimits: { headersTimeoutMs: 300, requestTimeoutMs: 600, idleTimeoutMs: 2_000 },
      logger: { info: capture, error: capture },
    });
  });
  afterAll(async () => {
    await guarded?.close();
  });
  const address = () => ({ host: '127.0.0.1', port: guarded.port });

  it('answers 400 to a request target it cannot read, and logs neither the path nor the token', async () => {
    // Issue #12: this parse used to throw on the error path (500), with the raw path in the log.
    const outcome = await sendRaw(address(), {
      parts: [`POST //x:99999/${token}/decode HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Namespace: ns-${token}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`],
      deadlineMs: 5_000,
    });
    expect(outcome).toMatchObject({ status: 400, end: 'answered' });
    expect(lines.at(-1)).toBe('POST unknown 400');
    expect(lines.join('\n')).not.toMatch(new RegExp(`${token}|99999`));
  });

  it('logs method, operation, status and payload count, never a header value', async () => {
    const body = JSON.stringify(await encryptedInvoice());
    const response = await fetch(`${guarded.url}/decode`, { method: 'POST', headers: { ...bearer, 'x-namespace': 'secret-namespace' }, body });
    expect(response.status).toBe(200);
    expect(lines.at(-1)).toBe('POST decode 200 (1 payloads)');
    expect(lines.join('\n')).not.toContain('secret-namespace');
  });

  it('refuses a body over the limit with 413 before reading it all', async () => {
    // Refused from the announced length alone: the headers are all it waits for.
    const announced = await sendRaw(address(), {
      parts: [`POST /decode HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Length: ${16 * 1024 * 1024}\r\n\r\n`],
      deadlineMs: 5_000,
    });
    expect(announced).toMatchObject({ status: 413, end: 'answered' });
    // Chunked: no length announced, so the limit trips while reading.
    const outcome = await sendRaw(address(), {
      parts: [
        `POST /decode HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nTransfer-Encoding: chunked\r\n\r\n`,
        ...Array.from({ length: 8 }, () => `${(16 * 1024).toString(16)}\r\n${'x'.repeat(16 * 1024)}\r\n`),
      ],
      trickleMs: 5,
      deadlineMs: 5_000,
    });
    expect(outcome.status).toBe(413);
  });

  it('refuses more payloads than the cap with 413, naming the cap', async () => {
    const response = await fetch(`${guarded.url}/decode`, { method: 'POST', headers: bearer, body: JSON.stringify({ payloads: Array.from({ length: 11 }, () => ({})) }) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'more than 10 payloads in one request' });
    // A flood of empty objects is refused before it is parsed, still naming the cap.
    const flood = await fetch(`${guarded.url}/decode`, { method: 'POST', headers: bearer, body: `{"payloads":[${Array(5_000).fill('{}').join(',')}]}` });
    expect(flood.status).toBe(413);
    expect(await flood.json()).toEqual({ error: expect.stringContaining('at most 10 payloads in one request') });
  });

  it('cuts off a client that trickles its headers, and keeps answering others', async () => {
    const slowloris = [...`POST /decode HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nX-Padding: ${'a'.repeat(200)}`];
    const outcome = await sendRaw(address(), { parts: slowloris, trickleMs: 20, deadlineMs: 5_000 });
    expect(outcome.end).not.toBe('deadline');
    const body = JSON.stringify(await encryptedInvoice());
    expect((await fetch(`${guarded.url}/decode`, { method: 'POST', headers: bearer, body })).status).toBe(200);
  });

  it('cuts off a client that announces a body and never sends it', async () => {
    const outcome = await sendRaw(address(), {
      parts: [`POST /decode HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Length: 1000\r\n\r\n{"payloads":`],
      deadlineMs: 5_000,
    });
    expect(outcome.end).not.toBe('deadline');
    if (outcome.status !== undefined) expect(outcome.status).toBe(408);
  });
});
