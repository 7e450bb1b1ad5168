/**
 * The workflow's `options`: mode, approval, deadlines and polling. Every value this schema accepts
 * is one the Temporal SDK and server take when the workflow schedules its timers and activities;
 * a value they refuse would fail the workflow task over and over, and the run would never end
 * (issue #11, finding 4). So durations are parsed the way the SDK parses them, bounded, and ordered.
 */
import { msToNumber } from '@temporalio/common';
import { z } from 'zod';
import { DEFAULT_APPROVAL, DEFAULT_MODE, FIRST_REFERENCE_GENERATION } from './input-defaults.js';

/**
 * Longest duration anywhere: far beyond any real deadline, far below what Temporal's server can
 * hold (Go durations overflow at about 292 years).
 */
export const MAX_DURATION_MS = 100 * 365 * 24 * 60 * 60 * 1000;

/**
 * Longest `pollFastPhase`: the fast phase checks in-process and holds an activity slot meanwhile,
 * which waiting invoices must not do for long; it also keeps the in-process pause far below what
 * Node's timers can hold (about 24.8 days).
 */
export const MAX_POLL_FAST_PHASE_MS = 60 * 60 * 1000;

/**
 * Milliseconds of a duration as the SDK reads it (`msToNumber`), or undefined when the SDK or the
 * server would refuse it: unparseable, not positive, a fraction of a millisecond, over 100 years.
 */
export function durationMs(value: unknown): number | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  try {
    const ms = msToNumber(value as never);
    return Number.isInteger(ms) && ms > 0 && ms <= MAX_DURATION_MS ? ms : undefined;
  } catch {
    return undefined;
  }
}

const DURATION_PROBLEM = 'expected a positive duration of whole milliseconds up to 100 years, such as 30000, "90s" or "2 hours"';

/** Temporal duration: whole milliseconds or a string such as '90s', '2 hours'; positive, at most 100 years. */
export const DurationSchema = z
  .union([
    z.number().int(DURATION_PROBLEM).positive(DURATION_PROBLEM).max(MAX_DURATION_MS, DURATION_PROBLEM),
    // `ms` refuses strings over 100 characters.
    z.string().min(1, DURATION_PROBLEM).max(100, DURATION_PROBLEM),
  ])
  // Only what the bounds above let through, so each bad duration is one problem.
  .refine((value) => durationMs(value) !== undefined, { message: DURATION_PROBLEM, when: (payload) => payload.issues.length === 0 });

export const IssueModeSchema = z.enum(['draft-then-issue', 'direct']);
export const ApprovalSchema = z.enum(['auto', 'manual']);

/** The options' fields and defaults, before the rules that relate them. */
export const OptionsObjectSchema = z.strictObject({
  mode: IssueModeSchema.default(DEFAULT_MODE),
  approval: ApprovalSchema.default(DEFAULT_APPROVAL),
  /** How long a manual approval may take before the draft is deleted. */
  approvalTimeout: DurationSchema.default('72 hours'),
  /** How long SePay may take to finish the create job. */
  creationTimeout: DurationSchema.default('6 hours'),
  /** How long SePay may take to finish the issue job. */
  issuanceTimeout: DurationSchema.default('24 hours'),
  /** How long the invoice may wait for SePay quota (stage awaiting-quota) before it fails. */
  quotaTimeout: DurationSchema.default('7 days'),
  /**
   * First and longest pause between two status checks of a SePay job. Unset, each takes its
   * default shrunk to fit the shortest wait it belongs to (`POLL_DEFAULTS`, `resolvePolling`).
   */
  pollInitialInterval: DurationSchema.optional().describe('Default "2 seconds", or pollMaximumInterval when that is shorter.'),
  pollMaximumInterval: DurationSchema.optional().describe(
    'Default "1 minute" (or pollInitialInterval when that is longer), shortened to the shortest of creationTimeout, issuanceTimeout and quotaTimeout.',
  ),
  /** How long the first check of a job keeps checking at the initial interval before backing off (at most 1 hour). */
  pollFastPhase: DurationSchema.optional().describe('At most 1 hour. Default "30 seconds", shortened to the shorter of creationTimeout and issuanceTimeout.'),
  /**
   * Bumped by the client when an earlier run for the same key spent its reference code (a failed
   * create job or a deleted draft): SePay never accepts a reference code twice.
   */
  referenceGeneration: z.int().min(FIRST_REFERENCE_GENERATION).default(FIRST_REFERENCE_GENERATION),
  /**
   * Set by the client when an earlier run of the key sent the issue request for this generation's
   * code (its memo says so): a draft found under the code is being issued, not awaiting approval.
   * (Added by the lead for the state-driven path.)
   */
  earlierRunRequestedIssue: z.boolean().default(false),
  /**
   * Set by the client from the earlier run's status: the tracking code of the create it sent for
   * this generation's code. A create SePay is still processing is invisible, so the new run
   * follows that job before deciding there is nothing to adopt (a draft or an invoice it makes
   * later would otherwise be left behind, or issued twice).
   */
  earlierCreateTrackingCode: z.string().trim().min(1).max(200).optional(),
});

