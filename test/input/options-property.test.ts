/**
 * Property: every `options` the schema accepts is one the workflow can schedule (issue #11,
 * "no workflow-task failure loop is reachable from input"): each duration is one the SDK parses
 * into a whole, positive number of milliseconds, the poll retry policy compiles, and the waits
 * are ordered. The schema refuses only choices the caller made that contradict each other: an
 * unset polling option fits the waits it belongs to (issue #20), and the parsed options parse
 * again to themselves (the workflow re-parses its input).
 */
import { compileRetryPolicy, msToNumber, msToTs } from '@temporalio/common';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IssueInvoiceOptionsSchema } from '../../contract/input.js';
import { MAX_DURATION_MS, MAX_POLL_FAST_PHASE_MS } from '../../contract/input-options.js';

const DURATION_OPTIONS = ['approvalTimeout', 'creationTimeout', 'issuanceTimeout', 'quotaTimeout', 'pollInitialInterval', 'pollMaximumInterval', 'pollFastPhase'] as const;

const amountIn = (...units: string[]) =>
  fc.tuple(fc.integer({ min: 1, max: 90 }), fc.constantFrom(...units)).map(([n, unit]) => `${n}${unit}`);

/** Durations the SDK or the server refuse, or that no option should hold. */
const wild = fc.oneof(
  fc.integer({ min: -1000, max: 10 * 24 * 60 * 60 * 1000 }),
  fc.constantFrom('0.5ms', '1.5ms', '0s', '-3s', '', 'soon', '200y', 'Infinity', 1.5, Number.MAX_SAFE_INTEGER, 4e12),
);

/** Mostly plausible durations, often out of order, sometimes wild. */
const interval = fc.oneof({ arbitrary: amountIn('ms', 's', ' seconds', 'm'), weight: 8 }, { arbitrary: wild, weight: 1 });
const deadline = fc.oneof({ arbitrary: amountIn('s', 'm', ' minutes', 'h', ' hours', 'd', 'y'), weight: 8 }, { arbitrary: wild, weight: 1 });

const options = fc.record(
  {
    approvalTimeout: deadline,
    creationTimeout: deadline,
    issuanceTimeout: deadline,
    quotaTimeout: deadline,
    pollInitialInterval: interval,
    pollMaximumInterval: interval,
    pollFastPhase: interval,
  },
  { requiredKeys: [] },
);

/** What the workflow needs of a duration, asked of the SDK itself. */
function schedulableMs(value: string | number): number | undefined {
  try {
    const ms = msToNumber(value as never);
    msToTs(value as never);
    return Number.isInteger(ms) && ms > 0 && ms <= MAX_DURATION_MS ? ms : undefined;
  } catch {
    return undefined;
  }
}

const WAIT_DEFAULTS = { approvalTimeout: '72 hours', creationTimeout: '6 hours', issuanceTimeout: '24 hours', quotaTimeout: '7 days' };

/**
 * The oracle, written from the rules as a caller reads them: every given duration schedulable, and
 * every pair the caller set (a wait counts as set, at its documented default when unset) in order.
 */
function callerChoicesAgree(raw: Partial<Record<(typeof DURATION_OPTIONS)[number], string | number>>): boolean {
  const ms: Partial<Record<(typeof DURATION_OPTIONS)[number], number>> = {};
  for (const name of DURATION_OPTIONS) {
    const value = raw[name] ?? (WAIT_DEFAULTS as Record<string, string>)[name];
    if (value === undefined) continue;
    const parsed = schedulableMs(value);
    if (parsed === undefined) return false;
    ms[name] = parsed;
  }
  const jobWait = Math.min(ms.creationTimeout!, ms.issuanceTimeout!);
  const { pollInitialInterval: initial, pollMaximumInterval: maximum, pollFastPhase: fastPhase } = ms;
  if (initial !== undefined && maximum !== undefined && initial > maximum) return false;
  if (maximum !== undefined && maximum > Math.min(jobWait, ms.quotaTimeout!)) return false;
  if (initial !== undefined && initial > Math.min(jobWait, ms.quotaTimeout!)) return false;
  if (fastPhase !== undefined && fastPhase > Math.min(jobWait, MAX_POLL_FAST_PHASE_MS)) return false;
  return true;
}

describe('options the schema accepts can be scheduled', () => {
  it('every accepted duration parses, the poll retry policy compiles, and the waits are ordered; only contradicting choices are refused', () => {
    let acceptedCount = 0;
    fc.assert(
      fc.property(options, (raw) => {
        const parsed = IssueInvoiceOptionsSchema.safeParse(raw);
        expect(parsed.success).toBe(callerChoicesAgree(raw));
        if (!parsed.success) return;
        acceptedCount += 1;
        const ms = Object.fromEntries(DURATION_OPTIONS.map((name) => [name, schedulableMs(parsed.data[name])])) as Record<(typeof DURATION_OPTIONS)[number], number | undefined>;
        expect(DURATION_OPTIONS.filter((name) => ms[name] === undefined)).toEqual([]);
        expect(ms.pollInitialInterval!).toBeLessThanOrEqual(ms.pollMaximumInterval!);
        expect(ms.pollMaximumInterval!).toBeLessThanOrEqual(Math.min(ms.creationTimeout!, ms.issuanceTimeout!, ms.quotaTimeout!));
        expect(ms.pollFastPhase!).toBeLessThanOrEqual(Math.min(ms.creationTimeout!, ms.issuanceTimeout!, MAX_POLL_FAST_PHASE_MS));
        // What the caller set is kept as given.
        for (const name of DURATION_OPTIONS) if (raw[name] !== undefined) expect(parsed.data[name]).toBe(raw[name]);
        // Deterministic: the workflow parses the parsed options again and must get the same.
        expect(IssueInvoiceOptionsSchema.parse(parsed.data)).toEqual(parsed.data);
        expect(() =>
          compileRetryPolicy({ initialInterval: parsed.data.pollInitialInterval, backoffCoefficient: 1.5, maximumInterval: parsed.data.pollMaximumInterval }),
        ).not.toThrow();
      }),
      { numRuns: 2000 },
    );
    // The generator must reach the accepting side often enough for the property to mean something.
    expect(acceptedCount).toBeGreaterThan(50);
  });

  it('a short wait alone is accepted, its polling fitted to it (issue #20: creationTimeout "30 seconds" was refused)', () => {
    expect(IssueInvoiceOptionsSchema.parse({ creationTimeout: '30 seconds' })).toMatchObject({
      creationTimeout: '30 seconds',
      pollInitialInterval: '2 seconds',
      pollMaximumInterval: '30 seconds',
      pollFastPhase: '30 seconds',
    });
    expect(IssueInvoiceOptionsSchema.parse({ issuanceTimeout: 1500 })).toMatchObject({ pollInitialInterval: 1500, pollMaximumInterval: 1500, pollFastPhase: 1500 });
    // A first pause set above the default maximum is its own maximum.
    expect(IssueInvoiceOptionsSchema.parse({ pollInitialInterval: '2 minutes' })).toMatchObject({ pollMaximumInterval: '2 minutes' });
    // The defaults, when nothing is shorter, as before.
    expect(IssueInvoiceOptionsSchema.parse({})).toMatchObject({ pollInitialInterval: '2 seconds', pollMaximumInterval: '1 minute', pollFastPhase: '30 seconds' });
  });
});
