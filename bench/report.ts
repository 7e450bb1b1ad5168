/** The bench's findings as one JSON document, and the same figures as tables for the terminal. */
import { cpus, loadavg, totalmem } from 'node:os';
import type { BreakdownEntry } from './breakdown.js';
import { formatGoals, type GoalRow, type GoalScenarios } from './goals-table.js';
import type { HistoryFigures } from './history.js';
import type { BenchOptions } from './options.js';
import { SEPAY_MINIMUM_PER_INVOICE } from './sepay-minimum.js';
import type { SweepEntry } from './settings-sweep.js';
import type { SlowSepayResult } from './slow-sepay.js';
import type { WorkerSettings } from './spawn-worker.js';
import type { ComparisonFigures } from './summary.js';
import type { Spread } from './stats.js';
import { formatTable, num, withSpread } from './table.js';
import type { WaitingRssResult } from './waiting-rss.js';
import type { RunResult } from './measure-run.js';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  totalMemoryGiB: number;
  node: string;
  platform: string;
  /** 1-minute load average when the bench started: other work on the machine skews the figures. */
  loadAverageAtStart: number;
}

export interface BenchReport {
  startedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  options: BenchOptions;
  workerSettings: WorkerSettings;
  comparison?: ComparisonFigures & { runs: RunResult[] };
  slowSepay?: SlowSepayResult;
  waiting?: WaitingRssResult;
  breakdown?: BreakdownEntry[];
  sweep?: SweepEntry[];
  /** Issue #14's goal rows (`rows`) and the raw results of the scenarios only they need. */
  goals?: GoalScenarios & { rows: GoalRow[] };
}

export function machineInfo(): MachineInfo {
  const processors = cpus();
  return {
    cpus: processors.length,
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    totalMemoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg()[0] ?? Number.NaN,
  };
}

export function formatReport(report: BenchReport): string {
  const { machine, options } = report;
  const sections = [
    `sepay-einvoice-temporal benchmark, ${report.startedAt}, ${Math.round(report.durationSeconds)} s`,
    `${machine.cpus} × ${machine.cpuModel}, ${machine.totalMemoryGiB} GiB, Node ${machine.node}, load average at start ${num(machine.loadAverageAtStart, 1)}`,
    `worker settings: ${describeSettings(report.workerSettings)}; figures are "median (min–max)" over runs`,
  ];
  if (report.comparison) sections.push(formatComparison(report.comparison, options));
  if (report.slowSepay) sections.push(formatSlowSepay(report.slowSepay));
  if (report.waiting) sections.push(formatWaiting(report.waiting));
  if (report.breakdown) sections.push(formatBreakdown(report.breakdown, options));
  if (report.sweep) sections.push(formatSweep(report.sweep, options));
  if (report.goals) sections.push(formatGoals(report.goals.rows));
  return sections.join('\n\n') + '\n';
}

function describeSettings(s: WorkerSettings): string {
  return `${s.maxConcurrentActivities} concurrent activities, ${s.maxConcurrentWorkflowTasks} workflow task slots, ${s.maxCachedWorkflows} cached workflows`;
}