type DurationOption =
  | 'approvalTimeout'
  | 'creationTimeout'
  | 'issuanceTimeout'
  | 'quotaTimeout'
  | 'pollInitialInterval'
  | 'pollMaximumInterval'
  | 'pollFastPhase';

/**
 * Each pair is [shorter, longer]: a retry policy whose initial interval exceeds its maximum is
 * refused by the SDK while the workflow schedules the poll; a poll pause or a fast phase longer
 * than the wait it belongs to could never happen before that wait's deadline.
 */
export const DURATION_ORDER: readonly (readonly [DurationOption, DurationOption])[] = [
  ['pollInitialInterval', 'pollMaximumInterval'],
  // Implied by the pairs below when the maximum is set; said on its own when the maximum is left to fit.
  ['pollInitialInterval', 'creationTimeout'],
  ['pollInitialInterval', 'issuanceTimeout'],
  ['pollInitialInterval', 'quotaTimeout'],
  ['pollMaximumInterval', 'creationTimeout'],
  ['pollMaximumInterval', 'issuanceTimeout'],
  ['pollFastPhase', 'creationTimeout'],
  ['pollFastPhase', 'issuanceTimeout'],
  ['pollMaximumInterval', 'quotaTimeout'],
];

/**
 * What an unset polling option becomes when nothing it belongs to is shorter. A caller who sets
 * `creationTimeout: "30 seconds"` means a short wait with polling to match, not a refusal because
 * a default they never chose (`pollMaximumInterval`, 1 minute) is longer (issue #20).
 */
export const POLL_DEFAULTS = { pollInitialInterval: '2 seconds', pollMaximumInterval: '1 minute', pollFastPhase: '30 seconds' } as const;

type Duration = z.output<typeof DurationSchema>;
type OptionsObject = z.output<typeof OptionsObjectSchema>;
export type ResolvedOptions = Omit<OptionsObject, keyof typeof POLL_DEFAULTS> & Record<keyof typeof POLL_DEFAULTS, Duration>;

/** The shortest of `values` by what they last; the value itself, as given, so the parsed input reads as the caller wrote it. */
function shortest(values: readonly Duration[]): Duration {
  return values.reduce((best, value) => ((durationMs(value) ?? Infinity) < (durationMs(best) ?? Infinity) ? value : best));
}

/**
 * The polling options with every unset one filled: its default, shrunk to the shortest wait (or
 * the caller's own interval) it must fit in, and a maximum grown to an initial interval the caller
 * set above the default. Set values are kept as given. Deterministic: the result, parsed again
 * (the workflow re-parses its input), is itself.
 */
export function resolvePolling(options: OptionsObject): ResolvedOptions {
  const given = { pollInitialInterval: options.pollInitialInterval, pollMaximumInterval: options.pollMaximumInterval, pollFastPhase: options.pollFastPhase };
  const waits = [options.creationTimeout, options.issuanceTimeout];
  const pollMaximumInterval =
    given.pollMaximumInterval ??
    shortest([
      // An initial interval the caller set above the default maximum makes its own maximum.
      given.pollInitialInterval !== undefined && (durationMs(given.pollInitialInterval) ?? 0) > (durationMs(POLL_DEFAULTS.pollMaximumInterval) ?? 0)
        ? given.pollInitialInterval
        : POLL_DEFAULTS.pollMaximumInterval,
      ...waits,
      options.quotaTimeout,
    ]);
  return {
    ...options,
    pollInitialInterval: given.pollInitialInterval ?? shortest([POLL_DEFAULTS.pollInitialInterval, pollMaximumInterval]),
    pollMaximumInterval,
    pollFastPhase: given.pollFastPhase ?? shortest([POLL_DEFAULTS.pollFastPhase, ...waits]),
  };
}

/** The rules that relate the options, over resolved values: what is left are choices of the caller that contradict each other. */
function orderProblems(options: ResolvedOptions, given: OptionsObject): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const fastPhaseMs = durationMs(options.pollFastPhase);
  if (fastPhaseMs !== undefined && fastPhaseMs > MAX_POLL_FAST_PHASE_MS) problems.push({ path: 'pollFastPhase', message: 'at most 1 hour' });
  const reported = new Set<string>();
  for (const [shorter, longer] of DURATION_ORDER) {
    // A polling option left unset was made to fit: a conflict with it is one with a wait, said there.
    if (longer in POLL_DEFAULTS && given[longer as keyof typeof POLL_DEFAULTS] === undefined) continue;
    const [shorterMs, longerMs] = [durationMs(options[shorter]), durationMs(options[longer])];
    if (shorterMs === undefined || longerMs === undefined || shorterMs <= longerMs) continue;
    // One problem per option is enough to say what to change.
    if (reported.has(shorter)) continue;
    reported.add(shorter);
    problems.push({ path: shorter, message: `must not be longer than options.${longer} (${String(options[shorter])} > ${String(options[longer])})` });
  }
  return problems;
}

export const IssueInvoiceOptionsSchema = OptionsObjectSchema.transform((options, context): ResolvedOptions => {
  const resolved = resolvePolling(options);
  const problems = orderProblems(resolved, options);
  for (const { path, message } of problems) context.addIssue({ code: 'custom', path: [path], message, input: options });
  return problems.length === 0 ? resolved : z.NEVER;
});
