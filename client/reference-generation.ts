/**
 * SePay never accepts a reference code twice. When an earlier run for the same key ended without
 * completing, the next run reuses its reference code unless that run spent it (a failed create job
 * or a deleted draft), in which case it moves on to the next generation. The next run is also told
 * when the earlier one had already sent the issue request for the code it reuses: the draft it
 * finds there is being issued, not waiting for approval.
 */
import { type WorkflowExecutionStatusName } from '@temporalio/client';
import { MemoKey } from '../workflows/messages.js';

/** What `describe()` tells about the latest run of a workflow id. */
export interface PreviousRun {
  status: { name: WorkflowExecutionStatusName };
  memo?: Record<string, unknown>;
}

/** Closed without a result: the only states a new run for the same workflow id may follow. */
const ENDED_WITHOUT_RESULT: ReadonlySet<WorkflowExecutionStatusName> = new Set(['FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT']);

/** The generation the next run must use, or `undefined` when there is no ended run to follow. */
export function referenceGenerationAfter(previous: PreviousRun | undefined): number | undefined {
  if (!previous || !ENDED_WITHOUT_RESULT.has(previous.status.name)) return undefined;
  const recorded = previous.memo?.[MemoKey.referenceGeneration];
  const generation = typeof recorded === 'number' && Number.isInteger(recorded) && recorded >= 1 ? recorded : 1;
  return previous.memo?.[MemoKey.referenceCodeSpent] === true ? generation + 1 : generation;
}

/** Whether the earlier run sent the issue request for the code the next run reuses. */
export function earlierRunRequestedIssue(previous: PreviousRun | undefined): boolean {
  if (!previous || !ENDED_WITHOUT_RESULT.has(previous.status.name)) return false;
  return previous.memo?.[MemoKey.referenceCodeSpent] !== true && previous.memo?.[MemoKey.issueRequested] === true;
}
