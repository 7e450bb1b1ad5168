/**
 * One model-based sequence from start to verdict: fresh keys, the commands against the real
 * system, the settle phase, then the invariants. Whatever happens, the sequence leaves no run open
 * and no fault set for the next one.
 */
import fc from 'fast-check';
import { uniqueKey, type InvoiceTestEnv } from '../support/invoice-test-env.js';
import { violationsOf, type Violation } from './invariants.js';
import { newSequenceModel, type SequenceModel } from './model.js';
import { observe } from './observe.js';
import { realSystem, type RealSystem } from './real-system.js';
import { settle } from './settle.js';

type ModelCommand = fc.AsyncCommand<SequenceModel, RealSystem>;

export interface SequenceOutcome {
  opsRun: number;
  violations: Violation[];
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

export async function runSequence(env: InvoiceTestEnv, commands: Iterable<ModelCommand>, keyCount: number, settleMs: number): Promise<SequenceOutcome> {
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
    const stillOpen = await settle(model, real, settleMs);
    return { opsRun, violations: violationsOf(await observe(model, real, stillOpen)) };
  } finally {
    await closeLeftovers(model, real);
  }
}
