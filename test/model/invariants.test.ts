/**
 * The judge judged: each invariant of the model-based test flags the situation it names and lets
 * the honest one pass, on hand-made observations (no servers).
 */
import { describe, expect, it } from 'vitest';
import type { SimInvoice } from '../../simulator/control-client.js';
import type { IssueInvoiceResult } from '../../contract/messages.js';
import { CONTENTS } from './contents.js';
import { ACCOUNT_LISTS, accountsDuring, OTHER_ACCOUNT_ID, refusalOf } from './account-timeline.js';
import {
  accountRefusalsFollowSepay,
  accountRefusalsTypedAndHarmless,
  atMostOneIssuedInvoicePerKey,
  boundedCostPerRun,
  cancelledMeansNothingIssued,
  contentDifferences,
  failureNamesCode,
  heldInvoiceIsReported,
  issuedMeansHeldAsAsked,
  issuedOnListedAccount,
  malformedMessagesChangeNothing,
  MAX_HISTORY_EVENTS,
  noDraftLeftBehind,
  reconciliationDeletesOnlyOrphans,
  reconciliationFailsNoRun,
} from './invariants.js';
import { newRunRecord, type AccountChange, type MalformedMessage, type ReconciliationRecord } from './model.js';
import { activityTimeline, historyCost, type ActivityRecord, type RunFailure, type RunObservation, type SequenceObservation } from './observe.js';
import type { PublicInvoiceDetail } from './sepay-holdings.js';

const KEY = 'order-1';

function held(referenceCode: string, status: string, invoiceNumber = status === 'issued' ? '7' : '0', requests: Partial<Pick<SimInvoice, 'create_requests' | 'issue_requests'>> = {}): SimInvoice {
  return { reference_code: referenceCode, status, invoice_number: invoiceNumber, create_requests: 1, issue_requests: status === 'issued' ? 1 : 0, ...requests } as SimInvoice;
}

/** One create, wait, issue and wait attempt each: what a run that met no trouble shows. */
const SMOOTH_RUN = { eventCount: 40, attempts: { createInvoice: 1, awaitCreation: 1, issueInvoice: 1, awaitIssuance: 1 } };

function run(ending: { result?: IssueInvoiceResult; failure?: RunFailure; status?: RunObservation['status'] }, content: 'A' | 'B' = 'A'): RunObservation {
  const record = newRunRecord(`run-${content}`, content, {});
  return { record, status: ending.result ? 'COMPLETED' : 'FAILED', failedWorkflowTasks: [], history: SMOOTH_RUN, startMs: 0, closeMs: 1_000, activities: [], ...ending };
}

function issuedResult(invoiceNumber: string, referenceCode = KEY): IssueInvoiceResult {
  return { outcome: 'issued', invoice: { referenceCode, invoiceNumber } as Extract<IssueInvoiceResult, { outcome: 'issued' }>['invoice'] };
}

/** SePay's §10 detail of content A: lines as 2-decimal strings. */
function detailOfA(): PublicInvoiceDetail {
  return {
    reference_code: KEY,
    invoice_number: '7',
    status: 'issued',
    buyer: { ...CONTENTS.A.buyer },
    items: CONTENTS.A.items.map((line) => ({
      line_number: line.line_number,
      item_name: line.item_name,
      unit: line.unit ?? null,
      quantity: line.quantity!.toFixed(2),
      unit_price: line.unit_price!.toFixed(2),
      total_amount: (line.quantity! * line.unit_price!).toFixed(2),
      tax_rate: Number(line.tax_rate).toFixed(2),
    })),
  };
}

function sequence(runs: RunObservation[], invoices: SimInvoice[], details: PublicInvoiceDetail[] = []): SequenceObservation {
  const issuedDetails = new Map(details.map((detail) => [detail.reference_code, detail]));
  return { keys: [{ key: KEY, runs, sepay: { invoices, issuedDetails } }], stillOpen: [], accounts: [], reconciliations: [], jobs: [] };
}

describe('I1', () => {
  it('flags a second issued invoice under the next generation, not a deleted one', () => {
    expect(atMostOneIssuedInvoicePerKey(sequence([], [held(KEY, 'issued'), held(`${KEY}~2`, 'issued', '8')]))).toHaveLength(1);
    expect(atMostOneIssuedInvoicePerKey(sequence([], [held(KEY, 'deleted'), held(`${KEY}~2`, 'issued')]))).toEqual([]);
  });
});

