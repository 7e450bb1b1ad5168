/** `npm run bench -- [options]`: the command line, checked with zod so every bad option is named. */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DurationSchema } from '../contract/input.js';

export const HELP = `Benchmark: issueInvoiceWorkflow against a bare workflow with as many no-op activities and
against a minimal SePay integration (create, check, issue, check, detail), on a fresh Temporal
server, the SePay simulator at zero latency and one worker process.

Usage: npm run bench -- [options]

  --invoices N            invoices per measured run                             (default 1000)
  --concurrency C         invoices in flight at once (closed loop)              (default 100)
  --runs R                ours/baseline pairs; figures are medians over them    (default 3)
  --history-sample N      finished runs whose history is read, per run          (default 20)
  --slow-checks N         slow SePay: each job answers Pending N times          (default 10)
  --slow-invoices N       invoices in the slow-SePay run                        (default 20)
  --waiting N             invoices waiting at SePay at once for the RSS figure  (default 1000)
  --waiting-fast-phase D  their pollFastPhase, or "production" for the default  (default production)
  --sweep-invoices N      invoices per run of the worker-settings sweep         (default 150)
  --sweep-runs N          runs per setting in the sweep                         (default 1)
  --burst N               goal burst: invoices started at once                   (default 1000)
  --burst-pending D       goal burst: how long every SePay job stays Pending     (default 20s)
  --lag-invoices N        goal lag: invoices one at a time, jobs done in 1-5 s   (default 10)
  --kill-seeds LIST       goal resume: one SIGKILL trial per seed                (default 1,2,3)
  --kill-invoices N       goal resume: invoices waiting on the killed worker     (default 3)
  --pending-invoices N    goal actions/history: invoices per Pending-checks run  (default 20)
  --history-checks N      goal history: checks each job stays Pending           (default 300)
  --skip LIST             leave out sections: comparison,slow,waiting,sweep,burst,lag,kill,pending
  --goals                 only what the ISSUE #14 GOALS table needs (every section but the sweep)
  --breakdown             add the cost breakdown: the baseline plus ours' extras one at a time
  --breakdown-invoices N  invoices per run of the breakdown                     (default 200)
  --breakdown-runs N      rounds of the breakdown                               (default 2)
  --profile               write V8 CPU profiles of the first pair's workers to bench/results/
  --stack dev|native      the Temporal server: the CLI's dev server in memory, or docker-compose.yml's
                          topology run natively (PostgreSQL, one process per service)  (default dev)
  --quick                 a smoke run: 100 invoices, 1 pair, 20 waiting, 50 per sweep setting and variant,
                          goal burst 100, 4 lag invoices, 1 kill seed, 5 per Pending-checks run
  --help                  this text

Prints a table and writes the same figures as JSON to bench/results/<timestamp>.json.
`;

const SECTIONS = ['comparison', 'slow', 'waiting', 'sweep', 'burst', 'lag', 'kill', 'pending'] as const;
export type Section = (typeof SECTIONS)[number];

const count = z.coerce.number().int().positive();

const BenchOptionsSchema = z.object({
  invoices: count,
  concurrency: count,
  runs: count,
  historySample: count,
  slowChecks: count,
  slowInvoices: count,
  waiting: count,
  waitingFastPhase: z.union([z.literal('production').transform(() => undefined), DurationSchema]),
  sweepInvoices: count,
  sweepRuns: count,
  breakdown: z.boolean(),
  breakdownInvoices: count,
  breakdownRuns: count,
  burst: count,
  burstPending: DurationSchema,
  lagInvoices: count,
  killSeeds: z.array(z.coerce.number().int()).min(1),
  killInvoices: count,
  pendingInvoices: count,
  historyChecks: count,
  skip: z.array(z.enum(SECTIONS)),
  goals: z.boolean(),
  profile: z.boolean(),
  stack: z.enum(['dev', 'native']),
});
export type BenchOptions = z.output<typeof BenchOptionsSchema>;

