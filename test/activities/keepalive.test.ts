import { setTimeout as sleep } from 'node:timers/promises';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { keepAlive } from '../../activities/keepalive.js';

function heartbeatsOf(env: MockActivityEnvironment): unknown[] {
  const beats: unknown[] = [];
  env.on('heartbeat', (details: unknown) => beats.push(details));
  return beats;
}

describe('keepAlive', () => {
  it('heartbeats while the work runs (a third of the timeout apart), and stops after', async () => {
    const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 300 });
    const beats = heartbeatsOf(env);
    await expect(env.run(() => keepAlive(() => sleep(550).then(() => 'done')))).resolves.toBe('done');
    const duringWork = beats.length;
    await sleep(300);
    expect(duringWork).toBeGreaterThanOrEqual(2);
    expect(beats).toHaveLength(duringWork);
  });

  it('repeats the details an earlier attempt left, so a beat never erases them', async () => {
    const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 150, heartbeatDetails: 'reference-code-taken' });
    const beats = heartbeatsOf(env);
    await env.run(() => keepAlive(() => sleep(200)));
    expect(beats.length).toBeGreaterThan(0);
    expect(new Set(beats)).toEqual(new Set(['reference-code-taken']));
  });

  it('does not beat without a heartbeat timeout, and passes failures through', async () => {
    const env = new MockActivityEnvironment({ heartbeatTimeoutMs: undefined });
    const beats = heartbeatsOf(env);
    await expect(env.run(() => keepAlive(() => sleep(100).then(() => Promise.reject(new Error('SePay said no')))))).rejects.toThrow('SePay said no');
    expect(beats).toEqual([]);
  });
});