describe('I2', () => {
  const cancelled = run({ result: { outcome: 'cancelled', referenceCode: KEY, reason: 'r', draftDeleted: true } });
  it('flags a cancelled key with a draft left or an invoice issued', () => {
    expect(cancelledMeansNothingIssued(sequence([cancelled], [held(KEY, 'draft')]))).toHaveLength(1);
    expect(cancelledMeansNothingIssued(sequence([cancelled], [held(KEY, 'issued')]))).toHaveLength(1);
  });
  it('passes a cancelled key whose draft was deleted', () => {
    expect(cancelledMeansNothingIssued(sequence([cancelled], [held(KEY, 'deleted')]))).toEqual([]);
  });
});

describe('I3', () => {
  it('reads SePay decimal strings as the numbers asked for', () => {
    expect(contentDifferences(detailOfA(), CONTENTS.A)).toEqual([]);
  });
  it('flags an issued run whose content is not what SePay issued', () => {
    const violations = issuedMeansHeldAsAsked(sequence([run({ result: issuedResult('7') }, 'B')], [held(KEY, 'issued')], [detailOfA()]));
    expect(violations).toHaveLength(1);
    expect(violations[0]!.message).toMatch(/items\.0\.unit_price/);
  });
});

describe('I4', () => {
  const failed = (message: string, details: unknown[] = []) => run({ failure: { type: 'SepayReferenceConflict', message, details } });
  it('accepts a typed failure that names the issued number, in its message or details', () => {
    expect(heldInvoiceIsReported(sequence([failed('content differs from the issued invoice 7')], [held(KEY, 'issued')]))).toEqual([]);
    expect(heldInvoiceIsReported(sequence([failed('content differs', [{ invoiceNumber: '7' }])], [held(KEY, 'issued')]))).toEqual([]);
  });
  it('flags a failure that does not name it, and an issued result with another number', () => {
    expect(heldInvoiceIsReported(sequence([failed('HTTP 400: not a draft (items.7)')], [held(KEY, 'issued')]))).toHaveLength(1);
    expect(heldInvoiceIsReported(sequence([run({ result: issuedResult('6') })], [held(KEY, 'issued')]))).toHaveLength(1);
  });
});

describe('I6', () => {
  const issuedNext = run({ result: issuedResult('8', `${KEY}~2`) });
  it('flags a draft of the key left behind by a latest run that ended issued under the next code, or failed without naming it', () => {
    expect(noDraftLeftBehind(sequence([issuedNext], [held(KEY, 'draft'), held(`${KEY}~2`, 'issued', '8')]))).toHaveLength(1);
    const deadline = run({ failure: { type: 'DeadlineExceeded', message: 'no approval within 3s', details: [] } });
    expect(noDraftLeftBehind(sequence([deadline], [held(KEY, 'draft')]))).toHaveLength(1);
  });
  it('passes a draft the latest run names: CompensationFailed, or past the point of no return with issueRequested', () => {
    const compensation = run({ failure: { type: 'CompensationFailed', message: `the draft ${KEY} could not be deleted`, details: [{ referenceCode: KEY, draft: 'may-remain' }] } });
    expect(noDraftLeftBehind(sequence([compensation], [held(KEY, 'draft')]))).toEqual([]);
    const pastPoint = run({ failure: { type: 'SepayJobFailed', message: 'SePay issue job failed', details: [{ referenceCode: KEY, issueRequested: true }] } });
    expect(noDraftLeftBehind(sequence([pastPoint], [held(KEY, 'draft')]))).toEqual([]);
  });
  it('passes while the latest run is open or was terminated (the settle phase re-runs those), and a deleted draft', () => {
    expect(noDraftLeftBehind(sequence([run({ status: 'RUNNING' })], [held(KEY, 'draft')]))).toEqual([]);
    expect(noDraftLeftBehind(sequence([run({ status: 'TERMINATED' })], [held(KEY, 'draft')]))).toEqual([]);
    expect(noDraftLeftBehind(sequence([issuedNext], [held(KEY, 'deleted'), held(`${KEY}~2`, 'issued', '8')]))).toEqual([]);
  });
  it('reads a code as a whole: a failure about key~2 does not name key', () => {
    const aboutNext = run({ failure: { type: 'CompensationFailed', message: `the draft ${KEY}~2 could not be deleted`, details: [] } });
    expect(failureNamesCode(aboutNext, KEY)).toBe(false);
    expect(failureNamesCode(aboutNext, `${KEY}~2`)).toBe(true);
    expect(failureNamesCode(run({ failure: { message: `terminated with ${KEY}`, details: [] } }), KEY)).toBe(false);
  });
});

