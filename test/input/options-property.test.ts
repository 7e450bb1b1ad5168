/**
 * Property: every `options` the schema accepts is one the workflow can schedule (issue #11,
 * "no workflow-task failure loop is reachable from input"): each duration is one the SDK parses
 * into a whole, positive number of milliseconds, the poll retry policy compiles, and the waits
 * are ordered. And the schema refuses whatever breaks one of those.
 */
import { compileRetryPolicy, msToNumber, msToTs } from '@temporalio/common';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IssueInvoiceOptionsSchema } from '../../workflows/input.js';
import { MAX_DURATION_MS, MAX_POLL_FAST_PHASE_MS } from '../../workflows/input-options.js';

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

describe('options the schema accepts can be scheduled', () => {
  it('every accepted duration parses, the poll retry policy compiles, and the waits are ordered; nothing else is accepted', () => {
    let acceptedCount = 0;
    fc.assert(
      fc.property(options, (raw) => {
        const parsed = IssueInvoiceOptionsSchema.safeParse(raw);
        const withDefaults = { ...IssueInvoiceOptionsSchema.parse({}), ...raw };
        const ms = Object.fromEntries(DURATION_OPTIONS.map((name) => [name, schedulableMs(withDefaults[name])])) as Record<(typeof DURATION_OPTIONS)[number], number | undefined>;
        const allParse = DURATION_OPTIONS.every((name) => ms[name] !== undefined);
        const ordered =
          allParse &&
          ms.pollInitialInterval! <= ms.pollMaximumInterval! &&
          ms.pollMaximumInterval! <= Math.min(ms.creationTimeout!, ms.issuanceTimeout!, ms.quotaTimeout!) &&
          ms.pollFastPhase! <= Math.min(ms.creationTimeout!, ms.issuanceTimeout!, MAX_POLL_FAST_PHASE_MS);

        expect(parsed.success).toBe(ordered);
        if (!parsed.success) return;
        acceptedCount += 1;
        expect(() =>
          compileRetryPolicy({ initialInterval: parsed.data.pollInitialInterval, backoffCoefficient: 1.5, maximumInterval: parsed.data.pollMaximumInterval }),
        ).not.toThrow();
      }),
      { numRuns: 2000 },
    );
    // The generator must reach the accepting side often enough for the property to mean something.
    expect(acceptedCount).toBeGreaterThan(50);
  });
});
