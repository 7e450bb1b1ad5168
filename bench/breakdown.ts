/**
 * What the invoice workflow adds to the floor, one cost at a time: the baseline, then the baseline
 * with one of the invoice workflow's extras (a heartbeat in each activity, its search attribute and
 * memo upserts, zod input validation inside the workflow), all three, and the invoice workflow
 * itself. What the invoice workflow costs beyond "all three" is its activities' real work: the
 * SePay HTTP calls and parsing their answers. Each round runs every variant once, in a rotating
 * order, and each variant is set against the baseline of its own round.
 */
import type { BenchEnvironment } from './environment.js';
import { measureRun, type RunResult, type RunSpec } from './measure-run.js';
import type { WorkerSettings } from './spawn-worker.js';
import { spread, type Spread } from './stats.js';
import { sideFigures, type SideFigures } from './summary.js';

export interface BreakdownOptions {
  invoices: number;
  concurrency: number;
  runs: number;
  settings: WorkerSettings;
  /** A finished invoice run: how many activities and upserts the invoice workflow makes. */
  probe: RunResult;
  log: (line: string) => void;
}

export interface BreakdownEntry {
  name: string;
  figures: SideFigures;
  /** invoices/s of the variant ÷ invoices/s of its round's baseline. */
  throughputVsBaseline: Spread;
  runs: RunResult[];
}

type Variant = { name: string; spec: Pick<RunSpec, 'kind' | 'bundle' | 'baseline'> };

function variants(probe: RunResult): Variant[] {
  const { activities, localActivities, searchAttributeUpserts, memoUpserts } = probe.history;
  const upserts = { searchAttributeUpserts, memoUpserts };
  const baseline = (name: string, extras: object, bundle: 'baseline' | 'baseline-validating' = 'baseline'): Variant => ({
    name,
    spec: { kind: 'baseline', bundle, baseline: { activityCount: activities, localActivityCount: localActivities, ...extras } },
  });
  return [
    baseline('baseline', {}),
    baseline('+ a heartbeat in each activity', { heartbeat: true }),
    baseline(`+ ${searchAttributeUpserts} search attribute and ${memoUpserts} memo upserts`, upserts),
    baseline('+ zod input validation in the workflow', {}, 'baseline-validating'),
    baseline('+ all three', { heartbeat: true, ...upserts }, 'baseline-validating'),
    { name: 'ours (issueInvoiceWorkflow)', spec: { kind: 'invoice' } },
  ];
}

export async function costBreakdown(env: BenchEnvironment, options: BreakdownOptions): Promise<BreakdownEntry[]> {
  const { invoices, concurrency, settings, log } = options;
  const all = variants(options.probe);
  const runs = all.map((): RunResult[] => []);
  for (let round = 0; round < options.runs; round++) {
    for (let step = 0; step < all.length; step++) {
      const index = (step + round) % all.length;
      const label = `breakdown${round + 1}-v${index}`;
      runs[index]!.push(await measureRun(env, { ...all[index]!.spec, label, settings, invoices, concurrency, historySample: 3, log }));
    }
    log(`breakdown round ${round + 1}/${options.runs} done`);
  }
  const baselineRuns = runs[0]!;
  return all.map(({ name }, index) => ({
    name,
    figures: sideFigures(runs[index]!),
    throughputVsBaseline: spread(runs[index]!.map((run, round) => run.invoicesPerSecond / baselineRuns[round]!.invoicesPerSecond)),
    runs: runs[index]!,
  }));
}