describe('I7', () => {
  it('passes SePay requests within the attempts the histories show', () => {
    expect(boundedCostPerRun(sequence([run({ result: issuedResult('7') })], [held(KEY, 'issued', '7', { create_requests: 1, issue_requests: 1 })]))).toEqual([]);
  });
  it('flags more create or issue requests than attempts, and a history past the bound', () => {
    const issued = run({ result: issuedResult('7') });
    expect(boundedCostPerRun(sequence([issued], [held(KEY, 'issued', '7', { create_requests: 2 })]))).toHaveLength(1);
    expect(boundedCostPerRun(sequence([issued], [held(KEY, 'issued', '7', { issue_requests: 3 })]))).toHaveLength(1);
    const long = { ...issued, history: { ...SMOOTH_RUN, eventCount: MAX_HISTORY_EVENTS + 1 } };
    expect(boundedCostPerRun(sequence([long], [held(KEY, 'issued')]))).toHaveLength(1);
  });
  it('counts an attempt that never ended and one in flight at termination', () => {
    const record = { attemptsAtTermination: { createInvoice: 2 } };
    const scheduled = (id: number, name: string) => ({ eventId: id, eventType: 10, activityTaskScheduledEventAttributes: { activityType: { name } } });
    const started = (scheduledEventId: number, attempt: number) => ({ eventType: 11, activityTaskStartedEventAttributes: { scheduledEventId, attempt } });
    const events = [scheduled(5, 'createInvoice'), started(5, 3), scheduled(9, 'createInvoice'), scheduled(12, 'issueInvoice')];
    // Plain numbers where the proto has Long ids: historyCost reads ids as strings either way.
    expect(historyCost(events as unknown as Parameters<typeof historyCost>[0], record)).toEqual({ eventCount: 4, attempts: { createInvoice: 6, issueInvoice: 1 } });
  });
});

describe('I8', () => {
  const withMessages = (malformed: MalformedMessage[], failedWorkflowTasks: string[] = []) => {
    const observed = run({ result: issuedResult('7') });
    return { ...observed, failedWorkflowTasks, record: { ...observed.record, malformed } };
  };
  it('passes refused messages and those that found the run closed', () => {
    const sent: MalformedMessage[] = [
      { what: 'cancelInvoice without argument', outcome: 'refused' },
      { what: 'requestCancellation without argument', outcome: 'closed' },
    ];
    expect(malformedMessagesChangeNothing(sequence([withMessages(sent)], []))).toEqual([]);
  });
  it('flags an accepted update, a signal never recorded, a change it made, and a failed workflow task', () => {
    expect(malformedMessagesChangeNothing(sequence([withMessages([{ what: 'requestCancellation without argument', outcome: 'accepted' }])], []))).toHaveLength(1);
    expect(malformedMessagesChangeNothing(sequence([withMessages([{ what: 'cancelInvoice without argument', outcome: 'not recorded' }])], []))).toHaveLength(1);
    expect(malformedMessagesChangeNothing(sequence([withMessages([{ what: 'approveIssuance with a string', outcome: 'refused', changed: 'approval' }])], []))).toHaveLength(1);
    const failedTask = withMessages([{ what: 'cancelInvoice without argument', outcome: 'refused' }], ['WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE: boom']);
    expect(malformedMessagesChangeNothing(sequence([failedTask], []))).toHaveLength(1);
  });
});

/** A deleting reconciliation that began at 10 s, started its deletions at 11 s and deleted `codes`. */
function reconciliation(codes: string[]): ReconciliationRecord {
  return {
    workflowId: 'reconciliation-1',
    startedAt: 9_900,
    outcome: 'completed',
    asOfMs: 10_000,
    deletionWindows: [{ scheduledMs: 11_000, closedMs: 11_500 }],
    deletions: Object.fromEntries(codes.map((code) => [code, 'deleted' as const])),
  };
}

