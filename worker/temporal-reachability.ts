/**
 * Whether the Temporal server answers on the worker's connection, asked every few seconds.
 *
 * The SDK offers no such signal: while the server is down the Rust core retries its polls with
 * backoff for as long as it takes (measured: a 75 s outage) and the worker stays `RUNNING`, so a
 * readiness check built on the worker state alone would never turn red. The probe is one cheap
 * `GetSystemInfo` call on the same connection the pollers use. The SDK retries that call for up
 * to ~10 s on its own, so an answer that takes longer than `timeoutMs` already counts as "no".
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { NativeConnection } from '@temporalio/worker';

export interface ReachabilityWatch {
  readonly reachable: boolean;
  /** Why the last probe failed, while unreachable. */
  readonly lastError: string | undefined;
  stop(): void;
}

export interface ReachabilityOptions {
  intervalMs?: number;
  timeoutMs?: number;
  /** Called when the answer changes, and once after the first probe. */
  onChange(reachable: boolean, error: string | undefined): void;
}

export function watchReachability(connection: NativeConnection, { intervalMs = 2_000, timeoutMs = 2_000, onChange }: ReachabilityOptions): ReachabilityWatch {
  const stopped = new AbortController();
  let reachable: boolean | undefined;
  let lastError: string | undefined;

  const report = (error: string | undefined) => {
    lastError = error;
    if ((error === undefined) !== reachable) {
      reachable = error === undefined;
      onChange(reachable, error);
    }
  };

  void (async () => {
    while (!stopped.signal.aborted) {
      const answer = connection.workflowService.getSystemInfo({}).then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      const deadline = new AbortController();
      const late = sleep(timeoutMs, `no answer within ${timeoutMs} ms`, { signal: deadline.signal }).catch(() => undefined);
      const verdict = await Promise.race([answer, late]);
      deadline.abort();
      if (stopped.signal.aborted) return;
      report(verdict);
      // One probe in flight at a time; a late answer is awaited (the SDK's retries bound it).
      await answer;
      await sleep(intervalMs, undefined, { signal: stopped.signal }).catch(() => undefined);
    }
  })();

  return {
    get reachable() {
      return reachable === true;
    },
    get lastError() {
      return lastError;
    },
    stop: () => stopped.abort(),
  };
}
