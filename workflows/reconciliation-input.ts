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
}

export type ReconciliationSettings = Required<Omit<ReconciliationInput, 'since'>> & Pick<ReconciliationInput, 'since'>;

export const DEFAULT_DRAFT_AGE_THRESHOLD_HOURS = 24;

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
  if (problems.length > 0) return { problems };
  return { settings: { since, draftAgeThresholdHours, deleteOrphanDrafts, dryRun } };
}

function isCalendarDate(text: unknown): boolean {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}
