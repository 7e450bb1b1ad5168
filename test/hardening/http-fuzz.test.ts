/**
 * Issue #12: no request can stop a server of ours. Every HTTP endpoint we serve (worker health,
 * worker metrics, codec server, SePay simulator) gets over a thousand malformed requests over raw
 * sockets (odd request targets, bad methods and headers, lying lengths, chunked garbage, huge and
 * truncated bodies, slow senders), then must still answer a normal request, must have answered
 * every malformed one with a valid status line or closed it, and must have logged no secret and no
 * part of a raw request. Replay a batch with FUZZ_SEED=<seed printed below>.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { format } from 'node:util';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec.js';
import { startCodecServer, type RunningCodecServer } from '../../codec/server.js';
import { freePort } from '../../scripts/free-port.js';
import { seededRandom } from '../../simulator/prng.js';
import { startSimulator, type RunningSimulator } from '../../simulator/server.js';
import { startHealthServer, type HealthServer } from '../../worker/health.js';
import type { SlowClientLimits } from '../../worker/http-guards.js';
import { keyEntry, keyringOf } from '../codec/keyring.js';
import { fromPayloadJson, toPayloadJson, type PayloadJson } from '../codec/payload-json.js';
import { sendRaw, type RawOutcome } from '../support/raw-http.js';
import { MalformedRequests, SLOW_KINDS, type FuzzTarget, type LabelledRequest } from './malformed-requests.js';
import { PROBE_COUNTER, READY_LINE } from './metrics-endpoint-process.js';

const REQUESTS_PER_ENDPOINT = 1_000;
const CONCURRENCY = 24;
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`HTTP fuzz seed ${seed} (replay: FUZZ_SEED=${seed})`);

/** Short, so slow senders are cut off in well under a second instead of Node's minutes. */
const FUZZ_LIMITS: SlowClientLimits = { headersTimeoutMs: 400, requestTimeoutMs: 1_500, idleTimeoutMs: 2_000 };

const marker = `FUZZMARK${randomBytes(6).toString('hex')}`;
const codecToken = randomBytes(32).toString('hex');
const bearerSecret = `bearer-secret-${randomBytes(12).toString('hex')}`;
const clientSecret = `client-secret-${randomBytes(12).toString('hex')}`;
const clientId = 'fuzz-client';
const secrets = { marker, codecToken, bearerSecret, clientSecret };
/** Formats a log call the way console.error prints it (own properties of errors included). */
const logInto = (lines: string[]) => (message: string, error?: unknown) => lines.push(error === undefined ? message : format(message, error));
const basic = (secret: string) => `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;

interface Sent {
  kind: string;
  outcome: RawOutcome;
}

async function sendAll(endpoint: string, address: { host: string; port: number }, requests: LabelledRequest[]): Promise<Sent[]> {
  const sent: Sent[] = [];
  let next = 0;
  const lane = async () => {
    while (next < requests.length) {
      const { kind, request } = requests[next++]!;
      sent.push({ kind, outcome: await sendRaw(address, request) });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  const tally: Record<string, number> = {};
  for (const { outcome } of sent) {
    const key = outcome.status !== undefined ? String(outcome.status) : outcome.end;
    tally[key] = (tally[key] ?? 0) + 1;
  }
  console.log(`${endpoint}: ${sent.length} requests, outcomes ${JSON.stringify(tally)}`);
  return sent;
}

/** A batch for one endpoint, from its own stream of the seed (endpoints do not shift each other). */
function batchFor(index: number, target: FuzzTarget): LabelledRequest[] {
  return new MalformedRequests(seededRandom(seed + index), target).batch(REQUESTS_PER_ENDPOINT);
}

/** What a failed assertion prints: kinds and outcomes, never the bytes (huge, and full of markers). */
function summary(sent: Sent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { kind, outcome } of sent) {
    const key = `${kind} -> ${outcome.status ?? outcome.invalidStart ?? '-'} ${outcome.end}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const unanswered = (sent: Sent[]) => sent.filter(({ outcome }) => outcome.end === 'deadline' || outcome.invalidStart !== undefined);