const FULL = { invoices: 1000, concurrency: 100, runs: 3, historySample: 20, slowChecks: 10, slowInvoices: 20, waiting: 1000, waitingFastPhase: 'production', sweepInvoices: 150, sweepRuns: 1, breakdownInvoices: 200, breakdownRuns: 2,
  burst: 1000, burstPending: '20s', lagInvoices: 10, killSeeds: '1,2,3', killInvoices: 3, pendingInvoices: 20, historyChecks: 300 };
const QUICK = {
  ...FULL,
  invoices: 100,
  runs: 1,
  historySample: 5,
  waiting: 20,
  sweepInvoices: 50,
  breakdownInvoices: 50,
  breakdownRuns: 1,
  burst: 100,
  lagInvoices: 4,
  killSeeds: '1',
  pendingInvoices: 5,
};

export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

/** The options, or undefined when `--help` was asked for. */
export function parseBenchOptions(argv: string[]): BenchOptions | undefined {
  let values;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      options: {
        invoices: { type: 'string' },
        concurrency: { type: 'string' },
        runs: { type: 'string' },
        'history-sample': { type: 'string' },
        'slow-checks': { type: 'string' },
        'slow-invoices': { type: 'string' },
        waiting: { type: 'string' },
        'waiting-fast-phase': { type: 'string' },
        'sweep-invoices': { type: 'string' },
        'sweep-runs': { type: 'string' },
        breakdown: { type: 'boolean', default: false },
        'breakdown-invoices': { type: 'string' },
        'breakdown-runs': { type: 'string' },
        burst: { type: 'string' },
        'burst-pending': { type: 'string' },
        'lag-invoices': { type: 'string' },
        'kill-seeds': { type: 'string' },
        'kill-invoices': { type: 'string' },
        'pending-invoices': { type: 'string' },
        'history-checks': { type: 'string' },
        goals: { type: 'boolean', default: false },
        skip: { type: 'string' },
        profile: { type: 'boolean', default: false },
        stack: { type: 'string', default: 'dev' },
        quick: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    throw new BenchUsageError((error as Error).message);
  }
  if (values.help) return undefined;
  const defaults = values.quick ? QUICK : FULL;
  const parsed = BenchOptionsSchema.safeParse({
    invoices: values.invoices ?? defaults.invoices,
    concurrency: values.concurrency ?? defaults.concurrency,
    runs: values.runs ?? defaults.runs,
    historySample: values['history-sample'] ?? defaults.historySample,
    slowChecks: values['slow-checks'] ?? defaults.slowChecks,
    slowInvoices: values['slow-invoices'] ?? defaults.slowInvoices,
    waiting: values.waiting ?? defaults.waiting,
    waitingFastPhase: values['waiting-fast-phase'] ?? defaults.waitingFastPhase,
    sweepInvoices: values['sweep-invoices'] ?? defaults.sweepInvoices,
    sweepRuns: values['sweep-runs'] ?? defaults.sweepRuns,
    breakdown: values.breakdown,
    breakdownInvoices: values['breakdown-invoices'] ?? defaults.breakdownInvoices,
    breakdownRuns: values['breakdown-runs'] ?? defaults.breakdownRuns,
    burst: values.burst ?? defaults.burst,
    burstPending: values['burst-pending'] ?? defaults.burstPending,
    lagInvoices: values['lag-invoices'] ?? defaults.lagInvoices,
    killSeeds: (values['kill-seeds'] ?? defaults.killSeeds).split(',').map((seed) => seed.trim()),
    killInvoices: values['kill-invoices'] ?? defaults.killInvoices,
    pendingInvoices: values['pending-invoices'] ?? defaults.pendingInvoices,
    historyChecks: values['history-checks'] ?? defaults.historyChecks,
    // The goal rows need every section but the settings sweep.
    skip: [...(values.skip ? values.skip.split(',').map((section) => section.trim()) : []), ...(values.goals ? ['sweep'] : [])],
    goals: values.goals,
    profile: values.profile,
    stack: values.stack,
  });
  if (!parsed.success) {
    // Field names back to the option names the user typed.
    const flag = (key: PropertyKey | undefined) => `--${String(key).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new BenchUsageError(parsed.error.issues.map((issue) => `${flag(issue.path[0])}: ${issue.message}`).join('\n'));
  }
  return parsed.data;
}
