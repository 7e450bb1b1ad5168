/**
 * The invoice workflow while SePay is slow: every create and issue job answers `Pending` to its
 * first `pendingChecks` checks. Polling is shortened so the run takes seconds, yet long enough that
 * the first attempt's fast phase ends and Temporal's retries carry the rest of the wait: the history
 * should be the same size as with an instant SePay, while activity attempts (billed) grow.
 */
import type { BenchEnvironment } from './environment.js';
import { measureRun, type RunResult } from './measure-run.js';
import type { WorkerSettings } from './spawn-worker.js';

export interface SlowSepayOptions {
  pendingChecks: number;
  invoices: number;
  settings: WorkerSettings;
  log: (line: string) => void;
}

export interface SlowSepayResult {
  pendingChecks: number;
  polling: { pollInitialInterval: string; pollFastPhase: string; pollMaximumInterval: string };
  /** The same invoices and options with SePay answering at once. */
  instant: RunResult;
  slow: RunResult;
}

/** About four checks in the fast phase, the rest one per retry (the server spaces retries ~1 s apart). */
const SLOW_POLLING = { pollInitialInterval: '50ms', pollFastPhase: '200ms', pollMaximumInterval: '200ms' };

export async function slowSepayRun(env: BenchEnvironment, { pendingChecks, invoices, settings, log }: SlowSepayOptions): Promise<SlowSepayResult> {
  const run = (label: string, checks: number) =>
    measureRun(env, {
      kind: 'invoice',
      label,
      settings,
      invoices,
      concurrency: invoices,
      invoiceOptions: SLOW_POLLING,
      prepareSimulator: async (sim) => {
        await sim.setJobChecks(checks, null);
      },
      historySample: invoices,
      log,
    });
  log(`slow SePay: ${invoices} invoices answered at once, then ${invoices} whose jobs stay Pending for ${pendingChecks} checks`);
  const instant = await run('sepay-instant', 0);
  const slow = await run('sepay-slow', pendingChecks);
  return { pendingChecks, polling: SLOW_POLLING, instant, slow };
}