const serverErrors = (sent: Sent[]) => sent.filter(({ outcome }) => (outcome.status ?? 0) >= 500);

function expectNoSecretIn(lines: readonly string[], more: Record<string, string> = {}): void {
  const text = lines.join('\n');
  for (const [name, secret] of Object.entries({ ...secrets, ...more })) expect(text.includes(secret), `${name} in the log`).toBe(false);
}

describe.sequential('every endpoint we serve survives malformed requests', () => {
  describe('worker health server', () => {
    const logged: string[] = [];
    let server: HealthServer;
    let sent: Sent[];
    beforeAll(async () => {
      server = await startHealthServer({ host: '127.0.0.1', port: await freePort() }, () => ({ ready: true, workerState: 'RUNNING' }), {
        limits: FUZZ_LIMITS,
        onUnexpectedError: logInto(logged),
      });
      const target: FuzzTarget = { paths: ['/livez', '/readyz', '/'], credentials: [{ Authorization: `Bearer ${bearerSecret}` }], marker };
      sent = await sendAll('health', { host: '127.0.0.1', port: Number(new URL(server.url).port) }, batchFor(0, target));
    });
    afterAll(() => server?.close());

    it('answered every request with a valid status line or closed it, never a 5xx', () => {
      expect(sent.length).toBeGreaterThan(REQUESTS_PER_ENDPOINT);
      expect(summary(unanswered(sent))).toEqual({});
      expect(summary(serverErrors(sent))).toEqual({});
    });
    it('still answers /livez and /readyz', async () => {
      expect((await fetch(`${server.url}/livez`)).status).toBe(200);
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ ready: true, workerState: 'RUNNING' });
    });
    it('logged no secret and no raw request', () => expectNoSecretIn(logged));
  });

  describe('worker metrics endpoint (the SDK core, in its own process)', () => {
    const output: string[] = [];
    let child: ChildProcess;
    let port: number;
    let sent: Sent[];
    beforeAll(async () => {
      port = await freePort();
      child = spawn(process.execPath, ['--import', 'tsx', 'test/hardening/metrics-endpoint-process.ts', String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
      while (!output.join('').includes(READY_LINE)) {
        if (child.exitCode !== null) throw new Error(`metrics process exited: ${output.join('')}`);
        await Promise.race([once(child.stdout!, 'data'), once(child, 'exit')]);
      }
      const target: FuzzTarget = { paths: ['/metrics', '/', '/metrics/'], credentials: [{ Authorization: `Bearer ${bearerSecret}` }], marker };
      sent = await sendAll('metrics', { host: '127.0.0.1', port }, batchFor(1, target));
    }, 60_000);
    afterAll(async () => {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    });

    it('answered every request with a valid status line or closed it, never a 5xx', () => {
      expect(sent.length).toBeGreaterThan(REQUESTS_PER_ENDPOINT);
      // Its timeouts are not ours to set: a slow sender it keeps waiting for is held, not a crash.
      expect(summary(unanswered(sent).filter(({ kind }) => !SLOW_KINDS.has(kind)))).toEqual({});
      expect(summary(serverErrors(sent))).toEqual({});
    });
    it('is still running and serves the metrics', async () => {
      expect(child.exitCode).toBeNull();
      const scrape = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(scrape.status).toBe(200);
      expect(await scrape.text()).toMatch(new RegExp(`^${PROBE_COUNTER} 1$`, 'm'));
    });
    it('printed no secret and no raw request', () => expectNoSecretIn(output));
  });

  describe('codec server', () => {
    const logged: string[] = [];
    const codec = new AesGcmPayloadCodec(keyringOf(keyEntry('k1')));
    let server: RunningCodecServer;
    let sent: Sent[];
    beforeAll(async () => {
      const log = logInto(logged);
      server = await startCodecServer({ codec, token: codecToken, port: 0, slowClientLimits: FUZZ_LIMITS, logger: { info: log, error: log } });
      const target: FuzzTarget = {
        paths: ['/decode', '/encode', `/${codecToken}/decode`, `/ui/${codecToken}/encode`, '/', '/status'],
        credentials: [{ Authorization: `Bearer ${codecToken}` }, { Authorization: `Bearer ${codecToken}`, 'Content-Type': 'application/json' }, { Authorization: `Bearer ${bearerSecret}` }],
        marker,
      };
      sent = await sendAll('codec server', { host: '127.0.0.1', port: server.port }, batchFor(2, target));
    });
    afterAll(() => server?.close());

    it('answered every request with a valid status line or closed it, never a 5xx', () => {
      expect(sent.length).toBeGreaterThan(REQUESTS_PER_ENDPOINT);
      expect(summary(unanswered(sent))).toEqual({});
      expect(summary(serverErrors(sent))).toEqual({});
    });
    it('still decodes what it encodes', async () => {
      const plain = { payloads: [toPayloadJson(defaultPayloadConverter.toPayload({ buyer: 'Ánh Dương' }))] };
      const post = (operation: string, body: unknown) =>
        fetch(`${server.url}/${operation}`, { method: 'POST', headers: { authorization: `Bearer ${codecToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const encoded = (await (await post('encode', plain)).json()) as { payloads: PayloadJson[] };
      const decoded = (await (await post('decode', encoded)).json()) as { payloads: PayloadJson[] };
      expect(decoded.payloads.map((json) => defaultPayloadConverter.fromPayload(fromPayloadJson(json)))).toEqual([{ buyer: 'Ánh Dương' }]);
    });
    it('logged no secret and no raw request: one line per answer, of method, operation and status only', () => {
      expect(logged.length).toBeGreaterThan(0);
      expectNoSecretIn(logged);
      expect(logged.filter((line) => !/^[A-Z-]+ (encode|decode|unknown) \d{3}( \(\d+ payloads\))?$/.test(line))).toEqual([]);
    });
  });

  describe('SePay simulator', () => {
    const logged: string[] = [];
    let simulator: RunningSimulator;
    let sent: Sent[];
    let accessToken: string;
    const tokenRequest = () => fetch(`${simulator.baseUrl}/v1/token`, { method: 'POST', headers: { authorization: basic(clientSecret) } });
    beforeAll(async () => {
      const log = logInto(logged);
      simulator = await startSimulator({ port: 0, clientId, clientSecret, slowClientLimits: FUZZ_LIMITS, logger: { info: log, error: log } });
      accessToken = ((await (await tokenRequest()).json()) as { data: { access_token: string } }).data.access_token;
      const target: FuzzTarget = {
        paths: ['/v1/token', '/v1/invoices/create', '/v1/invoices/issue', '/v1/invoices', `/v1/invoices/${marker}`, '/v1/usage', '/v1/provider-accounts', '/__sim/faults', '/__sim/stats', '/'],
        credentials: [{ Authorization: basic(clientSecret) }, { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' }, { Authorization: `Bearer ${bearerSecret}` }],
        marker,
      };
      sent = await sendAll('simulator', { host: '127.0.0.1', port: simulator.port }, batchFor(3, target));
    });
    afterAll(() => simulator?.close());

    it('answered every request with a valid status line or closed it, never a 5xx', () => {
      expect(sent.length).toBeGreaterThan(REQUESTS_PER_ENDPOINT);
      expect(summary(unanswered(sent))).toEqual({});
      expect(summary(serverErrors(sent))).toEqual({});
    });
    it('still issues a token and answers with it', async () => {
      const token = await tokenRequest();
      expect(token.status).toBe(200);
      const { access_token } = ((await token.json()) as { data: { access_token: string } }).data;
      const usage = await fetch(`${simulator.baseUrl}/v1/usage`, { headers: { authorization: `Bearer ${access_token}` } });
      expect(usage.status).toBe(200);
      expect(await usage.json()).toMatchObject({ success: true });
    });
    it('logged no secret and no raw request', () => {
      expect(logged.length).toBeGreaterThan(0);
      expectNoSecretIn(logged, { accessToken });
    });
  });
});
