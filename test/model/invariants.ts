/**
 * The key-level guarantees of the README ("The guarantees", "Re-running a key"), each a named
 * function over a settled sequence that answers its violations, so a failure says which one broke.
 */
import type { InvoiceContent } from '../../contract/input.js';
import { accountsDuring, listsActive, refusalOf } from './account-timeline.js';
import { CONTENTS } from './contents.js';
import { isCodeOfKey, type ReconciliationRecord } from './model.js';
import type { KeyObservation, RunObservation, SequenceObservation } from './observe.js';
import type { PublicInvoiceDetail } from './sepay-holdings.js';

export interface Violation {
  invariant: string;
  key: string;
  message: string;
}

type Invariant = (sequence: SequenceObservation) => Violation[];

const issuedAtSepay = (key: KeyObservation) => key.sepay.invoices.filter((invoice) => invoice.status === 'issued');
const describeInvoice = (invoice: { reference_code: string; status: string; invoice_number: string }) =>
  `${invoice.reference_code} (${invoice.status}, number ${invoice.invoice_number})`;

/** I1: SePay never holds two issued invoices for one key, whichever reference codes its runs used. */
export const atMostOneIssuedInvoicePerKey: Invariant = ({ keys }) =>
  keys.flatMap((key) => {
    const issued = issuedAtSepay(key);
    return issued.length <= 1 ? [] : [{ invariant: 'I1 at most one issued invoice per key', key: key.key, message: `SePay holds ${issued.length} issued: ${issued.map(describeInvoice).join(', ')}` }];
  });

/** Whether the run ended cancelled, or the run said it accepted a cancellation (update answer or its own record). */
function cancelledRun(run: RunObservation): string | undefined {
  if (run.result?.outcome === 'cancelled') return 'ended cancelled';
  const update = run.record.cancels.find((cancel) => cancel.via === 'update' && cancel.accepted === true);
  if (update) return `accepted a cancel update (${update.answer})`;
  if (run.cancellation?.outcome === 'accepted') return `recorded a ${run.cancellation.via} cancellation as accepted`;
  return undefined;
}

/** I2: a key whose latest run ended cancelled or accepted a cancellation has nothing issued and no draft left at SePay. */
export const cancelledMeansNothingIssued: Invariant = ({ keys }) =>
  keys.flatMap((key) => {
    const latest = key.runs.at(-1);
    const how = latest && cancelledRun(latest);
    if (!how) return [];
    const left = key.sepay.invoices.filter((invoice) => ['issued', 'draft', 'pending'].includes(invoice.status));
    return left.length === 0
      ? []
      : [{ invariant: 'I2 cancelled means nothing issued and no draft left', key: key.key, message: `latest run ${latest.record.runId} ${how}, but SePay holds ${left.map(describeInvoice).join(', ')}` }];
  });

const asNumber = (value: unknown) => (value === null || value === undefined ? undefined : Number(value));

/** How SePay's detail differs from the content a run asked for; §10 echoes lines with 2-decimal strings and no discounts. */
export function contentDifferences(detail: PublicInvoiceDetail, asked: InvoiceContent): string[] {
  const differences: string[] = [];
  for (const [field, value] of Object.entries(asked.buyer)) {
    if (detail.buyer?.[field] !== value) differences.push(`buyer.${field}: asked ${JSON.stringify(value)}, SePay ${JSON.stringify(detail.buyer?.[field])}`);
  }
  if (detail.items.length !== asked.items.length) differences.push(`${asked.items.length} lines asked, ${detail.items.length} at SePay`);
  asked.items.forEach((line, index) => {
    const held = detail.items[index];
    if (!held) return;
    const differs = (field: string, want: unknown, got: unknown) => {
      if (want !== got) differences.push(`items.${index}.${field}: asked ${JSON.stringify(want)}, SePay ${JSON.stringify(got)}`);
    };
    differs('item_name', line.item_name, held.item_name);
    differs('unit', line.unit ?? null, held.unit);
    differs('quantity', line.quantity, asNumber(held.quantity));
    differs('unit_price', line.unit_price, asNumber(held.unit_price));
    differs('tax_rate', line.tax_rate, asNumber(held.tax_rate));
    // Discounts are not echoed (§10): the line amount SePay computed carries them.
    const amount = Math.round(((line.quantity ?? 0) * (line.unit_price ?? 0) - (line.discount_amount ?? 0)) * 100) / 100;
    differs('total_amount (quantity × unit price − discount)', amount, asNumber(held.total_amount));
  });
  return differences;
}

