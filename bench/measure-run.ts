/**
 * One measured run: a fresh worker process of one kind, a burst of invoices through it, and every
 * figure the report needs (throughput, latency, SePay calls, server requests and actions, history
 * of a sample, worker memory).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InvoiceClient, validateIssueInput } from '../client/index.js';
import type { SimulatorControl } from '../simulator/control-client.js';
import type { InvoiceContent, IssueInvoiceInput } from '../contract/input.js';
import type { IssueInvoiceResult } from '../contract/messages.js';
import { workflowIdFor } from '../contract/reference-code.js';
import type { BaselineInput, baselineWorkflow } from './baseline-workflow.js';
import type { minimalSepayWorkflow } from './minimal-workflow.js';
import type { BenchEnvironment, BundleName } from './environment.js';
import { historyFigures, medianHistory, type HistoryFigures } from './history.js';
import { driveLoad } from './load.js';
import { counterDelta, readSettledServerCounters } from './server-metrics.js';
import { ownCpuMs, processTreesCpuMs } from './cpu-time.js';
import type { WorkerKind, WorkerSettings } from './spawn-worker.js';
import { percentile, perUnit } from './stats.js';

export const sampleInvoice = JSON.parse(readFileSync(new URL('../examples/invoice.json', import.meta.url), 'utf8')) as InvoiceContent;

export interface RunSpec {
  kind: WorkerKind;
  /** Names the task queue and the business keys, e.g. `pair2-ours`. */
  label: string;
  settings: WorkerSettings;
  invoices: number;
  concurrency: number;
  /** Baseline only: how many no-op activities each workflow runs, and which extras it adds. */
  baseline?: Omit<BaselineInput, 'invoiceInput'>;
  /** Default: the bundle of the worker's kind (the plain baseline for the baseline). */
  bundle?: BundleName;
  /** The workflow's `options`; the simulator answers at once, so the production defaults never wait. */
  invoiceOptions?: IssueInvoiceInput['options'];
  /** Runs after the simulator was reset to zero latency, before the first invoice (e.g. slow jobs). */
  prepareSimulator?: (sim: SimulatorControl) => Promise<void>;
  /** How many finished workflows' histories to read. */
  historySample: number;
  cpuProfileDir?: string;
  log?: (line: string) => void;
}

export interface RunResult {
  kind: WorkerKind;
  label: string;
  settings: WorkerSettings;
  invoices: number;
  concurrency: number;
  durationMs: number;
  invoicesPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number };
  /** The worker's RSS once ready, before the first invoice. */
  idleRssBytes: number;
  peakRssBytes: number;
  /**
   * CPU per invoice of the worker process, the dev server (Linux only, else NaN) and this process
   * (client and simulator): on a CPU-bound machine, where the time goes.
   */
  cpuMsPerInvoice: { worker: number; server: number; bench: number };
  /** SePay calls per invoice by simulator endpoint name. */
  sepayCallsPerInvoice: Record<string, number>;
  /** Frontend gRPC requests per invoice by operation (worker and client together). */
  serverRequestsPerInvoice: Record<string, number>;
  /** The server's `action` counter per invoice by type. */
  serverActionsPerInvoice: Record<string, number>;
  /** Median over the sampled histories. */
  history: HistoryFigures;
}

