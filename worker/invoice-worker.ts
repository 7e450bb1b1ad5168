/**
 * One invoice worker process polls two task queues: the invoice queue (workflows and the SePay
 * requests) and its waits queue (activities that only wait for SePay, mostly asleep). Each has its
 * own slots, so a burst of invoices waiting at SePay never holds the slots new invoices need to
 * reach SePay; both live and die together, so a killed process loses its waits like its requests
 * and Temporal retries them elsewhere after their heartbeat timeout.
 */
import type { State, Worker } from '@temporalio/worker';

export class InvoiceWorker {
  constructor(
    /** Workflows and SePay requests, on the configured task queue. */
    readonly requests: Worker,
    /** Waits for SePay jobs and quota, on `waitsTaskQueueFor(taskQueue)`. */
    readonly waits: Worker,
  ) {}

  /** Runs both until both stop; when one fails, the other is shut down too and the failure is thrown. */
  async run(): Promise<void> {
    const runs = [this.requests.run(), this.waits.run()].map((running) =>
      running.catch((error: unknown) => {
        this.shutdown();
        throw error;
      }),
    );
    const failed = (await Promise.allSettled(runs)).find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Like the SDK's `runUntil`: runs until `until` settles, then shuts down and returns its result. */
  async runUntil<T>(until: Promise<T>): Promise<T> {
    const running = this.run();
    try {
      return await until;
    } finally {
      this.shutdown();
      await running;
    }
  }

  shutdown(): void {
    for (const worker of [this.requests, this.waits]) {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    }
  }

  /** The less healthy of the two: a worker is only as ready as both its pollers. */
  getState(): State {
    const states = [this.requests.getState(), this.waits.getState()];
    for (const state of ['FAILED', 'STOPPING', 'DRAINING', 'DRAINED', 'STOPPED', 'INITIALIZED'] as const) {
      if (states.includes(state)) return state;
    }
    return 'RUNNING';
  }
}
