/**
 * Waiting on workers, said and bounded. A query, an update or a run's outcome needs a worker; with
 * none polling, the server either holds the request (an update it may still apply when a worker
 * returns, an outcome that never comes) or answers after 30 s with an untyped
 * `9 FAILED_PRECONDITION`. Each CLI command that waits names what it waits for, says so when no
 * worker polls the task queue, and gives up after a bound it printed, with a typed error.
 */
import { isGrpcServiceError } from '@temporalio/client';
import proto from '@temporalio/proto';
import { optionalString, type Values } from './args.js';
import { type CliClient } from './command.js';
import { UsageError } from './usage-error.js';

/** How long a command waits, and how its help and errors say it. */
export interface WaitBound {
  ms: number;
}

/** Queries and updates: a worker answers these in milliseconds when one polls. */
export const DEFAULT_ANSWER_WAIT_MS = 60_000;
/** A run's outcome: creation, issuance and SePay's checks take minutes, approval may take longer. */
export const DEFAULT_OUTCOME_WAIT_MS = 10 * 60_000;

export const waitTimeoutOption = { 'wait-timeout': { type: 'string' } } as const;

/** `--wait-timeout`: seconds (`90`) or with a unit (`90s`, `5m`, `2h`). */
export function waitBound(values: Values, fallbackMs: number): WaitBound {
  const text = optionalString(values, 'wait-timeout');
  if (text === undefined) return { ms: fallbackMs };
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim());
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  const ms = match ? Number(match[1]) * unit[(match[2] ?? 's') as keyof typeof unit] : NaN;
  if (!Number.isFinite(ms) || ms <= 0) throw new UsageError(`--wait-timeout must be a positive duration such as 90, 90s, 5m or 2h, got "${text}"`);
  return { ms };
}

export function boundText({ ms }: WaitBound): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** Nothing answered within the bound; the run and the request may still be there (see the message). */
export class WaitTimedOutError extends Error {
  override readonly name = 'WaitTimedOutError';
  readonly type = 'WaitTimedOut';
}

/** No worker polls the task queue, so the request was not sent (or Temporal refused to hold it). */
export class NoWorkerPollingError extends Error {
  override readonly name = 'NoWorkerPollingError';
  readonly type = 'NoWorkerPolling';
}

/** What the server knows of the workers polling a task queue for workflow tasks. */
export interface PollerFacts {
  taskQueue: string;
  /** Pollers the server saw recently (it keeps a worker that stopped for a few minutes). */
  pollers: number;
  /** How long ago the latest poll began; undefined with no poller. */
  lastPollAgoMs?: number;
}

export async function pollerFacts(client: Pick<CliClient, 'client' | 'taskQueue'>, now = Date.now()): Promise<PollerFacts> {
  const { pollers } = await client.client.workflowService.describeTaskQueue({
    namespace: client.client.options.namespace,
    taskQueue: { name: client.taskQueue, kind: proto.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  const times = pollers.map((poller) => Number(poller.lastAccessTime?.seconds ?? 0) * 1000 + Math.floor((poller.lastAccessTime?.nanos ?? 0) / 1e6));
  const latest = times.length > 0 ? Math.max(...times) : undefined;
  return { taskQueue: client.taskQueue, pollers: pollers.length, lastPollAgoMs: latest === undefined ? undefined : Math.max(0, now - latest) };
}

export function pollerText(facts: PollerFacts): string {
  if (facts.pollers === 0) return `no worker is polling task queue ${facts.taskQueue}`;
  const ago = facts.lastPollAgoMs === undefined ? '' : `, the latest poll began ${Math.round(facts.lastPollAgoMs / 1000)} s ago`;
  return `${facts.pollers} worker(s) polled task queue ${facts.taskQueue} recently${ago} (a worker that stopped stays listed for a few minutes)`;
}

export interface WaitPlan<T> {
  /** What the command waits for, as the messages say it: "the answer to query getInvoiceStatus". */
  what: string;
  bound: WaitBound;
  /**
   * An update or a query must not be left with the server while no worker polls (an update would
   * be applied whenever one returns): wait for a poller first, within the bound, and send nothing
   * if none comes. An outcome is waited for even without one (a worker may be restarting).
   */
  needsPoller: boolean;
  /** Said when giving up, after the facts: what became of the request. */
  afterTimeout: string;
  /** Cut off when the bound passes: the CLI closes its connection right after, which cancels the call. */
  operation: () => Promise<T>;
}

const POLLER_CHECK_MS = 1000;

/** Runs `plan.operation` within its bound, telling `notice` (stderr) what it waits for when no worker polls. */
export async function waitOnWorker<T>(client: CliClient, notice: (text: string) => void, plan: WaitPlan<T>): Promise<T> {
  const deadline = Date.now() + plan.bound.ms;
  const bound = `gives up after ${boundText(plan.bound)}, --wait-timeout`;
  let facts = await pollerFacts(client);
  if (facts.pollers === 0) {
    notice(`Waiting for ${plan.what}: ${pollerText(facts)} (${bound}).`);
    if (plan.needsPoller) {
      while (facts.pollers === 0) {
        if (Date.now() + POLLER_CHECK_MS > deadline) {
          throw new NoWorkerPollingError(`gave up after ${boundText(plan.bound)} waiting for ${plan.what}: ${pollerText(facts)}; nothing was sent`);
        }
        await new Promise((resolve) => setTimeout(resolve, POLLER_CHECK_MS));
        facts = await pollerFacts(client);
      }
    }
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()));
  });
  try {
    const outcome = await Promise.race([plan.operation(), timedOut]);
    if (outcome !== 'timeout') return outcome;
  } catch (error) {
    // The server's own "no poller seen recently" (FAILED_PRECONDITION) for a query.
    if (isFailedPrecondition(error)) {
      throw new NoWorkerPollingError(`Temporal gave up waiting for ${plan.what} (no worker took it): ${pollerText(await pollerFacts(client))}`, { cause: error });
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
  facts = await pollerFacts(client).catch(() => facts);
  throw new WaitTimedOutError(`gave up after ${boundText(plan.bound)} waiting for ${plan.what}: ${pollerText(facts)}; ${plan.afterTimeout}`);
}

function isFailedPrecondition(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (isGrpcServiceError(cause) && cause.code === 9) return true;
  }
  return false;
}
