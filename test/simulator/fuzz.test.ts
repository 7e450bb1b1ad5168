/**
 * Several hundred malformed requests from a seeded PRNG: the simulator never crashes, never answers
 * 5xx without injected faults, and always answers in the documented envelope. Reproduce a run with
 * SIM_FUZZ_SEED=<seed printed below>.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorEnvelope } from '../../sepay/schemas.js';
import { seededRandom } from '../../simulator/prng.js';
import { SEEDED_ACCOUNT_ID } from '../../simulator/server.js';
import { invoiceBody, uniqueRef, useSimulator } from './harness.js';

const REQUESTS = 400;
const seed = Number(process.env.SIM_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const random = seededRandom(seed);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (p: number) => random() < p;

const Envelope = z.union([z.object({ success: z.literal(true), data: z.unknown() }).strict(), ErrorEnvelope.strict()]);

const sim = useSimulator();

function randomString(max = 40): string {
  const alphabet = ['a', 'Z', '0', '-', '_', ' ', '/', '%', '.', 'đ', 'ệ', '"', '\\', '\u0000', '😀', '__proto__', 'constructor'];
  return Array.from({ length: Math.floor(random() * max) }, () => pick(alphabet)).join('');
}

function randomValue(depth = 0): unknown {
  const kinds = ['null', 'bool', 'int', 'float', 'string', 'huge-number', 'array', 'object'] as const;
  switch (pick(depth > 3 ? kinds.slice(0, 6) : kinds)) {
    case 'null':
      return null;
    case 'bool':
      return chance(0.5);
    case 'int':
      return Math.floor(random() * 2000) - 1000;
    case 'float':
      return (random() - 0.5) * 1e6;
    case 'string':
      return randomString();
    case 'huge-number':
      return pick([1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 0.1 + 0.2]);
    case 'array':
      return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(depth + 1));
    case 'object':
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [randomString(8), randomValue(depth + 1)]));
  }
}

/** A valid create body with one field, somewhere inside, replaced by garbage. */
function mutatedInvoice(): unknown {
  const body = invoiceBody({ reference_code: chance(0.5) ? uniqueRef('fuzz') : randomString(), is_draft: chance(0.5) }) as Record<string, unknown>;
  const paths: string[][] = [
    ...Object.keys(body).map((k) => [k]),
    ['buyer', 'email'],
    ['buyer', 'type'],
    ['items', '0', 'quantity'],
    ['items', '0', 'line_type'],
    ['items', '0', 'tax_rate'],
    ['items', '0', 'unit_price'],
    ['items', '5'],
  ];
  const path = pick(paths);
  let target = body as Record<string, unknown>;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  if (chance(0.2)) delete target[path.at(-1)!];
  else target[path.at(-1)!] = randomValue();
  return body;
}

function randomBody(): string | undefined {
  switch (pick(['none', 'bad-json', 'value', 'invoice', 'invoice', 'deep', 'huge', 'bytes'] as const)) {
    case 'none':
      return undefined;
    case 'bad-json':
      return pick(['{', '{"a":}', 'undefined', "{'a':1}", '[1,2', '{"reference_code":"x",}', 'NaN', '\uFEFF{}']);
    case 'value':
      return JSON.stringify(randomValue());
    case 'invoice':
      return JSON.stringify(mutatedInvoice());
    case 'deep':
      return chance(0.5) ? '['.repeat(50_000) + ']'.repeat(50_000) : '{"buyer":'.repeat(5000) + '1' + '}'.repeat(5000);
    case 'huge':
      return chance(0.3) ? JSON.stringify({ notes: 'x'.repeat(1024 * 1024 + 10) }) : JSON.stringify(invoiceBody({ notes: 'y'.repeat(200_000) }));
    case 'bytes':
      return Array.from({ length: 64 }, () => String.fromCharCode(Math.floor(random() * 256))).join('');
  }
}

const OTHER_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND'] as const;

