/**
 * What the model-based test expects, kept as plain data while a sequence runs: which runs each key
 * had, what each asked for, and which cancellations the workflow accepted. The invariants read it
 * together with what Temporal and SePay hold at the end.
 */
import type { ContentName } from './contents.js';
import type { IssueInvoiceInput } from '../../contract/input.js';
import type { DraftDeletionOutcome } from '../../workflows/reconciliation-report.js';
import type { SimAccountInput } from '../../simulator/control-client.js';

export type RunOptions = NonNullable<IssueInvoiceInput['options']>;

export interface CancelAttempt {
  via: 'signal' | 'update' | 'workflow-cancel';
  /** Only the update answers; a signal or workflow cancellation is read back from the run. */
  accepted?: boolean;
  answer?: string;
}

/** A signal or update sent with an argument that does not parse: the run must refuse it and change nothing. */
export interface MalformedMessage {
  what: string;
  /** `refused` is the only honest answer of an open run; `closed` when the run ended before it arrived. */
  outcome: 'refused' | 'accepted' | 'closed' | 'no answer' | 'not recorded';
  detail?: string;
  /** What the message changed in the run's status (cancellation, approval): must stay empty. */
  changed?: string;
}

/** A failure sent with `client.activity.fail` on a run's pending activity, as anyone with Temporal access can. */
export interface ForgedFailure {
  activityType: string;
  failureType: string;
  /** `sent`, or why nothing was sent (no activity pending, the server refused). */
  outcome: string;
}

export interface RunRecord {
  runId: string;
  content: ContentName;
  options: RunOptions;
  /** `plain`: `client.workflow.start` with Temporal's default id policies and no hints, as any language would. */
  startedBy: 'client' | 'plain';
  /** Started by the settle phase to finish a key whose last run ended without a result. */
  settleRerun: boolean;
  cancels: CancelAttempt[];
  /** Proper approvals the sequence sent this run (reaching it open). */
  approvalsSent: number;
  terminated: boolean;
  /** Activity attempts in flight when the run was terminated, by activity type: its history never shows them. */
  attemptsAtTermination: Record<string, number>;
  malformed: MalformedMessage[];
  forged: ForgedFailure[];
}

export interface KeyModel {
  key: string;
  /** Oldest first; only runs this test started (InvoiceClient.issue answered `existing: false`). */
  runs: RunRecord[];
  lastContent?: ContentName;
  lastOptions?: RunOptions;
  /** Plain starts Temporal refused because a run of the key was open (WorkflowExecutionAlreadyStarted): attached, not an error. */
  refusedPlainStarts: number;
}

/** A fault the sequence set at SePay, by the simulator's rule id: whether any run met it (known once spent or cleared). */
export interface FaultSet {
  id: number;
  name: string;
  fired?: boolean;
}

/**
 * SePay's provider accounts as the sequence set them: the simulator took `accounts` at some instant
 * between `sentAt` and `answeredAt` (wall clock, the simulator's and the server's too), and kept
 * them until the next change. The first entry is the seed the sequence starts from.
 */
export interface AccountChange {
  name: string;
  sentAt: number;
  answeredAt: number;
  accounts: SimAccountInput[];
}

/**
 * A reconciliation the sequence started (deleting orphan drafts, not a dry run), and what it did:
 * `asOfMs` (its own start, which decides what counts as a recent run), the windows in which its
 * deletion activities ran, and each orphan draft's deletion outcome by reference code.
 */
export interface ReconciliationRecord {
  workflowId: string;
  startedAt: number;
  outcome?: 'completed' | 'failed' | 'unfinished';
  error?: string;
  asOfMs?: number;
  deletionWindows?: { scheduledMs: number; closedMs?: number }[];
  deletions?: Record<string, DraftDeletionOutcome>;
}

export interface SequenceModel {
  keys: KeyModel[];
  faults: FaultSet[];
  /** Oldest first, never empty: what SePay's accounts were, and when. */
  accounts: AccountChange[];
  reconciliations: ReconciliationRecord[];
}

export function newSequenceModel(keys: readonly string[], seedAccounts: SimAccountInput[] = [], now = Date.now()): SequenceModel {
  return {
    keys: keys.map((key) => ({ key, runs: [], refusedPlainStarts: 0 })),
    faults: [],
    accounts: [{ name: 'seed', sentAt: now, answeredAt: now, accounts: seedAccounts }],
    reconciliations: [],
  };
}

export function latestRun(key: KeyModel): RunRecord | undefined {
  return key.runs.at(-1);
}

/** Records what `InvoiceClient.issue` answered: a new run, or the one the key already had. */
export function recordIssue(
  key: KeyModel,
  run: { runId: string; existing: boolean },
  content: ContentName,
  options: RunOptions,
  settleRerun = false,
  startedBy: RunRecord['startedBy'] = 'client',
): void {
  key.lastContent = content;
  key.lastOptions = options;
  if (run.existing || key.runs.some((known) => known.runId === run.runId)) return;
  key.runs.push(newRunRecord(run.runId, content, options, { settleRerun, startedBy }));
}

export function newRunRecord(runId: string, content: ContentName, options: RunOptions, how: Partial<Pick<RunRecord, 'settleRerun' | 'startedBy'>> = {}): RunRecord {
  return {
    runId,
    content,
    options,
    startedBy: how.startedBy ?? 'client',
    settleRerun: how.settleRerun ?? false,
    cancels: [],
    approvalsSent: 0,
    terminated: false,
    attemptsAtTermination: {},
    malformed: [],
    forged: [],
  };
}

/** The record of the run `runId` of the key, when this sequence started it. */
export function runOf(key: KeyModel, runId: string): RunRecord | undefined {
  return key.runs.find((run) => run.runId === runId);
}

/** Every reference code a key's runs may have used: `key`, `key~2`, `key~3`... (contract/reference-code.ts). */
export function isCodeOfKey(referenceCode: string, key: string): boolean {
  return referenceCode === key || (referenceCode.startsWith(`${key}~`) && /^\d+$/.test(referenceCode.slice(key.length + 1)));
}