/** I3: a run that ended issued names an invoice SePay holds issued, with that number and the content the run asked for. */
export const issuedMeansHeldAsAsked: Invariant = ({ keys }) =>
  keys.flatMap((key) =>
    key.runs.flatMap((run): Violation[] => {
      if (run.result?.outcome !== 'issued') return [];
      const { referenceCode, invoiceNumber } = run.result.invoice;
      const violation = (message: string): Violation[] => [{ invariant: 'I3 issued means SePay holds it as asked', key: key.key, message: `run ${run.record.runId} (content ${run.record.content}) ended issued ${referenceCode} #${invoiceNumber}: ${message}` }];
      const held = key.sepay.invoices.find((invoice) => invoice.reference_code === referenceCode);
      if (held?.status !== 'issued') return violation(`SePay holds ${held ? describeInvoice(held) : 'nothing'} under that code`);
      if (held.invoice_number !== invoiceNumber) return violation(`SePay's number is ${held.invoice_number}`);
      const detail = key.sepay.issuedDetails.get(referenceCode);
      const differences = detail ? contentDifferences(detail, CONTENTS[run.record.content]) : ['no detail from SePay'];
      return differences.length === 0 ? [] : violation(`content differs: ${differences.join('; ')}`);
    }),
  );

/** Whether a failure names the invoice number, in its details (an invoice-number field) or its message ("invoice … 3"). */
function failureNamesNumber(run: RunObservation, invoiceNumber: string): boolean {
  const failure = run.failure;
  if (!failure?.type) return false;
  const inDetails = new RegExp(`"invoice_?number"\\s*:\\s*"?${invoiceNumber}"?[,}]`, 'i').test(JSON.stringify(failure.details));
  const inMessage = new RegExp(`invoice[^.\\d]{0,30}\\b${invoiceNumber}\\b`, 'i').test(failure.message);
  return inDetails || inMessage;
}

/** I4: an invoice SePay holds issued for a key is what the key's latest run says: issued with that number, or a typed failure naming it. */
export const heldInvoiceIsReported: Invariant = ({ keys }) =>
  keys.flatMap((key) => {
    const latest = key.runs.at(-1);
    return issuedAtSepay(key).flatMap((invoice): Violation[] => {
      const reported =
        latest?.result?.outcome === 'issued'
          ? latest.result.invoice.invoiceNumber === invoice.invoice_number && latest.result.invoice.referenceCode === invoice.reference_code
          : latest !== undefined && failureNamesNumber(latest, invoice.invoice_number);
      if (reported) return [];
      const said = !latest ? 'no run' : latest.result ? JSON.stringify(latest.result) : latest.failure ? `${latest.status} ${latest.failure.type ?? 'untyped'}: ${latest.failure.message}` : latest.status;
      return [{ invariant: 'I4 an issued invoice is reported by the latest run', key: key.key, message: `SePay holds ${describeInvoice(invoice)}; latest run ${latest?.record.runId ?? '-'} says ${said}` }];
    });
  });

/** I5: every run ends within the bound, and none went through workflow-task failures. */
export const everyRunEndsCleanly: Invariant = ({ keys, stillOpen }) => [
  ...stillOpen.map((open) => ({ invariant: 'I5 every run ends cleanly', key: open.key, message: `run ${open.runId} still open at stage ${open.stage} after the settle bound` })),
  ...keys.flatMap((key) =>
    key.runs
      .filter((run) => run.failedWorkflowTasks.length > 0)
      .map((run) => ({ invariant: 'I5 every run ends cleanly', key: key.key, message: `run ${run.record.runId} had ${run.failedWorkflowTasks.length} failed workflow tasks, first: ${run.failedWorkflowTasks[0]}` })),
  ),
];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether a typed failure names the reference code, in its details (a `referenceCode` field) or
 * its message, as a whole code: `key` is not named by a message about `key~2`.
 */
