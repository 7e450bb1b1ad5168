/**
 * One model-based sequence from start to verdict: fresh keys, the commands against the real
 * system, the settle phase, then the invariants. Whatever happens, the sequence leaves no run open
 * and no fault set for the next one.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { getInvoiceStatusQuery } from '../../contract/messages.js';
import { uniqueKey, type InvoiceTestEnv } from '../support/invoice-test-env.js';
import { noteFiredFaults } from './environment-commands.js';
import { violationsOf, type Violation } from './invariants.js';
import { newSequenceModel, type SequenceModel } from './model.js';
import { observe, type SequenceObservation } from './observe.js';
import { realSystem, within, type RealSystem } from './real-system.js';
import { settle } from './settle.js';

type ModelCommand = fc.AsyncCommand<SequenceModel, RealSystem>;

export interface SequenceOutcome {
  opsRun: number;
  violations: Violation[];
  /** Which paths the sequence reached (for the run's summary): how runs ended, what the new commands met. */
  reached: Record<string, number>;
}

/** Counts what a settled sequence went through, so a summary shows whether the paths were reached at all. */
function pathsReached(model: SequenceModel, observation: SequenceObservation): Record<string, number> {
  const reached: Record<string, number> = {};
  const count = (what: string) => void (reached[what] = (reached[what] ?? 0) + 1);
  for (const fault of model.faults) count(`fault ${fault.fired ? 'met' : 'never met'}: ${fault.name}`);
  for (const key of model.keys) {
    for (let i = 0; i < key.refusedPlainStarts; i++) count('plain start refused (run open)');
    for (const run of key.runs) {
      if (run.startedBy === 'plain') count('plain start');
      for (const forged of run.forged) count(`forged ${forged.failureType}: ${forged.outcome.startsWith('not taken') ? 'not taken' : forged.outcome}`);
      for (const sent of run.malformed) count(`malformed message ${sent.outcome}`);
    }
  }
  for (const run of observation.keys.flatMap((key) => key.runs)) {
    if (run.history.attempts.awaitQuota) count('run waited for quota');
    count(`run ${run.result ? `completed ${run.result.outcome}` : `${run.status.toLowerCase()}${run.failure?.type ? ` ${run.failure.type}` : ''}`}`);
  }
  return reached;
}

/** Terminates what the settle bound left open: the next sequence must start on a quiet worker. */
async function closeLeftovers(model: SequenceModel, real: RealSystem): Promise<void> {
  await real.env.sim.clearFaults();
  for (const { key } of model.keys) {
    await real.invoices
      .handle(key)
      .terminate('model test: sequence over')
      .catch(() => undefined);
  }
}

/** Writes what a failing sequence left (every run's status and history, SePay's invoices) as JSON under `dir`. */
async function dump(dir: string, model: SequenceModel, real: RealSystem, commands: string): Promise<void> {
  const runs = [];
  for (const key of model.keys) {
    for (const run of key.runs) {
      const handle = real.invoices.handle(key.key, run.runId);
      const status = await within(5_000, 'status query', handle.query(getInvoiceStatusQuery)).catch((error: unknown) => String(error));
      runs.push({ key: key.key, record: run, status, history: await handle.fetchHistory() });
    }
  }
  await mkdir(dir, { recursive: true });
  const file = join(dir, `sequence-${Date.now()}.json`);
  await writeFile(file, JSON.stringify({ commands, runs, invoices: (await real.env.sim.invoices()).invoices }, null, 1));
  console.log(`model-based test: the failing sequence's runs are in ${file}`);
}

export async function runSequence(env: InvoiceTestEnv, commands: Iterable<ModelCommand>, keyCount: number, settleMs: number, dumpDir?: string): Promise<SequenceOutcome> {
  await env.sim.reset();
  const model = newSequenceModel(Array.from({ length: keyCount }, (_, i) => uniqueKey(`model-k${i}`)));
  const real = realSystem(env);
  let opsRun = 0;
  // Counts through fast-check's own command wrappers, which must still see each run for shrinking.
  const counted = Array.from(commands, (command): ModelCommand => ({
    check: (m) => command.check(m),
    run: async (m, r) => {
      opsRun++;
      await command.run(m, r);
    },
    toString: () => command.toString(),
  }));
  try {
    await fc.asyncModelRun(() => ({ model, real }), counted);
    // Before the settle phase clears them: which faults the sequence's runs actually met.
    await noteFiredFaults(model, real);
    const stillOpen = await settle(model, real, settleMs);
    const observation = await observe(model, real, stillOpen);
    const violations = violationsOf(observation);
    if (dumpDir && violations.length > 0) await dump(dumpDir, model, real, String(commands));
    return { opsRun, violations, reached: pathsReached(model, observation) };
  } finally {
    await closeLeftovers(model, real);
  }
}
