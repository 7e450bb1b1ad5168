/**
 * The main worker settings, one at a time around the defaults of `worker/config.ts`, each on the
 * same burst of invoices: how many activities and workflow tasks run at once, and how many
 * workflows stay cached (fewer than the invoices in flight means evictions and history replays).
 */
import type { BenchEnvironment } from './environment.js';
import { measureRun, type RunResult } from './measure-run.js';
import type { WorkerSettings } from './spawn-worker.js';
import { sideFigures, type SideFigures } from './summary.js';

export interface SweepOptions {
  defaults: WorkerSettings;
  invoices: number;
  concurrency: number;
  runs: number;
  log: (line: string) => void;
}

export interface SweepEntry {
  name: string;
  settings: WorkerSettings;
  figures: SideFigures;
  runs: RunResult[];
}

export function sweepSettings(defaults: WorkerSettings, concurrency: number): { name: string; settings: WorkerSettings }[] {
  // Half the invoices in flight (never below the task slots, which the SDK would clamp): every other
  // workflow task finds its workflow evicted and replays its history.
  const smallCache = Math.max(defaults.maxConcurrentWorkflowTasks, Math.floor(concurrency / 2));
  return [
    { name: 'defaults', settings: defaults },
    { name: 'activities 10', settings: { ...defaults, maxConcurrentActivities: 10 } },
    { name: 'workflow tasks 10', settings: { ...defaults, maxConcurrentWorkflowTasks: 10 } },
    { name: 'workflow tasks 100', settings: { ...defaults, maxConcurrentWorkflowTasks: 100 } },
    { name: `cache ${smallCache}`, settings: { ...defaults, maxCachedWorkflows: smallCache } },
  ];
}

export async function settingsSweep(env: BenchEnvironment, { defaults, invoices, concurrency, runs, log }: SweepOptions): Promise<SweepEntry[]> {
  const entries: SweepEntry[] = [];
  for (const { name, settings } of sweepSettings(defaults, concurrency)) {
    const results: RunResult[] = [];
    for (let run = 1; run <= runs; run++) {
      const label = `sweep-${name.replace(/\s+/g, '')}-${run}`;
      results.push(await measureRun(env, { kind: 'invoice', label, settings, invoices, concurrency, historySample: 3, log }));
    }
    const figures = sideFigures(results);
    log(`sweep ${name}: ${figures.invoicesPerSecond.median.toFixed(1)} invoices/s`);
    entries.push({ name, settings, figures, runs: results });
  }
  return entries;
}
