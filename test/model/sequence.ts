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
import { ACCOUNT_LISTS, accountsDuring, listsActive } from './account-timeline.js';
import { noteFiredFaults } from './environment-commands.js';
import { violationsOf, type Violation } from './invariants.js';
import { newSequenceModel, type SequenceModel } from './model.js';
import { observe, type SequenceObservation } from './observe.js';
import { realSystem, within, type RealSystem } from './real-system.js';
import { finishReconciliation, RECONCILIATION_RESULT_MS } from './reconciliation-commands.js';
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
  for (const change of model.accounts.slice(1)) count(`accounts: ${change.name}`);
  for (const reconciliation of model.reconciliations) {
    count(`reconciliation ${reconciliation.outcome ?? 'not awaited'}`);
    for (const outcome of Object.values(reconciliation.deletions ?? {})) count(`reconciliation orphan draft: ${outcome}`);
  }
  // Issued although SePay no longer listed its account or pair when the issue request came (SePay's docs say nothing of it).
  for (const invoice of observation.keys.flatMap((key) => key.sepay.invoices)) {
    if (invoice.status !== 'issued' || invoice.provider_account_id === undefined) continue;
    const issueJob = observation.jobs.find((job) => job.kind === 'issue' && job.reference_code === invoice.reference_code);
    if (!issueJob) continue;
    const lists = accountsDuring(model.accounts, issueJob.accepted_at, issueJob.accepted_at);
    if (!lists.every((list) => listsActive(list, invoice.provider_account_id!, invoice.template_code, invoice.series))) count('issue request accepted on an account or pair SePay no longer listed');
  }
  return reached;
}

/** Terminates what the settle bound left open: the next sequence must start on a quiet worker. */
async function closeLeftovers(model: SequenceModel, real: RealSystem): Promise<void> {
  await real.env.sim.clearFaults();
  for (const { workflowId, outcome } of model.reconciliations) {
    if (outcome === 'completed' || outcome === 'failed') continue;
    await real.env.client.workflow
      .getHandle(workflowId)
      .terminate('model test: sequence over')
      .catch(() => undefined);
  }
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
  const { accounts, reconciliations } = model;
  await writeFile(file, JSON.stringify({ commands, runs, invoices: (await real.env.sim.invoices()).invoices, jobs: (await real.env.sim.jobs()).jobs, accounts, reconciliations }, null, 1));
  console.log(`model-based test: the failing sequence's runs are in ${file}`);
}

export interface SequenceSettings {
  keyCount: number;
  settleMs: number;
  dumpDir?: string;
  /** The model worker's extra environment, for restarts (config.ts). */
  workerEnv?: Record<string, string>;
}

export async function runSequence(env: InvoiceTestEnv, commands: Iterable<ModelCommand>, { keyCount, settleMs, dumpDir, workerEnv }: SequenceSettings): Promise<SequenceOutcome> {
  await env.sim.reset();
  // The reset seeds SePay's accounts: the model's account timeline starts from them.
  const model = newSequenceModel(
    Array.from({ length: keyCount }, (_, i) => uniqueKey(`model-k${i}`)),
    ACCOUNT_LISTS.seed(),
  );
  const real = realSystem(env, workerEnv);
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
    // Reconciliations started alongside the runs finish under the sequence's faults and accounts.
    for (const reconciliation of model.reconciliations) await finishReconciliation(reconciliation, real, RECONCILIATION_RESULT_MS);
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
