/**
 * The ISSUE #14 GOALS table: each goal row of the issue, with what this run measured (or why it
 * did not) and the goal, read from the sections that ran. The same rows go into the JSON.
 */
import type { RunResult } from './measure-run.js';
import type { BurstResult, JobLagResult, KillResult, PendingChecksResult } from './goal-scenarios.js';
import type { ComparisonFigures } from './summary.js';
import type { SlowSepayResult } from './slow-sepay.js';
import { formatTable, num, withSpread } from './table.js';
import type { WaitingRssResult } from './waiting-rss.js';

export interface GoalScenarios {
  burst?: BurstResult;
  lag?: JobLagResult;
  kill?: KillResult;
  /** Jobs Pending for 10 checks with the production polling. */
  pendingChecks?: PendingChecksResult;
  /** Jobs Pending for `--history-checks` checks, polled fast so it takes seconds. */
  historyChecks?: PendingChecksResult;
}

export interface GoalRow {
  figure: string;
  /** What this run measured, as printed; "not measured (...)" when its section was skipped. */
  measured: string;
  goal: string;
  /** The number the goal is about (NaN when not measured), for tools reading the JSON. */
  value: number;
  unit: string;
}

interface Sources {
  goals: GoalScenarios;
  comparison?: ComparisonFigures;
  slowSepay?: SlowSepayResult;
  waiting?: WaitingRssResult;
}

const MiB = 1024 * 1024;
const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);
const actions = (run: RunResult) => total(run.serverActionsPerInvoice);
const missing = (section: string): Pick<GoalRow, 'measured' | 'value'> => ({ measured: `not measured (${section} skipped)`, value: Number.NaN });

export function goalRows({ goals, comparison, slowSepay, waiting }: Sources): GoalRow[] {
  const { burst, lag, kill, pendingChecks, historyChecks } = goals;
  const burstLabel = burst ? `burst of ${burst.invoices} with SePay jobs Pending for ${num(burst.pendingMs / 1000, 0)} s, default settings` : 'burst with SePay jobs Pending for 20 s, default settings';
  const sepayOwn = burst ? `${num(burst.pendingMs / 1000, 0)} s + ${num(burst.pendingMs / 1000, 0)} s` : '20 s + 20 s';
  const slowChecks = slowSepay?.pendingChecks;
  const rows: GoalRow[] = [
    {
      figure: `${burstLabel}: last create reaches SePay after the burst starts`,
      goal: '≤ 30 s',
      unit: 's',
      ...(burst ? { measured: `${num(burst.lastCreateAfterMs / 1000, 1)} s`, value: burst.lastCreateAfterMs / 1000 } : missing('burst')),
    },
    {
      figure: `same burst: last invoice issued, minus SePay's own ${sepayOwn}`,
      goal: '≤ 30 s',
      unit: 's',
      ...(burst
        ? { measured: `${num(burst.lastIssuedBeyondSepayMs / 1000, 1)} s (issued after ${num(burst.lastIssuedAfterMs / 1000, 1)} s)`, value: burst.lastIssuedBeyondSepayMs / 1000 }
        : missing('burst')),
    },
    {
      figure: 'server actions per invoice, common path (instant SePay)',
      goal: '≤ 12',
      unit: 'actions',
      ...(comparison ? { measured: num(total(comparison.ours.serverActionsPerInvoice)), value: total(comparison.ours.serverActionsPerInvoice) } : missing('comparison')),
    },
    {
      figure: `server actions per invoice, SePay Pending for ${pendingChecks?.checks ?? 10} checks per job (production polling)`,
      goal: '≤ 20',
      unit: 'actions',
      ...(pendingChecks ? { measured: num(actions(pendingChecks.run)), value: actions(pendingChecks.run) } : missing('pending')),
    },
    {
      figure: `  same, Pending for ${slowChecks ?? 10} checks, polled ${slowSepay ? `every ${slowSepay.polling.pollInitialInterval} for ${slowSepay.polling.pollFastPhase}` : 'briefly'} then once per retry (the issue's "now")`,
      goal: '≤ 20',
      unit: 'actions',
      ...(slowSepay ? { measured: num(actions(slowSepay.slow)), value: actions(slowSepay.slow) } : missing('slow')),
    },
    {
      figure: 'invoices/s, ours ÷ baseline (median of pairs)',
      goal: '≥ 0.85',
      unit: 'ratio',
      ...(comparison ? { measured: withSpread(comparison.ratio.invoicesPerSecond, 2), value: comparison.ratio.invoicesPerSecond.median } : missing('comparison')),
    },
    {
      figure: `one invoice at a time (${lag?.invoices ?? '?'}), SePay jobs finishing after 1-5 s: p95 lag from SePay finishing a job to the run moving on; checks per job`,
      goal: '≤ 500 ms, ≤ 8 checks',
      unit: 'ms',
      ...(lag
        ? {
            measured: `${num(lag.movedOnP95Ms, 0)} ms; checks median ${num(lag.checksPerJob.median)}, p95 ${num(lag.checksPerJob.p95)}, max ${num(lag.checksPerJob.max)}`,
            value: lag.movedOnP95Ms,
          }
        : missing('lag')),
    },
    {
      figure: `resume after worker SIGKILL, worst over ${kill?.trials.length ?? 3} seed(s) (kill to the lost wait's next check at SePay)`,
      goal: '≤ 10 s',
      unit: 's',
      ...(kill ? { measured: `${num(kill.worstResumeMs / 1000, 1)} s`, value: kill.worstResumeMs / 1000 } : missing('kill')),
    },
    {
      figure: `worker RSS with ${waiting?.invoices ?? 1000} invoices waiting at SePay, ${waiting?.fastPhase === undefined ? 'default settings' : `fast phase ${String(waiting.fastPhase)}`}`,
      goal: '≤ 300 MiB total',
      unit: 'MiB',
      ...(waiting
        ? { measured: `${num(waiting.waitingRssBytes / MiB, 0)} MiB (idle ${num(waiting.idleRssBytes / MiB, 0)})`, value: waiting.waitingRssBytes / MiB }
        : missing('waiting')),
    },
  ];
  const instant = comparison?.ours.history.events ?? slowSepay?.instant.history.events;
  rows.push({
    figure: `history events, instant vs Pending ${historyChecks?.checks ?? 300} checks`,
    goal: 'unchanged, ≤ 60',
    unit: 'events',
    ...(historyChecks && instant !== undefined
      ? { measured: `${num(instant)} / ${num(historyChecks.run.history.events)}`, value: historyChecks.run.history.events }
      : missing(historyChecks ? 'comparison and slow' : 'pending')),
  });
  return rows;
}

export function formatGoals(rows: readonly GoalRow[]): string {
  return ['ISSUE #14 GOALS', formatTable(['figure', 'measured', 'goal'], rows.map((row) => [row.figure, row.measured, row.goal]))].join('\n\n');
}
