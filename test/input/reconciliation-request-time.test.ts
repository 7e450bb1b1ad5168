/**
 * A deleting reconciliation carries the time it was requested and is refused when its run chain
 * starts more than 10 minutes from it (issue #20: a past `reconcile --delete-orphan-drafts
 * --no-dry-run` input could be replayed into a new run of the same id). Report-only inputs are
 * judged as before.
 */
import { describe, expect, it } from 'vitest';
import { MAX_DELETING_REQUEST_AGE_MS, reconciliationSettings, staleDeletingRequest, type ReconciliationInput } from '../../workflows/reconciliation-input.js';

const requestedAt = '2026-12-07T07:30:00.000Z';
const at = (offsetMs: number) => new Date(Date.parse(requestedAt) + offsetMs);

function settingsOf(input: ReconciliationInput) {
  const checked = reconciliationSettings(input);
  if (!('settings' in checked)) throw new Error(checked.problems.join('; '));
  return checked.settings;
}

const deleting = { deleteOrphanDrafts: true, dryRun: false } as const;

describe('staleDeletingRequest', () => {
  it('lets a deleting run act within 10 minutes of its request', () => {
    expect(staleDeletingRequest(settingsOf({ ...deleting, requestedAt }), at(0))).toBeUndefined();
    expect(staleDeletingRequest(settingsOf({ ...deleting, requestedAt }), at(MAX_DELETING_REQUEST_AGE_MS))).toBeUndefined();
  });

  it('refuses a deleting run that starts later than that, or whose request is dated after its start', () => {
    expect(staleDeletingRequest(settingsOf({ ...deleting, requestedAt }), at(MAX_DELETING_REQUEST_AGE_MS + 1000))).toMatch(
      /^requestedAt: a deleting reconciliation requested at 2026-12-07T07:30:00.000Z started 10 min later .* refused, nothing deleted/,
    );
    expect(staleDeletingRequest(settingsOf({ ...deleting, requestedAt }), at(-2 * MAX_DELETING_REQUEST_AGE_MS))).toContain('20 min earlier');
  });

  it('refuses a deleting run without a request time', () => {
    expect(staleDeletingRequest(settingsOf(deleting), at(0))).toMatch(/^requestedAt: a run that deletes drafts must carry the time it was requested/);
  });

  it('leaves report-only runs alone, however old their input', () => {
    for (const input of [{}, { deleteOrphanDrafts: true }, { dryRun: false }, { deleteOrphanDrafts: true, requestedAt }]) {
      expect(staleDeletingRequest(settingsOf(input), at(365 * 24 * 3_600_000))).toBeUndefined();
    }
  });

  it('refuses a request time that is not an ISO date and time with a zone, naming the field', () => {
    for (const bad of ['yesterday', '2026-12-07', '2026-12-07T07:30:00', 1_700_000_000_000]) {
      expect(reconciliationSettings({ ...deleting, requestedAt: bad as never })).toEqual({ problems: [expect.stringMatching(/^requestedAt: expected an ISO 8601 date and time/)] });
    }
  });

  it('keeps the settings of an input without a request time as they were', () => {
    expect(settingsOf({ dryRun: true })).toEqual({ since: undefined, draftAgeThresholdHours: 24, deleteOrphanDrafts: false, dryRun: true });
  });
});