function formatComparison(c: ComparisonFigures, options: BenchOptions): string {
  const { ours, baseline, minimal, ratio, ratioToMinimal } = c;
  const title =
    `OURS vs BASELINES on the ${options.stack === 'native' ? 'compose topology run natively (PostgreSQL, one process per Temporal service)' : 'dev server'}: ` +
    `${options.invoices} invoices per run, ${options.concurrency} in flight, ${options.runs} round(s) run alternately; ` +
    `the baseline runs ${c.localActivitiesPerInvoice} no-op local activities, then ${c.activitiesPerInvoice} no-op activities (counted from an invoice history); ` +
    'the minimal integration makes only create, check, issue, check, detail (one activity each)';
  const row = (label: string, pick: (side: typeof ours) => Spread, digits: number, ratios?: (r: typeof ratio) => Spread) => [
    label,
    withSpread(pick(ours), digits),
    withSpread(pick(baseline), digits),
    withSpread(pick(minimal), digits),
    ratios ? withSpread(ratios(ratio), 2) : '',
    ratios ? withSpread(ratios(ratioToMinimal), 2) : '',
  ];
  const speed = formatTable(
    ['', 'ours', 'baseline', 'minimal', 'ours ÷ baseline', 'ours ÷ minimal'],
    [
      row('invoices per second', (s) => s.invoicesPerSecond, 1, (r) => r.invoicesPerSecond),
      row('latency p50 (ms)', (s) => s.latencyP50Ms, 0, (r) => r.latencyP50),
      row('latency p95 (ms)', (s) => s.latencyP95Ms, 0, (r) => r.latencyP95),
      row('latency p99 (ms)', (s) => s.latencyP99Ms, 0, (r) => r.latencyP99),
      row('worker RSS idle (MiB)', (s) => s.idleRssMiB, 0),
      row('worker RSS peak (MiB)', (s) => s.peakRssMiB, 0),
      row('CPU ms per invoice: worker', (s) => s.cpuMsPerInvoice.worker, 1),
      row('CPU ms per invoice: server', (s) => s.cpuMsPerInvoice.server, 1),
      row('CPU ms per invoice: client+simulator', (s) => s.cpuMsPerInvoice.bench, 1),
    ],
  );
  const endpoints = Object.keys(SEPAY_MINIMUM_PER_INVOICE);
  const extra = [...new Set([...Object.keys(ours.sepayCallsPerInvoice), ...Object.keys(minimal.sepayCallsPerInvoice)])].filter((e) => !endpoints.includes(e));
  const sepayRows = [...endpoints, ...extra].map((endpoint) => [
    endpoint,
    num(ours.sepayCallsPerInvoice[endpoint] ?? 0),
    num(minimal.sepayCallsPerInvoice[endpoint] ?? 0),
    String(SEPAY_MINIMUM_PER_INVOICE[endpoint]?.calls ?? 0),
    SEPAY_MINIMUM_PER_INVOICE[endpoint]?.why ?? '',
  ]);
  const minimum = Object.values(SEPAY_MINIMUM_PER_INVOICE).reduce((sum, { calls }) => sum + calls, 0);
  sepayRows.push(['total', num(total(ours.sepayCallsPerInvoice)), num(total(minimal.sepayCallsPerInvoice)), String(minimum), '']);
  const sepay = formatTable(['SePay calls per invoice', 'ours', 'minimal', 'minimum', 'why the minimum'], sepayRows);

  const temporalRows = [
    ...historyRows(ours.history, baseline.history, minimal.history),
    ['server actions (≈ Cloud Actions)', num(total(ours.serverActionsPerInvoice)), num(total(baseline.serverActionsPerInvoice)), num(total(minimal.serverActionsPerInvoice))],
    ...keyRows(ours.serverActionsPerInvoice, baseline.serverActionsPerInvoice, '  ', minimal.serverActionsPerInvoice),
    ['frontend requests', num(total(ours.serverRequestsPerInvoice)), num(total(baseline.serverRequestsPerInvoice)), num(total(minimal.serverRequestsPerInvoice))],
    ...keyRows(ours.serverRequestsPerInvoice, baseline.serverRequestsPerInvoice, '  ', minimal.serverRequestsPerInvoice),
  ];
  const temporal = formatTable(['Temporal per invoice', 'ours', 'baseline', 'minimal'], temporalRows);
  return [title, speed, sepay, temporal].join('\n\n');
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/** One row per history figure, a column per side given. */
function historyRows(...sides: HistoryFigures[]): string[][] {
  const row = (label: string, key: keyof HistoryFigures) => [label, ...sides.map((side) => num(side[key]))];
  return [
    row('history events', 'events'),
    row('history size (bytes)', 'bytes'),
    row('workflow tasks', 'workflowTasks'),
    row('activities', 'activities'),
    row('activity attempts', 'activityAttempts'),
    row('search attribute upserts', 'searchAttributeUpserts'),
    row('memo upserts', 'memoUpserts'),
  ];
}

function keyRows(a: Record<string, number>, b: Record<string, number>, indent: string, c?: Record<string, number>): string[][] {
  const sides = c ? [a, b, c] : [a, b];
  const keys = [...new Set(sides.flatMap((side) => Object.keys(side)))].sort();
  return keys.map((key) => [`${indent}${key}`, ...sides.map((side) => num(side[key] ?? 0))]);
}

function formatSlowSepay({ pendingChecks, polling, instant, slow }: SlowSepayResult): string {
  const title =
    `SLOW SePay: ${slow.invoices} invoices, every create and issue job Pending for ${pendingChecks} checks ` +
    `(checks every ${polling.pollInitialInterval} for ${polling.pollFastPhase}, then one per Temporal retry)`;
  const checks = (run: RunResult) => (run.sepayCallsPerInvoice['create-check'] ?? 0) + (run.sepayCallsPerInvoice['issue-check'] ?? 0);
  const rows = [
    ...historyRows(instant.history, slow.history),
    ['job checks (SePay calls)', num(checks(instant)), num(checks(slow))],
    ['server actions (≈ Cloud Actions)', num(total(instant.serverActionsPerInvoice)), num(total(slow.serverActionsPerInvoice))],
    ['latency p50 (ms)', num(instant.latencyMs.p50, 0), num(slow.latencyMs.p50, 0)],
  ];
  return [title, formatTable(['per invoice', 'SePay instant', 'SePay slow'], rows)].join('\n\n');
}

function formatWaiting(w: WaitingRssResult): string {
  const MiB = 1024 * 1024;
  return [
    `WAITING: ${w.invoices} invoices waiting at SePay at once (create jobs held Pending), production polling${w.fastPhase === undefined ? '' : ` but a ${String(w.fastPhase)} fast phase`}`,
    formatTable(
      ['', 'value'],
      [
        ['worker RSS idle (MiB)', num(w.idleRssBytes / MiB, 0)],
        [`worker RSS, ${w.invoices} waiting (MiB)`, num(w.waitingRssBytes / MiB, 0)],
        ['  of which main-thread V8 heap used / external (MiB)', `${num(w.waitingHeapUsedBytes / MiB, 0)} / ${num(w.waitingExternalBytes / MiB, 0)}`],
        ['worker RSS peak incl. drain (MiB)', num(w.peakRssBytes / MiB, 0)],
        ['per waiting invoice (KiB)', num((w.waitingRssBytes - w.idleRssBytes) / 1024 / w.invoices, 0)],
        ['all waiting after (s)', num(w.allWaitingAfterMs / 1000, 1)],
        ['backlog issued after release (s)', num(w.drainMs / 1000, 1)],
      ],
    ),
  ].join('\n\n');
}

function formatBreakdown(entries: BreakdownEntry[], options: BenchOptions): string {
  const title =
    `COST BREAKDOWN: the baseline with ours' extras added one at a time; ${options.breakdownInvoices} invoices per run, ` +
    `${options.concurrency} in flight, ${options.breakdownRuns} round(s) in rotating order`;
  const rows = entries.map(({ name, figures, throughputVsBaseline }) => [
    name,
    withSpread(figures.invoicesPerSecond),
    withSpread(throughputVsBaseline, 2),
    withSpread(figures.cpuMsPerInvoice.worker, 1),
    withSpread(figures.cpuMsPerInvoice.server, 1),
    num(total(figures.serverActionsPerInvoice)),
    withSpread(figures.peakRssMiB, 0),
  ]);
  const header = ['variant', 'invoices/s', '÷ baseline', 'worker CPU ms/inv', 'server CPU ms/inv', 'actions/inv', 'peak RSS (MiB)'];
  return [title, formatTable(header, rows)].join('\n\n');
}

function formatSweep(entries: SweepEntry[], options: BenchOptions): string {
  const title = `WORKER SETTINGS (ours): ${options.sweepInvoices} invoices per run, ${options.concurrency} in flight, ${options.sweepRuns} run(s) per setting`;
  const rows = entries.map(({ name, settings, figures }) => [
    name,
    String(settings.maxConcurrentActivities),
    String(settings.maxConcurrentWorkflowTasks),
    String(settings.maxCachedWorkflows),
    withSpread(figures.invoicesPerSecond),
    withSpread(figures.latencyP95Ms, 0),
    withSpread(figures.peakRssMiB, 0),
    withSpread(figures.cpuMsPerInvoice.worker, 1),
  ]);
  const header = ['setting', 'activities', 'wf tasks', 'cache', 'invoices/s', 'p95 (ms)', 'peak RSS (MiB)', 'worker CPU ms/invoice'];
  return [title, formatTable(header, rows)].join('\n\n');
}
