/** The task queue workers poll and clients start invoices on, unless configured otherwise. */
export const DEFAULT_TASK_QUEUE = 'sepay-einvoice';

/**
 * The queue of a worker's waits (activities that only wait for SePay): every invoice worker polls
 * it beside its own queue, with slots of its own, so waiting invoices never hold request slots.
 */
export function waitsTaskQueueFor(taskQueue: string): string {
  return `${taskQueue}.waits`;
}

/** The activities that run on the waits queue. */
export const WAIT_ACTIVITIES = ['awaitCreation', 'awaitIssuance', 'awaitQuota'] as const;
