/**
 * Ours against the floor: `runs` pairs of one invoice run and one baseline run with the same
 * invoice count, concurrency and worker settings, on the same server. The order alternates
 * (ours first, then baseline first, ...) so a drift of the machine hits both sides alike, and each
 * pair gives one ratio, so noise shared within a pair cancels.
 *
 * The baseline runs as many no-op activities as a real invoice history shows (a probe run counts
 * them), never a number written down here. Each pair also runs the second baseline, the minimal
 * SePay integration (bench/minimal-workflow.ts): ours against it is what our guarantees cost.
 */
import type { BenchEnvironment } from './environment.js';
import { measureRun, type RunResult } from './measure-run.js';
import type { WorkerSettings } from './spawn-worker.js';

export interface PairedOptions {
  invoices: number;
  concurrency: number;
  runs: number;
  settings: WorkerSettings;
  historySample: number;
  /** Profile the worker of the first pair (V8 `--cpu-prof`) into this folder. */
  cpuProfileDir?: string;
  log: (line: string) => void;
}

export interface PairedResult {
  /** No-op activities per baseline workflow, as counted in the probe run's history. */
  activitiesPerInvoice: number;
  /** No-op local activities, run first as the invoice workflow runs its validation and first step. */
  localActivitiesPerInvoice: number;
  probe: RunResult;
  pairs: { ours: RunResult; baseline: RunResult; minimal: RunResult }[];
}

/** Small enough to be quick, big enough to warm the server before the measured runs. */
const PROBE_INVOICES = 20;

/** A few real invoices, to read from their history what the common path does (and to warm the server). */
export async function probeInvoices(env: BenchEnvironment, settings: WorkerSettings, log: (line: string) => void): Promise<RunResult> {
  log(`probe: ${PROBE_INVOICES} invoices to count what the common path does`);
  const probe = await measureRun(env, { kind: 'invoice', label: 'probe', settings, invoices: PROBE_INVOICES, concurrency: PROBE_INVOICES, historySample: 3, log });
  const { activities, localActivities, searchAttributeUpserts, memoUpserts } = probe.history;
  log(`probe: ${localActivities} local activities, ${activities} activities, ${searchAttributeUpserts} search attribute and ${memoUpserts} memo upserts per invoice`);
  return probe;
}

export async function pairedRuns(env: BenchEnvironment, options: PairedOptions): Promise<PairedResult> {
  const { invoices, concurrency, settings, historySample, log } = options;
  const probe = await probeInvoices(env, settings, log);
  const activitiesPerInvoice = probe.history.activities;
  const localActivitiesPerInvoice = probe.history.localActivities;

  const pairs: PairedResult['pairs'] = [];
  for (let pair = 1; pair <= options.runs; pair++) {
    const cpuProfileDir = pair === 1 ? options.cpuProfileDir : undefined;
    const ours = () => measureRun(env, { kind: 'invoice', label: `pair${pair}-ours`, settings, invoices, concurrency, historySample, cpuProfileDir, log });
    const baseline = () =>
      measureRun(env, {
        kind: 'baseline',
        label: `pair${pair}-baseline`,
        settings,
        invoices,
        concurrency,
        baseline: { activityCount: activitiesPerInvoice, localActivityCount: localActivitiesPerInvoice },
        historySample,
        cpuProfileDir,
        log,
      });
    const minimal = () => measureRun(env, { kind: 'minimal', label: `pair${pair}-minimal`, settings, invoices, concurrency, historySample, log });
    if (pair % 2 === 1) {
      const o = await ours();
      const b = await baseline();
      pairs.push({ ours: o, baseline: b, minimal: await minimal() });
    } else {
      const m = await minimal();
      const b = await baseline();
      pairs.push({ ours: await ours(), baseline: b, minimal: m });
    }
    const last = pairs.at(-1)!;
    log(`pair ${pair}/${options.runs}: ours ${last.ours.invoicesPerSecond.toFixed(1)}/s, baseline ${last.baseline.invoicesPerSecond.toFixed(1)}/s, minimal ${last.minimal.invoicesPerSecond.toFixed(1)}/s`);
  }
  return { activitiesPerInvoice, localActivitiesPerInvoice, probe, pairs };
}
