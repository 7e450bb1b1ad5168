/**
 * Measures what one hostile but authenticated request costs the codec server (issue #12, finding
 * 4): `codec/main.ts` runs in its own process, gets a body of millions of empty payloads with a
 * valid token, and we report the answer, the time it took and the server's peak memory (VmHWM).
 * Not a test (the figures depend on the machine): `npx tsx test/hardening/measure-codec-load.ts [MiB]`.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { freePort } from '../../scripts/free-port.js';

const bodyMiB = Number(process.argv[2] ?? 16);
const token = randomBytes(32).toString('hex');
const port = await freePort();

const child = spawn(process.execPath, ['--import', 'tsx', 'codec/main.ts'], {
  env: {
    ...process.env,
    PAYLOAD_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    CODEC_SERVER_TOKEN: token,
    CODEC_SERVER_ADDRESS: `127.0.0.1:${port}`,
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let started = '';
child.stdout.setEncoding('utf8');
child.stdout.on('data', (chunk: string) => (started += chunk));
while (!started.includes('codec server:')) await once(child.stdout, 'data');

const peakRssMiB = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) / 1024;
const idleMiB = peakRssMiB();

// `{"payloads":[{},{},…]}`: three bytes per payload, so ~5.6 million payloads in 16 MiB.
const count = Math.floor((bodyMiB * 1024 * 1024 - 16) / 3);
const body = `{"payloads":[${'{},'.repeat(count - 1)}{}]}`;
const startedAt = performance.now();
let outcome: string;
try {
  const response = await fetch(`http://127.0.0.1:${port}/decode`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  outcome = `${response.status} ${(await response.text()).slice(0, 120)}`;
} catch (error) {
  outcome = `no answer (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : String(error)})`;
}
const seconds = (performance.now() - startedAt) / 1000;
console.log(
  JSON.stringify({ bodyMiB, payloads: count, answer: outcome, seconds: Number(seconds.toFixed(2)), idleRssMiB: Math.round(idleMiB), peakRssMiB: Math.round(peakRssMiB()) }),
);
child.kill('SIGTERM');
await once(child, 'exit');