export function failureNamesCode(run: RunObservation, referenceCode: string): boolean {
  const failure = run.failure;
  if (!failure?.type) return false;
  const inDetails = failure.details.some((detail) => typeof detail === 'object' && detail !== null && (detail as { referenceCode?: unknown }).referenceCode === referenceCode);
  const inMessage = new RegExp(`(^|[^\\w~-])${escapeRegExp(referenceCode)}(?![\\w~-])`).test(failure.message);
  return inDetails || inMessage;
}

/** Run ends a draft may outlive: a run stopped from outside (settle re-runs those) or one still open (I5). */
const ENDED_FROM_OUTSIDE = new Set(['TERMINATED', 'TIMED_OUT', 'RUNNING']);

/**
 * I6: once a key's runs have ended, SePay holds no draft (or create in flight) of the key, unless
 * the key's latest run ended with a typed failure naming that draft's reference code (a
 * CompensationFailed, or a failure past the point of no return that says its issue was requested).
 * A draft an earlier run left is the latest run's to adopt, issue or delete.
 */
export const noDraftLeftBehind: Invariant = ({ keys, stillOpen }) =>
  keys.flatMap((key) => {
    const latest = key.runs.at(-1);
    if (!latest || ENDED_FROM_OUTSIDE.has(latest.status) || stillOpen.some((open) => open.key === key.key)) return [];
    return key.sepay.invoices
      .filter((invoice) => ['draft', 'pending'].includes(invoice.status) && !failureNamesCode(latest, invoice.reference_code))
      .map((invoice) => {
        const said = latest.result ? JSON.stringify(latest.result) : latest.failure ? `${latest.status} ${latest.failure.type ?? 'untyped'}: ${latest.failure.message} ${JSON.stringify(latest.failure.details)}` : latest.status;
        return { invariant: 'I6 no draft left behind unless a failure names it', key: key.key, message: `SePay holds ${describeInvoice(invoice)}; latest run ${latest.record.runId} says ${said}` };
      });
  });

/** More events than this in one run means something loops in history instead of in an activity's retries. */
export const MAX_HISTORY_EVENTS = 200;
const CREATE_ACTIVITIES = ['createInvoice'];
/** awaitIssuance asks SePay to issue again at most once per attempt when it follows an invoice without a tracking code. */
const ISSUE_ACTIVITIES = ['issueInvoice', 'awaitIssuance'];

const attemptsOf = (key: KeyObservation, types: readonly string[]) =>
  key.runs.reduce((sum, run) => sum + types.reduce((runSum, type) => runSum + (run.history.attempts[type] ?? 0), 0), 0);

/**
 * I7: bounded cost per run. Every create or issue request SePay counted for the key's codes was
 * sent by an attempt some history shows (a request per attempt, never a loop inside one), and no
 * run's history grows past MAX_HISTORY_EVENTS (waits are retries, not events).
 */
export const boundedCostPerRun: Invariant = ({ keys }) =>
  keys.flatMap((key) => {
    const violation = (message: string): Violation => ({ invariant: 'I7 bounded cost per run', key: key.key, message });
    const sum = (field: 'create_requests' | 'issue_requests') => key.sepay.invoices.reduce((total, invoice) => total + (invoice[field] ?? 0), 0);
    const creates = sum('create_requests');
    const createAttempts = attemptsOf(key, CREATE_ACTIVITIES);
    const issues = sum('issue_requests');
    const issueAttempts = attemptsOf(key, ISSUE_ACTIVITIES);
    return [
      ...(creates > createAttempts ? [violation(`SePay counted ${creates} create requests, the key's ${key.runs.length} runs show ${createAttempts} createInvoice attempts`)] : []),
      ...(issues > issueAttempts ? [violation(`SePay counted ${issues} issue requests, the key's ${key.runs.length} runs show ${issueAttempts} issueInvoice and awaitIssuance attempts`)] : []),
      ...key.runs.filter((run) => run.history.eventCount > MAX_HISTORY_EVENTS).map((run) => violation(`run ${run.record.runId} has ${run.history.eventCount} history events (bound ${MAX_HISTORY_EVENTS})`)),
    ];
  });

