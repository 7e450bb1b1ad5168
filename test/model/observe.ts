/**
 * What Temporal and SePay hold once a sequence has settled, gathered into plain data for the
 * invariants: how each run of each key ended, which cancellation it recorded, which workflow tasks
 * failed in its history, and every invoice SePay holds under the key's codes.
 */
import { WorkflowFailedError, type WorkflowExecutionStatusName } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { getInvoiceStatusQuery, type CancellationView, type IssueInvoiceResult } from '../../contract/messages.js';
import type { JobRecord } from '../../simulator/control-client.js';
import type { AccountChange, KeyModel, ReconciliationRecord, RunRecord, SequenceModel } from './model.js';
import { within, type RealSystem } from './real-system.js';
import { SepayHoldings, type KeyHoldings } from './sepay-holdings.js';
import type { StillOpen } from './settle.js';
import { replayErrors, type RunHistory } from './replay-check.js';

const { EventType, WorkflowTaskFailedCause } = temporal.api.enums.v1;
const QUERY_MS = 10_000;

/**
 * Races the server settles by itself (a message arriving while a task completes, a termination
 * closing the run under a task in flight), not faults of the workflow code.
 */
const BENIGN_TASK_FAILURES: ReadonlySet<number> = new Set([
  WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
  WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND,
  WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_STICKY_TASK_QUEUE,
  WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_UPDATE,
]);

export interface RunFailure {
  /** `ApplicationFailure.type`, undefined for any other failure (termination, timeout, raw errors). */
  type?: string;
  message: string;
  details: unknown[];
}

export interface RunObservation {
  record: RunRecord;
  status: WorkflowExecutionStatusName;
  result?: IssueInvoiceResult;
  failure?: RunFailure;
  /** What the run itself recorded about a cancellation (status query), when it answers. */
  cancellation?: CancellationView;
  failedWorkflowTasks: string[];
  /** What the run's history says it cost: its length, and activity attempts by activity type. */
  history: HistoryCost;
  /** When the server started and closed the run (ms since the epoch; no close while open). */
  startMs: number;
  closeMs?: number;
  /** Each activity the run scheduled, with when it ran and how it ended, oldest first. */
  activities: ActivityRecord[];
}

/** One activity of a history: the times of its events (server clock) and how it ended. */
export interface ActivityRecord {
  type: string;
  scheduledMs: number;
  /** The start of the attempt that ended (or of the only one), when the history shows it. */
  startedMs?: number;
  closedMs?: number;
  outcome: 'completed' | 'failed' | 'timed-out' | 'cancelled' | 'open';
  /** The `ApplicationFailure.type` it failed with. */
  failureType?: string;
}

export interface HistoryCost {
  eventCount: number;
  /**
   * Attempts by activity type: the attempt its Started event names (written when the attempt
   * ends), 1 for an activity scheduled whose attempt never ended, plus what was in flight when
   * the run was terminated (recorded by the terminate command, since no history shows it).
   */
  attempts: Record<string, number>;
}

export interface KeyObservation {
  key: string;
  runs: RunObservation[];
  sepay: KeyHoldings;
}

/** A SePay job as the control API lists it: when it was accepted, for which code. */
export type JobView = Pick<JobRecord, 'kind' | 'reference_code' | 'accepted_at' | 'status'>;

export interface SequenceObservation {
  keys: KeyObservation[];
  stillOpen: StillOpen[];
  /** SePay's account lists over the sequence (model.ts), oldest first. */
  accounts: AccountChange[];
  /** The deleting reconciliations the sequence ran, with what each deleted. */
  reconciliations: ReconciliationRecord[];
  jobs: JobView[];
}

function failureOf(error: unknown): RunFailure {
  const cause = error instanceof WorkflowFailedError ? error.cause : error;
  if (cause instanceof ApplicationFailure) return { type: cause.type ?? undefined, message: cause.message, details: cause.details ?? [] };
  return { message: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause), details: [] };
}

async function observeRun(real: RealSystem, key: KeyModel, record: RunRecord, histories: RunHistory[]): Promise<RunObservation> {
  const handle = real.invoices.handle(key.key, record.runId);
  const description = await handle.describe();
  const status = description.status.name;
  const observation: RunObservation = {
    record,
    status,
    failedWorkflowTasks: [],
    history: { eventCount: 0, attempts: {} },
    startMs: description.startTime.getTime(),
    ...(description.closeTime && { closeMs: description.closeTime.getTime() }),
    activities: [],
  };
  if (status === 'COMPLETED') observation.result = await handle.result();
  if (status === 'FAILED') observation.failure = await handle.result().then(() => undefined, failureOf);
  if (status !== 'RUNNING') {
    observation.cancellation = await within(QUERY_MS, 'status query', handle.query(getInvoiceStatusQuery)).then(
      (view) => view.cancellation,
      () => undefined,
    );
  }
  const history = await handle.fetchHistory();
  const { events } = history;
  histories.push({ workflowId: handle.workflowId, runId: record.runId, history });
  observation.history = historyCost(events ?? [], record);
  observation.activities = activityTimeline(events ?? []);
  for (const event of events ?? []) {
    if (event.eventType !== EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) continue;
    const { cause, failure } = event.workflowTaskFailedEventAttributes ?? {};
    if (cause != null && BENIGN_TASK_FAILURES.has(cause)) continue;
    observation.failedWorkflowTasks.push(`${WorkflowTaskFailedCause[cause ?? 0]}: ${failure?.message ?? ''}`);
  }
  return observation;
}

