/**
 * Heartbeats an activity for as long as it runs, so the workflow can give every step a short
 * heartbeat timeout: when a worker dies mid-attempt, Temporal retries the attempt after that
 * timeout instead of after the whole start-to-close timeout.
 */
import { Context } from '@temporalio/activity';

/** Three beats per heartbeat timeout: one lost beat never times an attempt out. */
const BEATS_PER_TIMEOUT = 3;

/** One heartbeat that repeats what earlier attempts left (e.g. "reference code taken"): a beat must not erase it. */
export function heartbeatKeepingDetails(context: Context = Context.current()): void {
  context.heartbeat(context.info.heartbeatDetails);
}

export async function keepAlive<T>(work: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const timeoutMs = context.info.heartbeatTimeoutMs;
  if (!timeoutMs) return work();
  const timer = setInterval(() => heartbeatKeepingDetails(context), Math.max(100, timeoutMs / BEATS_PER_TIMEOUT));
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** The same activities, each kept alive while it runs. */
export function keptAlive<A extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: A): A {
  return Object.fromEntries(
    Object.entries(activities).map(([name, activity]) => [name, (...args: never[]) => keepAlive(() => activity(...args))]),
  ) as A;
}
