/** QuotaGauge against the simulator over HTTP: one usage read per batch, refreshed on demand or with age. */
import { describe, expect, it } from 'vitest';
import { QuotaGauge, type QuotaGaugeOptions } from '../../activities/quota-gauge.js';
import { FailureType } from '../../contract/failure-types.js';
import { DEFAULT_QUOTA } from '../../simulator/server.js';
import { failureOf } from './failure-of.js';
import { countingCalls, useSimulatedSepay } from './simulated-sepay.js';

const sim = useSimulatedSepay();

function gauge(options: Omit<QuotaGaugeOptions, 'sepay'> = {}) {
  const counted = countingCalls(sim.client, 'getUsage');
  return { quota: new QuotaGauge({ sepay: counted.sepay, ...options }), calls: counted.calls };
}

describe('QuotaGauge', () => {
  it("reads SePay's quota_remaining as a number and remembers it", async () => {
    const { quota } = gauge();
    expect(quota.lastKnown()).toBeUndefined();
    expect(await quota.remaining()).toBe(DEFAULT_QUOTA);
    expect(quota.lastKnown()).toBe(DEFAULT_QUOTA);
  });

  it('serves a burst of 50 concurrent runs with one usage call', async () => {
    const { quota, calls } = gauge();
    const readings = await Promise.all(Array.from({ length: 50 }, () => quota.remaining()));
    expect(new Set(readings)).toEqual(new Set([DEFAULT_QUOTA]));
    expect(calls.getUsage).toBe(1);
    expect((await sim.control.stats()).endpoints.usage).toBe(1);
  });

  it('sees a top-up after invalidate, not before', async () => {
    await sim.control.setQuota(0);
    const { quota, calls } = gauge();
    expect(await quota.remaining()).toBe(0);
    await sim.control.topUpQuota(25);
    expect(await quota.remaining()).toBe(0);
    quota.invalidate();
    expect(await quota.remaining()).toBe(25);
    expect(calls.getUsage).toBe(2);
  });

  it('reads again once the reading is older than maxAgeMs', async () => {
    let now = 5_000;
    const { quota, calls } = gauge({ maxAgeMs: 2_000, now: () => now });
    await quota.remaining();
    now += 1_999;
    await quota.remaining();
    expect(calls.getUsage).toBe(1);
    now += 1;
    await quota.remaining();
    expect(calls.getUsage).toBe(2);
  });

  it('rethrows an outage as a retryable SepayUnavailable, keeps the last reading, and asks again next time', async () => {
    const { quota, calls } = gauge({ maxAgeMs: 0 });
    await quota.remaining();
    await sim.control.addFault({ endpoint: 'usage', kind: 'error', status: 503, times: 1 });
    expect(await failureOf(quota.remaining())).toMatchObject({ type: FailureType.SepayUnavailable, nonRetryable: false });
    expect(quota.lastKnown()).toBe(DEFAULT_QUOTA);
    expect(await quota.remaining()).toBe(DEFAULT_QUOTA);
    expect(calls.getUsage).toBe(3);
  });

  it('never reports a negative or fractional quota', async () => {
    for (const [reported, expected] of [[-3, 0], [7.9, 7]] as const) {
      const quota = new QuotaGauge({ sepay: { getUsage: () => Promise.resolve(reported) } });
      expect(await quota.remaining()).toBe(expected);
    }
  });
});
