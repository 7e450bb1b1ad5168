/**
 * What the chaos checks read from a run's history: how many attempts each activity took, when its
 * last attempt started, whether a timeout ended the one before, and which worker finished it.
 */
import type { temporal } from '@temporalio/proto';
import { tsToMs } from '@temporalio/common/lib/time.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = {
  ActivityTaskScheduled: 10,
  ActivityTaskStarted: 11,
  ActivityTaskCompleted: 12,
} as const;

export interface ActivityRun {
  activityId: string;
  activityType: string;
  /** The attempt that ended the activity (1 = no retry). */
  attempts: number;
  startedAtMs: number;
  /** The previous attempt ended by a timeout: its worker (or the server) went away. */
  resumedAfterTimeout: boolean;
  completedBy?: string;
}

export interface HistoryFacts {
  eventCount: number;
  activities: ActivityRun[];
}

export function historyFacts(events: HistoryEvent[]): HistoryFacts {
  const scheduled = new Map<number, { activityId: string; activityType: string }>();
  const byScheduledId = new Map<number, ActivityRun>();
  for (const event of events) {
    switch (event.eventType) {
      case EventType.ActivityTaskScheduled:
        scheduled.set(Number(event.eventId), {
          activityId: event.activityTaskScheduledEventAttributes?.activityId ?? '?',
          activityType: event.activityTaskScheduledEventAttributes?.activityType?.name ?? '?',
        });
        break;
      case EventType.ActivityTaskStarted: {
        const attributes = event.activityTaskStartedEventAttributes!;
        const scheduledId = Number(attributes.scheduledEventId);
        byScheduledId.set(scheduledId, {
          ...(scheduled.get(scheduledId) ?? { activityId: '?', activityType: '?' }),
          attempts: attributes.attempt ?? 1,
          startedAtMs: tsToMs(event.eventTime),
          resumedAfterTimeout: Boolean(attributes.lastFailure?.timeoutFailureInfo),
        });
        break;
      }
      case EventType.ActivityTaskCompleted: {
        const attributes = event.activityTaskCompletedEventAttributes!;
        const run = byScheduledId.get(Number(attributes.scheduledEventId));
        if (run) run.completedBy = attributes.identity ?? undefined;
        break;
      }
    }
  }
  return { eventCount: events.length, activities: [...byScheduledId.values()] };
}

/** Attempts of every run of `activityType` together (a run schedules some activities twice). */
export function attemptsOf(facts: HistoryFacts, activityType: string): number {
  return facts.activities.filter((run) => run.activityType === activityType).reduce((sum, run) => sum + run.attempts, 0);
}
