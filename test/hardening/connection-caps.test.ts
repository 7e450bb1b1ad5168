/**
 * The codec server and the simulator cap their open connections and cut idle ones off, as the
 * worker's health server does (test/worker/health.test.ts, issue #20): a client that opens
 * connections and sends nothing holds no slot for longer than the idle timeout, and one past the
 * cap is closed at once, so the process keeps the file descriptors it needs.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec.js';
import { startCodecServer } from '../../codec/server.js';
import { startSimulator } from '../../simulator/server.js';
import { keyEntry, keyringOf } from '../codec/keyring.js';
import { holdConnection, pause, type HeldConnection } from '../support/idle-connections.js';

const LIMITS = { headersTimeoutMs: 5_000, requestTimeoutMs: 5_000, idleTimeoutMs: 500 };
const CAP = 2;

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** Fills the cap with silent connections, then opens two more; reports when each was closed. */
async function overfill(port: number): Promise<{ held: number[]; beyondCap: number[] }> {
  const held: HeldConnection[] = [];
  for (let i = 0; i < CAP; i++) held.push(await holdConnection(port));
  await pause(100);
  const opened = Date.now();
  const beyondCap = [await holdConnection(port), await holdConnection(port)];
  const closedAfter = (connections: HeldConnection[]) => Promise.all(connections.map(async ({ closed }) => (await closed) - opened));
  return { beyondCap: await closedAfter(beyondCap), held: await closedAfter(held) };
}

function expectBounded({ held, beyondCap }: { held: number[]; beyondCap: number[] }): void {
  for (const elapsed of beyondCap) expect(elapsed).toBeLessThan(300);
  for (const elapsed of held) {
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3_000);
  }
}

describe('connection caps and idle timeouts', () => {
  it('codec server', async () => {
    const token = randomBytes(32).toString('hex');
    const server = await startCodecServer({ codec: new AesGcmPayloadCodec(keyringOf(keyEntry('k1'))), token, port: 0, slowClientLimits: LIMITS, maxConnections: CAP });
    close = () => server.close();
    expectBounded(await overfill(server.port));
    const answer = await fetch(`${server.url}/decode`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"payloads":[]}' });
    expect(answer.status).toBe(200);
  });

  it('simulator', async () => {
    const simulator = await startSimulator({ port: 0, slowClientLimits: LIMITS, maxConnections: CAP });
    close = () => simulator.close();
    expectBounded(await overfill(simulator.port));
    expect((await fetch(`${simulator.baseUrl}/__sim/stats`)).status).toBe(200);
  });
});
