import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec.js';
import { startCodecServer, type RunningCodecServer } from '../../codec/server.js';
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
