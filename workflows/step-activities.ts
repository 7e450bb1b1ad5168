/**
 * One activity proxy per step of an invoice run, so each step carries its own summary (shown in
 * the Web UI), deadline and poll schedule. Proxies schedule nothing until called: the run kept for
 * replay and the current one share them.
 */
import { proxyActivities, proxyLocalActivities, type ActivityOptions } from '@temporalio/workflow';
import { msToNumber, type Duration } from '@temporalio/common';
import type { InvoiceActivities } from '../activities/index.js';
import type { ParsedIssueInvoiceInput } from '../contract/input.js';

/** One SePay request per attempt; SePay outages are retried until the step's deadline. */
const REQUEST_TIMEOUT: Duration = '30 seconds';
/**
 * Activities heartbeat while they run (activities/keepalive.ts), so an attempt lost with its worker
 * is retried after this, not after the whole start-to-close timeout.
 */
const HEARTBEAT_TIMEOUT: Duration = '6 seconds';
const QUOTA_CHECK_MAXIMUM_INTERVAL: Duration = '5 minutes';
const REQUEST_RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
/**
 * The first step runs as a local activity, inside the run's first workflow task: no round trip
 * through the server before the create. A few quick attempts ride out a SePay blip; then the step
 * falls back to the regular activity, whose retries keep the history flat for however long SePay
 * stays down (a local activity's retries past the SDK's one-minute threshold would add timers).
 */
const LOCAL_FIRST_STEP_RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '4 seconds', maximumAttempts: 4 } as const;

/**
 * `waitsTaskQueue`: where the waits go (the worker's waits queue, contract/task-queue.ts); runs
 * started before that queue existed replay without it, their waits on the invoice queue.
 */
export function stepActivities({ options }: ParsedIssueInvoiceInput, { waitsTaskQueue }: { waitsTaskQueue?: string } = {}) {
  const request = (summary: string, deadline: Duration): ActivityOptions => ({
    summary,
    startToCloseTimeout: REQUEST_TIMEOUT,
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    scheduleToCloseTimeout: deadline,
    retry: REQUEST_RETRY,
  });
  // A wait is one activity: its first attempt checks at the initial interval for the fast phase,
  // then `StillPending` makes Temporal retry it with backoff. Either way the history does not grow
  // however long SePay takes.
  const poll = (summary: string, deadline: Duration, { wait = true } = {}): ActivityOptions => ({
    ...request(summary, deadline),
    ...(wait && waitsTaskQueue && { taskQueue: waitsTaskQueue }),
    startToCloseTimeout: msToNumber(options.pollFastPhase) + msToNumber(REQUEST_TIMEOUT),
    retry: {
      initialInterval: options.pollInitialInterval,
      backoffCoefficient: 1.5,
      maximumInterval: options.pollMaximumInterval,
    },
  });
  return {
    authenticate: proxyActivities<InvoiceActivities>(request('Get a SePay access token', options.creationTimeout)),
    prepare: proxyActivities<InvoiceActivities>(request("Check the account and quota, look up this key's invoice at SePay", options.creationTimeout)),
    prepareLocally: proxyLocalActivities<InvoiceActivities>({
      summary: "Check the account and quota, look up this key's invoice at SePay",
      startToCloseTimeout: '10 seconds',
      retry: LOCAL_FIRST_STEP_RETRY,
    }),
    // Waiting for a top-up may take days: checks back off to a few minutes apart.
    awaitQuota: proxyActivities<InvoiceActivities>({
      ...poll('Wait for SePay quota (top up, then signal quotaToppedUp)', options.quotaTimeout),
      retry: {
        initialInterval: Math.min(msToNumber(options.pollMaximumInterval), msToNumber(QUOTA_CHECK_MAXIMUM_INTERVAL)),
        backoffCoefficient: 2,
        maximumInterval: QUOTA_CHECK_MAXIMUM_INTERVAL,
      },
    }),
    create: proxyActivities<InvoiceActivities>(request('Create the invoice at SePay', options.creationTimeout)),
    awaitCreation: proxyActivities<InvoiceActivities>(poll('Wait for SePay to create the invoice', options.creationTimeout)),
    issue: proxyActivities<InvoiceActivities>(request('Issue the invoice (point of no return)', options.issuanceTimeout)),
    awaitIssuance: proxyActivities<InvoiceActivities>(poll('Wait for SePay to issue the invoice', options.issuanceTimeout)),
    fetchDetail: proxyActivities<InvoiceActivities>(request('Fetch the issued invoice', options.issuanceTimeout)),
    compensationWait: proxyActivities<InvoiceActivities>(poll('Wait for the create job before deleting the draft', options.creationTimeout)),
    // Deleting is a request, retried while SePay is still issuing the draft: not a wait.
    compensation: proxyActivities<InvoiceActivities>(poll('Delete the draft (compensation)', options.creationTimeout, { wait: false })),
    replaceDraft: proxyActivities<InvoiceActivities>(poll('Delete the stale draft (content changed)', options.creationTimeout, { wait: false })),
  };
}

export type StepActivities = ReturnType<typeof stepActivities>;
