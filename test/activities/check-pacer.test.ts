/** The worker's budget of job checks: spacing, order, and a cancelled wait giving up its turn. */
import { describe, expect, it } from 'vitest';
import { CheckPacer } from '../../activities/check-pacer.js';

describe('CheckPacer', () => {
  it('lets the first check go at once and spaces the others by 1 / perSecond, in the order they asked', async () => {
    const pacer = new CheckPacer(50); // 20 ms apart
    const started = performance.now();
    const order: number[] = [];
    const leftAt: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        pacer.turn().then(() => {
          order.push(i);
          leftAt.push(performance.now() - started);
        }),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(leftAt[0]).toBeLessThan(15);
    // Timers fire late rather than early; Date.now()'s whole milliseconds and timer rounding allow 3 ms.
    for (let i = 1; i < 5; i++) expect(leftAt[i]! - leftAt[0]!).toBeGreaterThanOrEqual(i * 20 - 3);
  });

  it('does not hold a check when the budget has been idle', async () => {
    let now = 1_000;
    const pacer = new CheckPacer(1, () => now);
    await pacer.turn();
    now += 5_000;
    const before = performance.now();
    await pacer.turn();
    expect(performance.now() - before).toBeLessThan(50);
  });

  it('rejects a waiting check with the abort reason when its activity is cancelled', async () => {
    const pacer = new CheckPacer(1);
    await pacer.turn();
    const controller = new AbortController();
    const waiting = pacer.turn(controller.signal);
    controller.abort(new Error('activity cancelled'));
    await expect(waiting).rejects.toThrow('activity cancelled');
  });

  it('refuses a budget of zero or less', () => {
    expect(() => new CheckPacer(0)).toThrow(RangeError);
    expect(() => new CheckPacer(Number.NaN)).toThrow(RangeError);
  });
});
