/**
 * Heartbeats an activity for as long as it runs, so the workflow can give every step a short
 * heartbeat timeout: when a worker dies mid-attempt, Temporal retries the attempt after that
 * timeout instead of after the whole start-to-close timeout.
 */
import { Context } from '@temporalio/activity';

/** Three beats per heartbeat timeout: one lost beat never times an attempt out. */
const BEATS_PER_TIMEOUT = 3;

/**
 * The details this attempt last recorded, else what earlier attempts left. `info.heartbeatDetails`
 * is a snapshot taken when the attempt started: repeating it would erase what the attempt learnt
 * since (e.g. the tracking code of an issue job it had to request again).
 */
const recorded = new WeakMap<Context, { details: unknown }>();

export function currentHeartbeatDetails(context: Context = Context.current()): unknown {
  return recorded.has(context) ? recorded.get(context)!.details : context.info.heartbeatDetails;
}

/** Records details for this and later attempts; every later beat repeats them. */
export function heartbeatWith(details: unknown, context: Context = Context.current()): void {
  recorded.set(context, { details });
  context.heartbeat(details);
}

/** One heartbeat that repeats the current details (e.g. "reference code taken"): a beat must not erase them. */
export function heartbeatKeepingDetails(context: Context = Context.current()): void {
  context.heartbeat(currentHeartbeatDetails(context));
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