/**
 * I8: a message whose argument does not parse changes nothing: the update is refused, the signal
 * recorded as refused, no cancellation or approval follows from it, and the run that got it has no
 * workflow task failed (any run's failed tasks are I5's too; here they are named with their cause).
 */
export const malformedMessagesChangeNothing: Invariant = ({ keys }) =>
  keys.flatMap((key) =>
    key.runs.flatMap((run): Violation[] => {
      if (run.record.malformed.length === 0) return [];
      const violation = (message: string): Violation => ({ invariant: 'I8 malformed messages change nothing', key: key.key, message: `run ${run.record.runId}: ${message}` });
      return [
        ...run.record.malformed
          .filter((sent) => sent.outcome === 'accepted' || sent.outcome === 'not recorded')
          .map((sent) => violation(`${sent.what} was ${sent.outcome}${sent.detail ? ` (${sent.detail})` : ''}`)),
        ...run.record.malformed.filter((sent) => sent.changed).map((sent) => violation(`${sent.what} changed ${sent.changed}`)),
        ...(run.failedWorkflowTasks.length > 0
          ? [violation(`after ${run.record.malformed.map((sent) => sent.what).join(', ')}: ${run.failedWorkflowTasks.length} workflow tasks failed, first: ${run.failedWorkflowTasks[0]}`)]
          : []),
      ];
    }),
  );

/** A draft a reconciliation deleted: its code, the reconciliation's asOf, and the earliest its deletions may have run. */
export interface ReconciliationDeletion {
  referenceCode: string;
  workflowId: string;
  asOfMs: number;
  deletionsFromMs: number;
}

export function reconciliationDeletions(reconciliations: readonly ReconciliationRecord[]): ReconciliationDeletion[] {
  return reconciliations.flatMap((reconciliation) => {
    const asOfMs = reconciliation.asOfMs ?? reconciliation.startedAt;
    const deletionsFromMs = Math.min(asOfMs, ...(reconciliation.deletionWindows ?? []).map((window) => window.scheduledMs));
    return Object.entries(reconciliation.deletions ?? {})
      .filter(([, outcome]) => outcome === 'deleted')
      .map(([referenceCode]) => ({ referenceCode, workflowId: reconciliation.workflowId, asOfMs, deletionsFromMs }));
  });
}

const timeOf = (ms: number | undefined) => (ms === undefined ? 'still open' : new Date(ms).toISOString().slice(11, 23));

/** Failures a run may end with whatever was deleted under it: one forged on it, or a deadline the sequence made short. */
function failureExplainedByTheSequence(run: RunObservation): boolean {
  const type = run.failure?.type;
  return type === 'DeadlineExceeded' || run.record.forged.some((forged) => forged.outcome === 'sent' && forged.failureType === type);
}

/**
 * I9: no run fails because a reconciliation deleted the draft it was working on: a run that closed
 * after a deleting reconciliation began never fails naming a code that reconciliation deleted
 * (a 404 past the point of no return, a compensation that found it gone), unless the sequence
 * forged that failure on it or gave it a short deadline. A re-run that stalls afterwards is I5's.
 */
export const reconciliationFailsNoRun: Invariant = ({ keys, reconciliations }) => {
  const deletions = reconciliationDeletions(reconciliations);
  return keys.flatMap((key) =>
    key.runs.flatMap((run): Violation[] => {
      if (run.status !== 'FAILED' || failureExplainedByTheSequence(run)) return [];
      return deletions
        .filter((deletion) => isCodeOfKey(deletion.referenceCode, key.key) && (run.closeMs ?? Infinity) > deletion.asOfMs && failureNamesCode(run, deletion.referenceCode))
        .map((deletion) => ({
          invariant: 'I9 no run fails because reconciliation deleted its draft',
          key: key.key,
          message: `reconciliation ${deletion.workflowId} (asOf ${timeOf(deletion.asOfMs)}) deleted ${deletion.referenceCode}; run ${run.record.runId} (${timeOf(run.startMs)}-${timeOf(run.closeMs)}) failed ${run.failure?.type ?? 'untyped'}: ${run.failure?.message} ${JSON.stringify(run.failure?.details)}`,
        }));
    }),
  );
};

