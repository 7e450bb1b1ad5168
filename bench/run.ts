/**
 * `npm run bench`: what the invoice workflow costs over Temporal's own floor on the same server.
 * Progress goes to stderr; the tables to stdout; the same figures as JSON to bench/results/.
 * Everything it starts (dev server, simulator, worker processes) is stopped at the end, on error
 * and on Ctrl-C.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../simulator/defaults.js';
import { loadWorkerConfig } from '../worker/config.js';
import { startBenchEnvironment } from './environment.js';
import { BenchUsageError, HELP, parseBenchOptions, type BenchOptions } from './options.js';
import { msToNumber } from '@temporalio/common';
import { costBreakdown } from './breakdown.js';
import { burstWithSlowJobs, jobLag, pendingChecksRun, resumeAfterKill } from './goal-scenarios.js';
import { goalRows, type GoalScenarios } from './goals-table.js';
import { pairedRuns, probeInvoices } from './paired-runs.js';
import { formatReport, machineInfo, type BenchReport } from './report.js';
import { settingsSweep } from './settings-sweep.js';
import { slowSepayRun } from './slow-sepay.js';
import type { WorkerSettings } from './spawn-worker.js';
import { compare } from './summary.js';
import { waitingRss } from './waiting-rss.js';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const log = (line: string) => console.error(line);

let options: BenchOptions | undefined;
try {
  options = parseBenchOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof BenchUsageError)) throw error;
  console.error(`${error.message}\n\n${HELP}`);
  process.exit(2);
}
if (!options) {
  process.stdout.write(HELP);
  process.exit(0);
}

// The worker's own defaults (and any WORKER_* variables set for this run), read the way the worker reads them.
const config = loadWorkerConfig({ ...process.env, SEPAY_CLIENT_ID: DEFAULT_CLIENT_ID, SEPAY_CLIENT_SECRET: DEFAULT_CLIENT_SECRET });
const settings: WorkerSettings = {
  maxConcurrentActivities: config.maxConcurrentActivities,
  maxConcurrentWorkflowTasks: config.maxConcurrentWorkflowTasks,
  maxCachedWorkflows: config.maxCachedWorkflows,
};
const startedAt = new Date();
const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
const report: BenchReport = { startedAt: startedAt.toISOString(), durationSeconds: 0, machine: machineInfo(), options, workerSettings: settings };
const began = performance.now();
const skip = new Set(options.skip);
const goals: GoalScenarios = {};

const env = await startBenchEnvironment(log, options.stack);
let interrupted = false;
const interrupt = () => {
  interrupted = true;
  log('interrupted: stopping workers, simulator and dev server...');
  // The run in progress fails once its server is gone, and the report of what finished is written.
  void env.close();
  setTimeout(() => process.exit(130), 30_000).unref();
};
process.once('SIGINT', interrupt);
process.once('SIGTERM', interrupt);

let exitCode = 0;
try {
  if (!skip.has('comparison')) {
    const cpuProfileDir = options.profile ? `${RESULTS_DIR}${stamp}-profiles.tmp` : undefined;
    const paired = await pairedRuns(env, { ...options, settings, cpuProfileDir, log });
    report.comparison = { ...compare(paired), runs: [paired.probe, ...paired.pairs.flatMap((p) => [p.ours, p.baseline, p.minimal])] };
    if (cpuProfileDir) log(`CPU profiles of the first pair's workers: ${cpuProfileDir}`);
  }
  if (!skip.has('slow')) {
    report.slowSepay = await slowSepayRun(env, { pendingChecks: options.slowChecks, invoices: options.slowInvoices, settings, log });
  }
  if (!skip.has('pending')) {
    goals.pendingChecks = await pendingChecksRun(env, { checks: 10, invoices: options.pendingInvoices, label: 'pending-10', settings, log });
    // Polled every 10 ms for up to 20 s, so hundreds of checks take seconds, not one retry a second.
    const fast = { pollInitialInterval: '10ms', pollFastPhase: '20s', pollMaximumInterval: '1s' };
    const invoices = Math.min(options.pendingInvoices, 5);
    goals.historyChecks = await pendingChecksRun(env, { checks: options.historyChecks, invoices, polling: fast, label: `pending-${options.historyChecks}`, settings, log });
  }
  if (!skip.has('waiting')) {
    report.waiting = await waitingRss(env, { invoices: options.waiting, fastPhase: options.waitingFastPhase, settings, log });
  }
  if (!skip.has('burst')) {
    goals.burst = await burstWithSlowJobs(env, { invoices: options.burst, pendingMs: msToNumber(options.burstPending as never), settings, log });
  }
  if (!skip.has('lag')) {
    goals.lag = await jobLag(env, { invoices: options.lagInvoices, seed: 14, settings, log });
  }
  if (!skip.has('kill')) {
    goals.kill = await resumeAfterKill(env, { seeds: options.killSeeds, invoices: options.killInvoices, settings, log });
  }
  if (options.breakdown) {
    const probe = report.comparison?.runs[0] ?? (await probeInvoices(env, settings, log));
    const breakdownOptions = { invoices: options.breakdownInvoices, concurrency: options.concurrency, runs: options.breakdownRuns };
    report.breakdown = await costBreakdown(env, { ...breakdownOptions, settings, probe, log });
  }
  if (!skip.has('sweep')) {
    report.sweep = await settingsSweep(env, { defaults: settings, invoices: options.sweepInvoices, concurrency: options.concurrency, runs: options.sweepRuns, log });
  }
} catch (error) {
  if (!interrupted) console.error(error);
  exitCode = 1;
} finally {
  await env.close();
}

report.goals = { ...goals, rows: goalRows({ goals, comparison: report.comparison, slowSepay: report.slowSepay, waiting: report.waiting }) };
report.durationSeconds = (performance.now() - began) / 1000;
process.stdout.write(formatReport(report));
mkdirSync(RESULTS_DIR, { recursive: true });
const file = `${RESULTS_DIR}${stamp}.json`;
// Written aside and renamed, so a reader never sees half a file.
writeFileSync(`${file}.tmp`, JSON.stringify(report, null, 2) + '\n');
renameSync(`${file}.tmp`, file);
log(`figures written to ${file}${exitCode ? ' (incomplete: the bench did not finish)' : ''}`);
process.exit(interrupted ? 130 : exitCode);