function timed(observed: RunObservation, startMs: number, closeMs: number | undefined, status: RunObservation['status'] = observed.status): RunObservation {
  const { closeMs: _close, ...rest } = observed;
  return { ...rest, status, startMs, ...(closeMs !== undefined && { closeMs }) };
}

function withReconciliations(observation: SequenceObservation, reconciliations: ReconciliationRecord[]): SequenceObservation {
  return { ...observation, reconciliations };
}

describe('I9', () => {
  const pastPoint = run({ failure: { type: 'SepayValidationFailed', message: `issueInvoice: ${KEY} not found (404)`, details: [{ referenceCode: KEY, issueRequested: true }] } });
  it('flags a run that closed after a deleting reconciliation began and failed naming the code it deleted', () => {
    expect(reconciliationFailsNoRun(withReconciliations(sequence([timed(pastPoint, 11_200, 12_000)], [held(KEY, 'deleted')]), [reconciliation([KEY])]))).toHaveLength(1);
  });
  it('passes a failure before the reconciliation began, one about another code, a short deadline, and a forged failure', () => {
    const deletedKey = [reconciliation([KEY])];
    expect(reconciliationFailsNoRun(withReconciliations(sequence([timed(pastPoint, 1_000, 9_000)], []), deletedKey))).toEqual([]);
    expect(reconciliationFailsNoRun(withReconciliations(sequence([timed(pastPoint, 11_200, 12_000)], []), [reconciliation([`${KEY}~2`])]))).toEqual([]);
    const deadline = run({ failure: { type: 'DeadlineExceeded', message: `no approval for ${KEY} within 3s`, details: [] } });
    expect(reconciliationFailsNoRun(withReconciliations(sequence([timed(deadline, 11_200, 12_000)], []), deletedKey))).toEqual([]);
    const forged = run({ failure: { type: 'SepayJobFailed', message: `forged, past the point of no return for ${KEY}`, details: [] } });
    forged.record.forged.push({ activityType: 'awaitIssuance', failureType: 'SepayJobFailed', outcome: 'sent' });
    expect(reconciliationFailsNoRun(withReconciliations(sequence([timed(forged, 11_200, 12_000)], []), deletedKey))).toEqual([]);
  });
});

describe('I10', () => {
  const issued = run({ result: issuedResult('7') });
  it('flags a deletion while a run that began before the deletions was open or closed after asOf', () => {
    expect(reconciliationDeletesOnlyOrphans(withReconciliations(sequence([timed(issued, 5_000, undefined, 'RUNNING')], []), [reconciliation([KEY])]))).toHaveLength(1);
    expect(reconciliationDeletesOnlyOrphans(withReconciliations(sequence([timed(issued, 5_000, 10_500, 'TERMINATED')], []), [reconciliation([KEY])]))).toHaveLength(1);
  });
  it('passes a deletion after the runs closed before asOf, a run that started once the deletions began, and a kept draft', () => {
    expect(reconciliationDeletesOnlyOrphans(withReconciliations(sequence([timed(issued, 5_000, 9_000, 'TERMINATED')], []), [reconciliation([KEY])]))).toEqual([]);
    expect(reconciliationDeletesOnlyOrphans(withReconciliations(sequence([timed(issued, 11_100, undefined, 'RUNNING')], []), [reconciliation([KEY])]))).toEqual([]);
    const kept: ReconciliationRecord = { ...reconciliation([]), deletions: { [KEY]: 'open-run' } };
    expect(reconciliationDeletesOnlyOrphans(withReconciliations(sequence([timed(issued, 5_000, undefined, 'RUNNING')], []), [kept]))).toEqual([]);
  });
});

/** SePay's accounts: the seed from the start, then `changes` as [name, sentAt, answeredAt]. */
function timeline(...changes: [keyof typeof ACCOUNT_LISTS, number, number][]): AccountChange[] {
  return [
    { name: 'seed', sentAt: 0, answeredAt: 0, accounts: ACCOUNT_LISTS.seed() },
    ...changes.map(([name, sentAt, answeredAt]) => ({ name, sentAt, answeredAt, accounts: ACCOUNT_LISTS[name]() })),
  ];
}