/**
 * I10: a reconciliation deletes only drafts no run holds: when it deleted a code of a key, no run
 * of that key had started before its deletions began and was still open, or closed after the
 * reconciliation's asOf (such a run is the key's latest or older than it, so the re-check right
 * before the deletion must have kept the draft).
 */
export const reconciliationDeletesOnlyOrphans: Invariant = ({ keys, reconciliations }) =>
  reconciliationDeletions(reconciliations).flatMap((deletion) =>
    keys
      .filter((key) => isCodeOfKey(deletion.referenceCode, key.key))
      .flatMap((key) =>
        key.runs
          .filter((run) => run.startMs < deletion.deletionsFromMs && (run.closeMs === undefined || run.closeMs > deletion.asOfMs))
          .map((run) => ({
            invariant: 'I10 reconciliation deletes only orphan drafts',
            key: key.key,
            message: `reconciliation ${deletion.workflowId} (asOf ${timeOf(deletion.asOfMs)}, deleting from ${timeOf(deletion.deletionsFromMs)}) deleted ${deletion.referenceCode} although run ${run.record.runId} started ${timeOf(run.startMs)} and ${run.closeMs === undefined ? 'is still open' : `closed ${timeOf(run.closeMs)}`} (${run.status})`,
          })),
      ),
  );

/**
 * I11: SePay holds an invoice issued only on an account and template/series pair it listed active
 * (the account active, the pair allocated to it) when it accepted the invoice's create.
 */
export const issuedOnListedAccount: Invariant = ({ keys, accounts }) =>
  keys.flatMap((key) =>
    issuedAtSepay(key).flatMap((invoice): Violation[] => {
      const { provider_account_id: accountId, created_at: createdAt } = invoice;
      if (accountId === undefined || createdAt === undefined) return [];
      const lists = accountsDuring(accounts, createdAt, createdAt);
      if (lists.some((list) => listsActive(list, accountId, invoice.template_code, invoice.series))) return [];
      return [
        {
          invariant: 'I11 issued only on an account and pair SePay listed active',
          key: key.key,
          message: `SePay holds ${describeInvoice(invoice)} on account ${accountId}, pair ${invoice.template_code}/${invoice.series}, created ${timeOf(createdAt)}, when SePay listed ${JSON.stringify(lists)}`,
        },
      ];
    }),
  );

/** The typed refusals the account rules make (activities/account-rules.ts). */
export const ACCOUNT_REFUSALS: ReadonlySet<string> = new Set(['SepayAccountNotChosen', 'SepayAccountUnavailable', 'SepayTemplateNotAllocated', 'InvoiceDateBeforeTaxApproval']);
/** SePay's 400 about the account or the pair names the field (simulator/accounts.ts; the model's contents are otherwise valid). */
const ACCOUNT_FIELD_IN_400 = /provider_account_id|invoice_series|template_code/;

/**
 * I12: a run refused for an account reason ends with a typed refusal, not SePay's untyped 400,
 * and sent nothing that could issue: no issue request, no direct create SePay accepted.
 */
export const accountRefusalsTypedAndHarmless: Invariant = ({ keys }) =>
  keys.flatMap((key) =>
    key.runs.flatMap((run): Violation[] => {
      const failure = run.failure;
      if (!failure) return [];
      const violation = (message: string): Violation[] => [{ invariant: 'I12 an account refusal is typed and issues nothing', key: key.key, message: `run ${run.record.runId}: ${message}` }];
      if (!ACCOUNT_REFUSALS.has(failure.type ?? '')) {
        const untyped = failure.type === undefined || failure.type === 'SepayValidationFailed';
        return untyped && ACCOUNT_FIELD_IN_400.test(failure.message) ? violation(`ended ${failure.type ?? 'untyped'} with SePay's refusal of the account: ${failure.message}`) : [];
      }
      const sent = [
        run.activities.some((activity) => activity.type === 'issueInvoice') && 'sent an issue request',
        run.record.options.mode === 'direct' &&
          run.activities.some((activity) => activity.type === 'createInvoice' && activity.outcome === 'completed') &&
          mayStillIssue(key, run) &&
          'had a direct create accepted',
      ].filter((what): what is string => typeof what === 'string');
      return sent.length === 0 ? [] : violation(`refused ${failure.type} after it ${sent.join(' and ')}: ${failure.message}`);
    }),
  );

