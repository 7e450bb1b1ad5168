/**
 * Model-based test of the key-level guarantees (README "The guarantees", "Re-running a key";
 * issues #11 and #18): random sequences of starts (InvoiceClient and plain starts), re-runs,
 * terminations, cancellations, approvals, malformed messages, forged activity failures, worker
 * restarts, SePay faults and quota refusals, deleting reconciliations and account changes on a few
 * keys, a second worker process SIGKILLed mid-request, against the real dev server, workers and simulator; after each, invariants I1-I13
 * (test/model/invariants.ts). `MODEL_SEED` (+ `MODEL_PATH`)
 * replays; see test/model/config.ts for the other knobs.
 */
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { useInvoiceTestEnv } from '../support/invoice-test-env.js';
import { commandSequences } from './command-arbitrary.js';
import { modelConfig, worstCaseMs } from './config.js';
import { RunBudget } from './run-budget.js';
import { runSequence } from './sequence.js';
import { SecondWorker, secondWorkerEnv } from './worker-kill.js';

const config = modelConfig();
const env = useInvoiceTestEnv({}, { workerEnv: config.workerEnv });
// Beside the in-process worker: a worker process the sequences SIGKILL mid-request.
const secondWorker = new SecondWorker(() => secondWorkerEnv(env.taskQueue, env.simulator.baseUrl, config.workerEnv));
afterAll(() => secondWorker.stop());

it('every key keeps its guarantees across random sequences of runs, messages, restarts and SePay faults', async () => {
  const simulatorModes = typeof env.sim.setModes === 'function';
  await secondWorker.start();
  const sequences = commandSequences({ keyCount: config.keyCount, maxOps: config.maxOps, simulatorModes, replayPath: config.replayPath, secondWorker });
  const budget = new RunBudget(config.budgetMs, config.shrinkBudgetMs);
  console.log(`model-based test: seed ${config.seed} (MODEL_SEED=${config.seed} replays), ${config.keyCount} keys, up to ${config.maxOps} operations`);
  try {
    await fc.assert(
      fc.asyncProperty(sequences, async (commands) => {
        if (budget.spent()) return;
        const outcome = await runSequence(env, commands, { keyCount: config.keyCount, settleMs: config.settleMs, dumpDir: config.dumpDir, workerEnv: config.workerEnv });
        const { opsRun } = outcome;
        // 'I1' names I1 alone, not I10-I13.
        const violations = outcome.violations.filter((violation) => !config.only || violation.invariant.split(' ')[0] === config.only);
        budget.record(opsRun, violations.length > 0, outcome.reached);
        if (config.verbose) console.log(`sequence ${budget.sequences}: ${String(commands)} -> ${violations.length} violations`);
        if (violations.length === 0) return;
        const list = violations.map((v) => `[${v.invariant}] ${v.key}: ${v.message}`).join('\n');
        console.log(`violations after ${String(commands)}:\n${list}`);
        expect(violations, list).toEqual([]);
      }),
      { seed: config.seed, path: config.path, numRuns: config.runs, endOnFailure: false },
    );
  } finally {
    console.log(`model-based test: ${budget.sequences} sequences, ${budget.ops} operations, ${budget.failures} failing`);
    const reached = Object.entries(budget.reached).sort(([a], [b]) => a.localeCompare(b));
    console.log(`paths reached:\n${reached.map(([what, times]) => `  ${what}: ${times}`).join('\n')}`);
  }
}, worstCaseMs(config));