function withAccounts(observation: SequenceObservation, accounts: AccountChange[]): SequenceObservation {
  return { ...observation, accounts };
}

describe('account timeline', () => {
  it('answers both lists while a change is landing, and only the one in effect otherwise', () => {
    const changes = timeline(['deactivate the account', 1_000, 1_010], ['seed', 2_000, 2_010]);
    expect(accountsDuring(changes, 500, 500)).toHaveLength(1);
    expect(accountsDuring(changes, 1_005, 1_005)).toHaveLength(2);
    expect(accountsDuring(changes, 1_500, 1_500).map((list) => refusalOf(list))).toEqual([expect.stringMatching(/^SepayAccountNotChosen/)]);
    expect(accountsDuring(changes, 1_500, 2_500)).toHaveLength(2);
  });
  it('refuses the model invoice without one active account or without the VAT pair, takes it on another account with the pair', () => {
    expect(refusalOf(ACCOUNT_LISTS.seed())).toBeUndefined();
    expect(refusalOf(ACCOUNT_LISTS['move to another account']())).toBeUndefined();
    expect(refusalOf(ACCOUNT_LISTS['a second active account']())).toMatch(/^SepayAccountNotChosen: 2/);
    expect(refusalOf(ACCOUNT_LISTS['de-allocate the VAT pair']())).toMatch(/^SepayTemplateNotAllocated/);
  });
});

describe('I11', () => {
  const onAccount = (accountId: string, createdAt: number, templateCode = '1', series = 'C25TAT') =>
    ({ ...held(KEY, 'issued'), provider_account_id: accountId, created_at: createdAt, template_code: templateCode, series }) as SimInvoice;
  const seeded = ACCOUNT_LISTS.seed()[0]!.id;
  it('flags an invoice created on an account or pair SePay did not list active then', () => {
    const changes = timeline(['move to another account', 1_000, 1_010]);
    expect(issuedOnListedAccount(withAccounts(sequence([], [onAccount(seeded, 1_500)]), changes))).toHaveLength(1);
    expect(issuedOnListedAccount(withAccounts(sequence([], [onAccount(seeded, 500, '2', 'C26TSE')]), changes))).toHaveLength(1);
  });
  it('passes one created while the account was listed, or while the change was landing', () => {
    const changes = timeline(['move to another account', 1_000, 1_010]);
    expect(issuedOnListedAccount(withAccounts(sequence([], [onAccount(seeded, 500)]), changes))).toEqual([]);
    expect(issuedOnListedAccount(withAccounts(sequence([], [onAccount(seeded, 1_005)]), changes))).toEqual([]);
    expect(issuedOnListedAccount(withAccounts(sequence([], [onAccount(OTHER_ACCOUNT_ID, 1_500)]), changes))).toEqual([]);
  });
});

const activity = (type: string, startedMs: number, closedMs: number, ending: Partial<ActivityRecord> = {}): ActivityRecord => ({
  type,
  scheduledMs: startedMs - 5,
  startedMs,
  closedMs,
  outcome: 'completed',
  ...ending,
});

function refused(type: string, activities: ActivityRecord[], mode: 'direct' | 'draft-then-issue' = 'draft-then-issue'): RunObservation {
  const observed = run({ failure: { type, message: `refused: ${type}`, details: [] } });
  return { ...observed, activities, record: { ...observed.record, options: { mode } } };
}