/** Mostly the endpoint's own method, so requests get past routing to auth and validation. */
function randomRequest(): { method: string; path: string } {
  const code = () => encodeURIComponent(pick(['x', randomString(), 'a'.repeat(5000), '__proto__', 'constructor', '..', SEEDED_ACCOUNT_ID]));
  const [method, path] = pick([
    ['POST', '/v1/token'],
    ['GET', '/v1/provider-accounts'],
    ['GET', `/v1/provider-accounts/${code()}`],
    ['POST', '/v1/invoices/create'],
    ['POST', '/v1/invoices/create'],
    ['POST', '/v1/invoices/create'],
    ['GET', `/v1/invoices/create/check/${code()}`],
    ['POST', '/v1/invoices/issue'],
    ['POST', '/v1/invoices/issue'],
    ['GET', `/v1/invoices/issue/check/${code()}`],
    ['POST', `/v1/invoices/delete/${code()}`],
    ['GET', `/v1/invoices/${code()}`],
    ['GET', `/v1/invoices/${code()}/download`],
    ['GET', '/v1/invoices'],
    ['GET', '/v1/usage'],
    ['GET', `/v1/${randomString(10)}`],
    ['GET', `/${encodeURIComponent(randomString(20))}`],
    ['GET', '/v1/invoices/%ZZ'],
    ['GET', '//v1//usage'],
  ] as const);
  const query = pick(['', '?page=0', '?page=-1&per_page=abc', '?per_page=1e9', '?type=pdf', '?type=exe', '?source=api', '?source=web', `?page=${randomString(5)}`, '?page=1&page=2']);
  return { method: chance(0.25) ? pick(OTHER_METHODS) : method, path: path + query };
}

function randomHeaders(token: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const authorization = chance(0.6) ? `Bearer ${token}` : pick([
    undefined,
    'Bearer ',
    'Bearer garbage',
    `Basic ${Buffer.from('sim-client-id:sim-client-secret').toString('base64')}`,
    'Basic ???',
    'Basic',
    `Bearer ${'t'.repeat(8000)}`,
    'Digest abc',
  ]);
  if (authorization !== undefined) headers.authorization = authorization;
  const contentType = chance(0.6) ? 'application/json' : pick([undefined, 'text/plain', 'application/json; charset=latin1', 'multipart/form-data', 'application/jsonx', '']);
  if (contentType !== undefined) headers['content-type'] = contentType;
  if (chance(0.1)) headers.host = pick(['evil.example', 'bad host', '']);
  return headers;
}

describe('fuzzing the simulator', () => {
  it(`answers ${REQUESTS} random malformed requests in the envelope, without 5xx, and keeps working`, async () => {
    console.log(`simulator fuzz seed: ${seed} (rerun with SIM_FUZZ_SEED=${seed})`);
    const token = await sim.api.accessToken();
    const statuses = new Map<number, number>();
    for (let i = 0; i < REQUESTS; i++) {
      const { method, path } = randomRequest();
      const body = method === 'GET' || method === 'HEAD' ? undefined : randomBody();
      const request = `#${i} ${method} ${path.slice(0, 120)} body=${body?.slice(0, 80)}`;
      const response = await fetch(`${sim.simulator.baseUrl}${path}`, { method, headers: randomHeaders(token), body });
      const text = await response.text();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      expect(response.status, request).toBeLessThan(500);
      if (method === 'HEAD') continue;
      const parsed = Envelope.safeParse(JSON.parse(text));
      expect(parsed.success, `${request}\n→ ${response.status} ${text.slice(0, 300)}`).toBe(true);
      expect(response.status === 200, request).toBe((parsed.data as { success: boolean }).success);
    }
    console.log(`fuzz statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);

    const ref = uniqueRef('after-fuzz');
    expect((await sim.api.createDraft(ref)).status).toBe('Success');
    expect((await sim.api.detail(ref)).body.data.reference_code).toBe(ref);
  });
});