/**
 * Whether SePay holds, under the key, an invoice issued or issuing that no other run reports: a
 * direct create SePay accepted and then failed (for quota, say) made nothing, and is harmless.
 */
function mayStillIssue(key: KeyObservation, run: RunObservation): boolean {
  const reportedByOthers = new Set(key.runs.filter((other) => other !== run && other.result?.outcome === 'issued').map((other) => (other.result?.outcome === 'issued' ? other.result.invoice.referenceCode : '')));
  return key.sepay.invoices.some((invoice) => (invoice.status === 'issued' || invoice.issue_pending === true) && !reportedByOthers.has(invoice.reference_code));
}

/** How long before an attempt's start a read it joined may have begun (a shared read already in flight). */
export const SHARED_READ_SLACK_MS = 300;

/** The account a refusal names (its details' `providerAccountId`): the one the run had chosen. */
function refusedAccount(run: RunObservation): string | undefined {
  const named = run.failure?.details.find((detail): detail is { providerAccountId: string } => typeof (detail as { providerAccountId?: unknown } | null)?.providerAccountId === 'string');
  return named?.providerAccountId;
}

/**
 * I13: an account refusal follows SePay, not a kept answer: the attempt that refused did so while
 * SePay's accounts refused the model's invoice at some moment of it (or just before it began, the
 * one read in flight it may have joined), on the account the refusal names (the run's choice) or,
 * naming none, on the only active one. A refusal made while SePay had listed that account and pair
 * usable for the whole attempt repeats past one read after the account came back.
 */
export const accountRefusalsFollowSepay: Invariant = ({ keys, accounts }) =>
  keys.flatMap((key) =>
    key.runs.flatMap((run): Violation[] => {
      if (!ACCOUNT_REFUSALS.has(run.failure?.type ?? '')) return [];
      const refusing = run.activities.filter((activity) => activity.outcome === 'failed' && ACCOUNT_REFUSALS.has(activity.failureType ?? '')).at(-1);
      if (refusing?.closedMs === undefined) return [];
      const startedMs = refusing.startedMs ?? refusing.scheduledMs;
      const lists = accountsDuring(accounts, startedMs - SHARED_READ_SLACK_MS, refusing.closedMs);
      const accountId = refusedAccount(run);
      if (lists.some((list) => refusalOf(list, accountId) !== undefined)) return [];
      const lastChange = accounts.filter((change) => change.answeredAt <= startedMs).at(-1);
      return [
        {
          invariant: 'I13 an account refusal never outlives one read',
          key: key.key,
          message: `run ${run.record.runId}: ${refusing.type} (${timeOf(startedMs)}-${timeOf(refusing.closedMs)}) refused ${refusing.failureType} while SePay listed ${accountId ?? 'the only active account'} and the pair usable throughout, since "${lastChange?.name ?? '?'}" answered at ${timeOf(lastChange?.answeredAt)}: ${run.failure?.message}`,
        },
      ];
    }),
  );

export const KEY_INVARIANTS: readonly Invariant[] = [
  atMostOneIssuedInvoicePerKey,
  cancelledMeansNothingIssued,
  issuedMeansHeldAsAsked,
  heldInvoiceIsReported,
  everyRunEndsCleanly,
  noDraftLeftBehind,
  boundedCostPerRun,
  malformedMessagesChangeNothing,
  reconciliationFailsNoRun,
  reconciliationDeletesOnlyOrphans,
  issuedOnListedAccount,
  accountRefusalsTypedAndHarmless,
  accountRefusalsFollowSepay,
];

export function violationsOf(sequence: SequenceObservation): Violation[] {
  return KEY_INVARIANTS.flatMap((invariant) => invariant(sequence));
}
