/**
 * A burst of workflows with at most `concurrency` in flight (closed loop: the next one starts when
 * one finishes), timing each from the start request to its result as the business app sees it.
 */
import { performance } from 'node:perf_hooks';
import type { WorkflowHandle } from '@temporalio/client';

export interface LoadOptions {
  count: number;
  concurrency: number;
  start(index: number): Promise<WorkflowHandle>;
  /** Throws when a result is not what a successful run returns. */
  checkResult(result: unknown): void;
  /** Called about every `progressMs` while the load runs. */
  onProgress?(done: number): void;
  progressMs?: number;
}

export interface LoadResult {
  durationMs: number;
  latenciesMs: number[];
  workflowIds: string[];
}

export class LoadFailedError extends Error {
  override readonly name = 'LoadFailedError';
  constructor(
    readonly failed: number,
    readonly total: number,
    readonly firstFailure: unknown,
  ) {
    super(`${failed} of ${total} workflows failed; first: ${firstFailure instanceof Error ? firstFailure.message : String(firstFailure)}`);
  }
}

export async function driveLoad({ count, concurrency, start, checkResult, onProgress, progressMs = 5_000 }: LoadOptions): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const workflowIds: string[] = [];
  const failures: unknown[] = [];
  const runOne = async (index: number) => {
    const startedAt = performance.now();
    try {
      const handle = await start(index);
      workflowIds.push(handle.workflowId);
      checkResult(await handle.result());
      latenciesMs.push(performance.now() - startedAt);
    } catch (error) {
      failures.push(error);
    }
  };
  const progress = onProgress && setInterval(() => onProgress(latenciesMs.length + failures.length), progressMs);
  const startedAt = performance.now();
  try {
    await forEachPooled(count, concurrency, runOne);
  } finally {
    clearInterval(progress);
  }
  const durationMs = performance.now() - startedAt;
  if (failures.length > 0) throw new LoadFailedError(failures.length, count, failures[0]);
  return { durationMs, latenciesMs, workflowIds };
}

/** Calls `task(0)` ... `task(count - 1)` with at most `concurrency` of them in flight. */
export async function forEachPooled(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}