describe('I12', () => {
  it("flags SePay's untyped 400 about the account, and a refusal after an issue request or an accepted direct create", () => {
    const untyped = run({ failure: { type: 'SepayValidationFailed', message: 'createInvoice: provider_account_id: tài khoản nhà cung cấp hóa đơn chưa được kích hoạt', details: [] } });
    expect(accountRefusalsTypedAndHarmless(sequence([untyped], []))).toHaveLength(1);
    const afterIssue = refused('SepayAccountUnavailable', [activity('prepareInvoice', 10, 20), activity('issueInvoice', 30, 40)]);
    expect(accountRefusalsTypedAndHarmless(sequence([afterIssue], []))).toHaveLength(1);
    const afterDirectCreate = refused('SepayTemplateNotAllocated', [activity('createInvoice', 10, 20)], 'direct');
    expect(accountRefusalsTypedAndHarmless(sequence([afterDirectCreate], [held(KEY, 'issued')]))).toHaveLength(1);
    // That direct create's job failed (for quota, say): it made nothing, the refusal harmed nothing.
    expect(accountRefusalsTypedAndHarmless(sequence([afterDirectCreate], [held(KEY, 'failed')]))).toEqual([]);
  });
  it('passes a typed refusal from the first step, and a 400 about something else', () => {
    const firstStep = refused('SepayAccountNotChosen', [activity('prepareInvoice', 10, 20, { outcome: 'failed', failureType: 'SepayAccountNotChosen' })]);
    expect(accountRefusalsTypedAndHarmless(sequence([firstStep], []))).toEqual([]);
    const other = run({ failure: { type: 'SepayValidationFailed', message: 'issueInvoice: reference_code: not found', details: [] } });
    expect(accountRefusalsTypedAndHarmless(sequence([other], []))).toEqual([]);
  });
});

describe('I13', () => {
  const refusedIn = (startedMs: number, closedMs: number) =>
    refused('SepayAccountNotChosen', [activity('prepareInvoice', startedMs, closedMs, { outcome: 'failed', failureType: 'SepayAccountNotChosen' })]);
  const changes = timeline(['deactivate the account', 1_000, 1_010], ['seed', 2_000, 2_010]);
  it('flags a refusal made while SePay listed the account usable for the whole attempt', () => {
    expect(accountRefusalsFollowSepay(withAccounts(sequence([refusedIn(3_000, 3_050)], []), changes))).toHaveLength(1);
  });
  it('reads the refusal against the account it names: the run chose it, and SePay no longer lists it', () => {
    const moved = timeline(['move to another account', 1_000, 1_010], ['seed', 2_000, 2_010]);
    const onOther = refusedIn(3_000, 3_050);
    onOther.failure = { type: 'SepayAccountUnavailable', message: `Provider account ${OTHER_ACCOUNT_ID} is unknown to SePay`, details: [{ providerAccountId: OTHER_ACCOUNT_ID }] };
    expect(accountRefusalsFollowSepay(withAccounts(sequence([onOther], []), moved))).toEqual([]);
    const onSeeded = { ...onOther, failure: { ...onOther.failure, details: [{ providerAccountId: ACCOUNT_LISTS.seed()[0]!.id }] } };
    expect(accountRefusalsFollowSepay(withAccounts(sequence([onSeeded], []), moved))).toHaveLength(1);
  });
  it('passes a refusal while the account was deactivated, one whose attempt saw it come back, and one a read in flight explains', () => {
    expect(accountRefusalsFollowSepay(withAccounts(sequence([refusedIn(1_500, 1_550)], []), changes))).toEqual([]);
    expect(accountRefusalsFollowSepay(withAccounts(sequence([refusedIn(1_900, 2_100)], []), changes))).toEqual([]);
    expect(accountRefusalsFollowSepay(withAccounts(sequence([refusedIn(2_100, 2_150)], []), changes))).toEqual([]);
  });
});

describe('activity timeline', () => {
  it('reads when each activity ran and the type it failed with', () => {
    const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
    const events = [
      { eventId: 5, eventType: 10, eventTime: at(1_000), activityTaskScheduledEventAttributes: { activityType: { name: 'prepareInvoice' } } },
      { eventId: 6, eventType: 11, eventTime: at(1_100), activityTaskStartedEventAttributes: { scheduledEventId: 5, attempt: 2 } },
      { eventId: 7, eventType: 13, eventTime: at(1_250), activityTaskFailedEventAttributes: { scheduledEventId: 5, failure: { applicationFailureInfo: { type: 'SepayAccountNotChosen' } } } },
      { eventId: 9, eventType: 10, eventTime: at(2_000), activityTaskScheduledEventAttributes: { activityType: { name: 'deleteDraft' } } },
    ];
    expect(activityTimeline(events as unknown as Parameters<typeof activityTimeline>[0])).toEqual([
      { type: 'prepareInvoice', scheduledMs: 1_000, startedMs: 1_100, closedMs: 1_250, outcome: 'failed', failureType: 'SepayAccountNotChosen' },
      { type: 'deleteDraft', scheduledMs: 2_000, outcome: 'open' },
    ]);
  });
});
