/**
 * What a reconciliation is asked to do, its defaults, and the checks the CLI makes before starting
 * one and the workflow makes again (a schedule or another SDK may start it with anything). Plain
 * code, not zod: it runs inside the workflow sandbox.
 */

export interface ReconciliationInput {
  /** Only invoices dated on or after this Vietnam date (`YYYY-MM-DD`); default: all. */
  since?: string;
  /** A draft older than this with no open run is an orphan. Default 24. */
  draftAgeThresholdHours?: number;
  /** Delete the orphan drafts found; only together with `dryRun: false`. Default false. */
  deleteOrphanDrafts?: boolean;
  /** Default true: report only, change nothing at SePay. */
  dryRun?: boolean;
  /**
   * When the operator asked (ISO 8601, e.g. `2026-12-07T07:30:00.000Z`). Required for a run that
   * deletes drafts, which is refused when its chain starts more than `MAX_DELETING_REQUEST_AGE_MS`
   * from it: a past destructive input replayed into a new run of the same id deletes nothing.
   */
  requestedAt?: string;
}

export type ReconciliationSettings = Required<Omit<ReconciliationInput, 'since' | 'requestedAt'>> & Pick<ReconciliationInput, 'since' | 'requestedAt'>;

export const DEFAULT_DRAFT_AGE_THRESHOLD_HOURS = 24;

/** How far apart a deleting request and the start of its run may be: long enough for a queue, too short to keep an input for later. */
export const MAX_DELETING_REQUEST_AGE_MS = 10 * 60_000;

/** The failure type of a reconciliation started with input it cannot act on (non-retryable). */
export const INVALID_RECONCILIATION_INPUT = 'InvalidReconciliationInput';

/** The settings with their defaults, or every problem, each naming its field. */
export function reconciliationSettings(input: ReconciliationInput = {}): { settings: ReconciliationSettings } | { problems: string[] } {
  const problems: string[] = [];
  const { since, draftAgeThresholdHours = DEFAULT_DRAFT_AGE_THRESHOLD_HOURS, deleteOrphanDrafts = false, dryRun = true } = input;
  if (since !== undefined && !isCalendarDate(since)) problems.push(`since: expected a date YYYY-MM-DD, got "${String(since)}"`);
  if (typeof draftAgeThresholdHours !== 'number' || !(draftAgeThresholdHours > 0) || !Number.isFinite(draftAgeThresholdHours)) {
    problems.push(`draftAgeThresholdHours: expected a positive number of hours, got "${String(draftAgeThresholdHours)}"`);
  }
  if (typeof deleteOrphanDrafts !== 'boolean') problems.push('deleteOrphanDrafts: expected true or false');
  if (typeof dryRun !== 'boolean') problems.push('dryRun: expected true or false');
  const { requestedAt } = input;
  if (requestedAt !== undefined && isoInstant(requestedAt) === undefined) problems.push(`requestedAt: expected an ISO 8601 date and time, got "${String(requestedAt)}"`);
  if (problems.length > 0) return { problems };
  // Left out when absent, so the settings (and the report built from them) of older inputs stay as they were.
  return { settings: { since, draftAgeThresholdHours, deleteOrphanDrafts, dryRun, ...(requestedAt !== undefined && { requestedAt }) } };
}

/** Whether the run would delete drafts at SePay. */
export function deletesDrafts(settings: ReconciliationSettings): boolean {
  return settings.deleteOrphanDrafts && !settings.dryRun;
}

/**
 * Why a deleting run may not act on its request, judged at `chainStartedAt` (the workflow clock's
 * start of the run chain, the same on replay), or undefined when it may.
 */
export function staleDeletingRequest(settings: ReconciliationSettings, chainStartedAt: Date): string | undefined {
  if (!deletesDrafts(settings)) return undefined;
  if (settings.requestedAt === undefined) {
    return 'requestedAt: a run that deletes drafts must carry the time it was requested (sepay-invoice reconcile sets it)';
  }
  const ageMs = chainStartedAt.getTime() - isoInstant(settings.requestedAt)!;
  if (Math.abs(ageMs) <= MAX_DELETING_REQUEST_AGE_MS) return undefined;
  const minutes = Math.round(Math.abs(ageMs) / 60_000);
  return `requestedAt: a deleting reconciliation requested at ${settings.requestedAt} started ${minutes} min ${ageMs > 0 ? 'later' : 'earlier'} (at ${chainStartedAt.toISOString()}), more than ${MAX_DELETING_REQUEST_AGE_MS / 60_000} min apart: refused, nothing deleted; ask again`;
}

/** Milliseconds since the epoch of an ISO 8601 date and time with a zone, or undefined. */
function isoInstant(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function isCalendarDate(text: unknown): boolean {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}