export function historyCost(events: temporal.api.history.v1.IHistoryEvent[], record: Pick<RunRecord, 'attemptsAtTermination'>): HistoryCost {
  const typeOf = new Map<string, string>();
  const attemptOf = new Map<string, number>();
  for (const event of events) {
    if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      typeOf.set(String(event.eventId), event.activityTaskScheduledEventAttributes?.activityType?.name ?? '?');
    }
    if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
      const attributes = event.activityTaskStartedEventAttributes;
      attemptOf.set(String(attributes?.scheduledEventId), attributes?.attempt ?? 1);
    }
  }
  const attempts: Record<string, number> = { ...record.attemptsAtTermination };
  for (const [scheduledId, type] of typeOf) attempts[type] = (attempts[type] ?? 0) + (attemptOf.get(scheduledId) ?? 1);
  return { eventCount: events.length, attempts };
}

type Timestamp = { seconds?: { toString(): string } | number | null; nanos?: number | null } | null | undefined;

const msOf = (time: Timestamp): number | undefined => (time ? Number(String(time.seconds ?? 0)) * 1000 + Math.floor((time.nanos ?? 0) / 1e6) : undefined);

/** Every activity a history scheduled, by its Scheduled event, with its start, close and failure type. */
export function activityTimeline(events: temporal.api.history.v1.IHistoryEvent[]): ActivityRecord[] {
  const byScheduledId = new Map<string, ActivityRecord>();
  const close = (scheduledEventId: unknown, event: temporal.api.history.v1.IHistoryEvent, outcome: ActivityRecord['outcome'], failureType?: string | null) => {
    const activity = byScheduledId.get(String(scheduledEventId));
    if (!activity) return;
    activity.outcome = outcome;
    activity.closedMs = msOf(event.eventTime);
    if (failureType) activity.failureType = failureType;
  };
  for (const event of events) {
    switch (event.eventType) {
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        byScheduledId.set(String(event.eventId), {
          type: event.activityTaskScheduledEventAttributes?.activityType?.name ?? '?',
          scheduledMs: msOf(event.eventTime) ?? 0,
          outcome: 'open',
        });
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        const activity = byScheduledId.get(String(event.activityTaskStartedEventAttributes?.scheduledEventId));
        if (activity) activity.startedMs = msOf(event.eventTime);
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        close(event.activityTaskCompletedEventAttributes?.scheduledEventId, event, 'completed');
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED: {
        const attributes = event.activityTaskFailedEventAttributes;
        close(attributes?.scheduledEventId, event, 'failed', attributes?.failure?.applicationFailureInfo?.type);
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
        close(event.activityTaskTimedOutEventAttributes?.scheduledEventId, event, 'timed-out');
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED:
        close(event.activityTaskCanceledEventAttributes?.scheduledEventId, event, 'cancelled');
        break;
      default:
        break;
    }
  }
  return [...byScheduledId.values()];
}

export async function observe(model: SequenceModel, real: RealSystem, stillOpen: StillOpen[]): Promise<SequenceObservation> {
  const holdings = new SepayHoldings(real.env.sim.baseUrl);
  const { invoices } = await real.env.sim.invoices();
  const keys: KeyObservation[] = [];
  const histories: RunHistory[] = [];
  for (const key of model.keys) {
    const runs: RunObservation[] = [];
    for (const record of key.runs) runs.push(await observeRun(real, key, record, histories));
    keys.push({ key: key.key, runs, sepay: await holdings.forKey(key.key, invoices) });
  }
  // A history that does not replay is a failed workflow task waiting to happen (I5).
  const replayed = await replayErrors(histories);
  for (const run of keys.flatMap((key) => key.runs)) {
    const error = replayed.get(run.record.runId);
    if (error) run.failedWorkflowTasks.push(`replay: ${error}`);
  }
  const jobs = (await real.env.sim.jobs()).jobs.map(({ kind, reference_code, accepted_at, status }) => ({ kind, reference_code, accepted_at, status }));
  return { keys, stillOpen, accounts: model.accounts, reconciliations: model.reconciliations, jobs };
}