export async function measureRun(env: BenchEnvironment, spec: RunSpec): Promise<RunResult> {
  const runId = randomUUID().slice(0, 8);
  const taskQueue = `bench-${spec.label}-${runId}`;
  await env.sim.reset();
  await spec.prepareSimulator?.(env.sim);
  const bundle = spec.bundle ?? ({ invoice: 'invoice', baseline: 'baseline', minimal: 'minimal' } as const)[spec.kind];
  const worker = await env.startWorker({ kind: spec.kind, bundle, settings: spec.settings, taskQueue, cpuProfileDir: spec.cpuProfileDir });
  try {
    const invoices = new InvoiceClient({ client: env.client, taskQueue });
    const invoiceKey = (index: number) => `bench-${runId}-${spec.label}-${index}`;
    const start =
      spec.kind === 'invoice'
        ? async (index: number) => (await invoices.issue(invoiceKey(index), sampleInvoice, spec.invoiceOptions)).handle
        : (index: number) => {
            const invoiceInput = validateIssueInput({ invoiceKey: invoiceKey(index), invoice: sampleInvoice, options: spec.invoiceOptions ?? {} });
            const common = {
              taskQueue,
              workflowId: workflowIdFor(invoiceKey(index)),
              workflowIdConflictPolicy: 'USE_EXISTING',
              workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
            } as const;
            return spec.kind === 'minimal'
              ? env.client.workflow.start<typeof minimalSepayWorkflow>('minimalSepayWorkflow', { ...common, args: [{ invoiceInput }] })
              : env.client.workflow.start<typeof baselineWorkflow>('baselineWorkflow', { ...common, args: [{ activityCount: 0, ...spec.baseline, invoiceInput } satisfies BaselineInput] });
          };
    const before = await readSettledServerCounters(env.server.metricsUrls, env.server.namespace);
    const idle = await worker.usage();
    const cpuBefore = { server: processTreesCpuMs(env.server.pids()), bench: ownCpuMs() };
    const load = await driveLoad({
      count: spec.invoices,
      concurrency: spec.concurrency,
      start,
      checkResult: spec.kind === 'invoice' ? checkIssued : spec.kind === 'minimal' ? checkNumbered : () => undefined,
      onProgress: (done) => spec.log?.(`  ${spec.label}: ${done}/${spec.invoices}`),
    });
    const busy = await worker.usage();
    const cpuAfter = { server: processTreesCpuMs(env.server.pids()), bench: ownCpuMs() };
    const serverCpuMs = cpuAfter.server === undefined || cpuBefore.server === undefined ? Number.NaN : cpuAfter.server - cpuBefore.server;
    // Stopped first, so the counters hold this run's requests only and are final once settled.
    await worker.stop();
    const server = counterDelta(before, await readSettledServerCounters(env.server.metricsUrls, env.server.namespace));
    const sepay = await env.sim.stats();
    const sample = evenlySpaced(load.workflowIds, spec.historySample);
    const histories = await Promise.all(sample.map((workflowId) => historyFigures(env.client.workflow.getHandle(workflowId))));
    return {
      kind: spec.kind,
      label: spec.label,
      settings: spec.settings,
      invoices: spec.invoices,
      concurrency: spec.concurrency,
      durationMs: load.durationMs,
      invoicesPerSecond: spec.invoices / (load.durationMs / 1000),
      latencyMs: { p50: percentile(load.latenciesMs, 50), p95: percentile(load.latenciesMs, 95), p99: percentile(load.latenciesMs, 99) },
      idleRssBytes: idle.rssBytes,
      peakRssBytes: busy.peakRssBytes,
      cpuMsPerInvoice: {
        worker: (busy.cpuMs - idle.cpuMs) / spec.invoices,
        server: serverCpuMs / spec.invoices,
        bench: (cpuAfter.bench - cpuBefore.bench) / spec.invoices,
      },
      sepayCallsPerInvoice: perUnit(sepay.endpoints, spec.invoices),
      serverRequestsPerInvoice: perUnit(server.requests, spec.invoices),
      serverActionsPerInvoice: perUnit(server.actions, spec.invoices),
      history: medianHistory(histories),
    };
  } finally {
    await worker.stop();
  }
}

function checkIssued(result: unknown): void {
  const outcome = (result as IssueInvoiceResult).outcome;
  if (outcome !== 'issued') throw new Error(`invoice ended "${outcome}", expected "issued"`);
}

function checkNumbered(result: unknown): void {
  if (!(result as { invoiceNumber?: string }).invoiceNumber) throw new Error(`the minimal integration ended without an invoice number: ${JSON.stringify(result)}`);
}

function evenlySpaced<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]!);
}
