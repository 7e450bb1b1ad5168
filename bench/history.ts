/** What one finished run left in Temporal: its event history, counted the ways that cost money. */
import type { WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import { median } from './stats.js';

// A CommonJS module: its namespaces come off the default export.
const { temporal } = proto;

export interface HistoryFigures {
  events: number;
  /** Encoded size of the whole history (Temporal Cloud bills storage by size). */
  bytes: number;
  workflowTasks: number;
  activities: number;
  /** Local activities (their markers): they run inside a workflow task, no task of their own. */
  localActivities: number;
  /** Attempts over all activities: retries don't add events but each one is billed as an Action. */
  activityAttempts: number;
  searchAttributeUpserts: number;
  memoUpserts: number;
  timers: number;
}

const HISTORY_FIGURES: readonly (keyof HistoryFigures)[] = [
  'events',
  'bytes',
  'workflowTasks',
  'activities',
  'localActivities',
  'activityAttempts',
  'searchAttributeUpserts',
  'memoUpserts',
  'timers',
];

export async function historyFigures(handle: WorkflowHandle): Promise<HistoryFigures> {
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const count = (has: (event: (typeof events)[number]) => unknown) => events.filter(has).length;
  return {
    events: events.length,
    bytes: temporal.api.history.v1.History.encode(history).finish().byteLength,
    workflowTasks: count((e) => e.workflowTaskCompletedEventAttributes),
    activities: count((e) => e.activityTaskScheduledEventAttributes),
    localActivities: count((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity'),
    activityAttempts: events.reduce((sum, e) => sum + (e.activityTaskStartedEventAttributes?.attempt ?? 0), 0),
    searchAttributeUpserts: count((e) => e.upsertWorkflowSearchAttributesEventAttributes),
    memoUpserts: count((e) => e.workflowPropertiesModifiedEventAttributes),
    timers: count((e) => e.timerStartedEventAttributes),
  };
}

/** Each figure's median over several histories (of one run, or of several runs). */
export function medianHistory(histories: readonly HistoryFigures[]): HistoryFigures {
  return Object.fromEntries(HISTORY_FIGURES.map((key) => [key, median(histories.map((h) => h[key]))])) as Record<keyof HistoryFigures, number>;
}
