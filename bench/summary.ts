/**
 * Turns raw runs into the report's figures: the median of each figure over runs with its spread,
 * and the ours/baseline ratio computed within each pair before taking the median.
 */
import { medianHistory, type HistoryFigures } from './history.js';
import type { RunResult } from './measure-run.js';
import type { PairedResult } from './paired-runs.js';
import { medianPerKey, spread, type Spread } from './stats.js';

export interface SideFigures {
  invoicesPerSecond: Spread;
  latencyP50Ms: Spread;
  latencyP95Ms: Spread;
  latencyP99Ms: Spread;
  idleRssMiB: Spread;
  peakRssMiB: Spread;
  cpuMsPerInvoice: { worker: Spread; server: Spread; bench: Spread };
  sepayCallsPerInvoice: Record<string, number>;
  serverRequestsPerInvoice: Record<string, number>;
  serverActionsPerInvoice: Record<string, number>;
  history: HistoryFigures;
}

export interface ComparisonFigures {
  activitiesPerInvoice: number;
  localActivitiesPerInvoice: number;
  ours: SideFigures;
  baseline: SideFigures;
  /** The second baseline: the minimal SePay integration (create, check, issue, check, detail). */
  minimal: SideFigures;
  /** ours ÷ baseline, per pair: below 1 for throughput means slower, above 1 for latency means slower. */
  ratio: Ratios;
  /** ours ÷ minimal, per pair: what our guarantees cost over a hand-rolled integration. */
  ratioToMinimal: Ratios;
}

const MiB = 1024 * 1024;

export function sideFigures(runs: readonly RunResult[]): SideFigures {
  return {
    invoicesPerSecond: spread(runs.map((r) => r.invoicesPerSecond)),
    latencyP50Ms: spread(runs.map((r) => r.latencyMs.p50)),
    latencyP95Ms: spread(runs.map((r) => r.latencyMs.p95)),
    latencyP99Ms: spread(runs.map((r) => r.latencyMs.p99)),
    idleRssMiB: spread(runs.map((r) => r.idleRssBytes / MiB)),
    peakRssMiB: spread(runs.map((r) => r.peakRssBytes / MiB)),
    cpuMsPerInvoice: {
      worker: spread(runs.map((r) => r.cpuMsPerInvoice.worker)),
      server: spread(runs.map((r) => r.cpuMsPerInvoice.server)),
      bench: spread(runs.map((r) => r.cpuMsPerInvoice.bench)),
    },
    sepayCallsPerInvoice: medianPerKey(runs.map((r) => r.sepayCallsPerInvoice)),
    serverRequestsPerInvoice: medianPerKey(runs.map((r) => r.serverRequestsPerInvoice)),
    serverActionsPerInvoice: medianPerKey(runs.map((r) => r.serverActionsPerInvoice)),
    history: medianHistory(runs.map((r) => r.history)),
  };
}

export interface Ratios {
  invoicesPerSecond: Spread;
  latencyP50: Spread;
  latencyP95: Spread;
  latencyP99: Spread;
}

export function compare({ activitiesPerInvoice, localActivitiesPerInvoice, pairs }: PairedResult): ComparisonFigures {
  const ratios = (other: (pair: PairedResult['pairs'][number]) => RunResult): Ratios => {
    const ratio = (pick: (run: RunResult) => number) => spread(pairs.map((pair) => pick(pair.ours) / pick(other(pair))));
    return {
      invoicesPerSecond: ratio((r) => r.invoicesPerSecond),
      latencyP50: ratio((r) => r.latencyMs.p50),
      latencyP95: ratio((r) => r.latencyMs.p95),
      latencyP99: ratio((r) => r.latencyMs.p99),
    };
  };
  return {
    activitiesPerInvoice,
    localActivitiesPerInvoice,
    ours: sideFigures(pairs.map((p) => p.ours)),
    baseline: sideFigures(pairs.map((p) => p.baseline)),
    minimal: sideFigures(pairs.map((p) => p.minimal)),
    ratio: ratios((pair) => pair.baseline),
    ratioToMinimal: ratios((pair) => pair.minimal),
  };
}
