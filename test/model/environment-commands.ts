/**
 * What happens around the invoices: the worker restarts, SePay fails in the ways the simulator can
 * fail (lost responses, outages, failed or endless jobs, quota refusals), the merchant's quota runs
 * out and is topped up, SePay gets slow or shows the behaviours its docs allow but do not promise,
 * and time passes so operations land mid-step.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type fc from 'fast-check';
import type { FaultRuleInput } from '../../simulator/control-client.js';
import { quotaToppedUpSignal } from '../../contract/messages.js';
import type { SequenceModel } from './model.js';
import { CREATE_HELD_WHILE_KILLED } from './held-request.js';
import type { RealSystem } from './real-system.js';

type ModelCommand = fc.AsyncCommand<SequenceModel, RealSystem>;

abstract class AlwaysPossible implements ModelCommand {
  check(): boolean {
    return true;
  }

  abstract run(model: SequenceModel, real: RealSystem): Promise<void>;
  abstract toString(): string;
}

export class RestartWorkerCommand extends AlwaysPossible {
  async run(_model: SequenceModel, real: RealSystem): Promise<void> {
    await real.env.restartWorker(real.workerEnv);
  }

  toString(): string {
    return 'restartWorker()';
  }
}

/** The SePay failures a sequence draws from, named for the report. */
export const SEPAY_FAULTS = {
  'create response lost': { endpoint: 'create', kind: 'drop-after-commit', times: 1 },
  'issue response lost': { endpoint: 'issue', kind: 'drop-after-commit', times: 1 },
  'detail response lost': { endpoint: 'detail', kind: 'drop-after-commit', times: 1 },
  'SePay answers 503 three times': { endpoint: '*', kind: 'error', status: 503, times: 3 },
  'issue answers 429': { endpoint: 'issue', kind: 'rate-limit', retryAfterSeconds: 1, times: 1 },
  'delete answers 503 twice': { endpoint: 'delete', kind: 'error', status: 503, times: 2 },
  'create job fails': { endpoint: 'create', kind: 'job-fail', times: 1 },
  'issue job fails': { endpoint: 'issue', kind: 'job-fail', times: 1 },
  'create job pending until faults clear': { endpoint: 'create', kind: 'job-pending-forever', times: 1 },
  'issue job pending until faults clear': { endpoint: 'issue', kind: 'job-pending-forever', times: 1 },
} as const satisfies Record<string, FaultRuleInput>;
export type SepayFaultName = keyof typeof SEPAY_FAULTS;

/** The quota set to 0 by the sequence. */
const QUOTA_EMPTIED = 'quota emptied';

/**
 * A create whose answer is lost and whose job then fails leaves its code taken with nothing
 * visible and no tracking code to ask about: SePay offers no way to tell that from a create still
 * processing, so the run waits out its creation window (hours; docs/reference-codes.md, "Limits").
 * A sequence draws one of the two, so a settle bound of seconds still means something.
 */
const CREATE_FAULTS_APART = [
  // A worker SIGKILLed while SePay holds its create loses the answer too (test/model/worker-kill.ts).
  ['create response lost', CREATE_HELD_WHILE_KILLED],
  // With no quota SePay fails every direct create's job it processes (the soak on f23d318, seed
  // 1248947848: a held-and-killed direct create, then setQuota(0)).
  ['create job fails', 'create job fails for quota', QUOTA_EMPTIED],
] as const;

export function conflictsWithDrawnFaults(model: Readonly<SequenceModel>, fault: string): boolean {
  const group = CREATE_FAULTS_APART.findIndex((names) => (names as readonly string[]).includes(fault));
  if (group < 0) return false;
  const other = CREATE_FAULTS_APART[1 - group] as readonly string[];
  return model.faults.some(({ name }) => other.includes(name));
}

export class SepayFaultCommand implements ModelCommand {
  constructor(readonly fault: SepayFaultName) {}

  check(model: Readonly<SequenceModel>): boolean {
    return !conflictsWithDrawnFaults(model, this.fault);
  }

  async run(model: SequenceModel, real: RealSystem): Promise<void> {
    const { id } = await real.env.sim.addFault(SEPAY_FAULTS[this.fault]);
    model.faults.push({ id, name: this.fault });
  }

  toString(): string {
    return `fault(${this.fault})`;
  }
}

/** SePay's own message when a job fails because the quota ran out (its typo included). */
export const QUOTA_JOB_MESSAGE = 'QUOTA_HAS_BEEN_USERD_UP: hạn ngạch hóa đơn đã hết';

/** Quota refusals, each `times` in a row: on the issue request (past the point of no return) or a job. */
export const QUOTA_FAULTS = {
  'issue answers 403 QUOTA_EXCEEDED': (times: number) => ({ endpoint: 'issue', kind: 'error', status: 403, code: 'QUOTA_EXCEEDED', times }),
  'issue answers 403 BILLING_IS_UNPAID': (times: number) => ({ endpoint: 'issue', kind: 'error', status: 403, code: 'BILLING_IS_UNPAID', times }),
  'issue job fails for quota': (times: number) => ({ endpoint: 'issue', kind: 'job-fail', message: QUOTA_JOB_MESSAGE, times }),
  'create job fails for quota': (times: number) => ({ endpoint: 'create', kind: 'job-fail', message: QUOTA_JOB_MESSAGE, times }),
} as const satisfies Record<string, (times: number) => FaultRuleInput>;
export type QuotaFaultName = keyof typeof QUOTA_FAULTS;

export class QuotaFaultCommand implements ModelCommand {
  constructor(
    readonly fault: QuotaFaultName,
    readonly times: number,
  ) {}

  check(model: Readonly<SequenceModel>): boolean {
    return !conflictsWithDrawnFaults(model, this.fault);
  }

  async run(model: SequenceModel, real: RealSystem): Promise<void> {
    const { id } = await real.env.sim.addFault(QUOTA_FAULTS[this.fault](this.times));
    model.faults.push({ id, name: this.fault });
  }

  toString(): string {
    return `fault(${this.fault} ×${this.times})`;
  }
}

/** The merchant's quota is used up: jobs of direct creates and of issue requests fail for quota. */
export class SetQuotaCommand implements ModelCommand {
  constructor(readonly quota: number) {}

  check(model: Readonly<SequenceModel>): boolean {
    return this.quota > 0 || !conflictsWithDrawnFaults(model, QUOTA_EMPTIED);
  }

  async run(model: SequenceModel, real: RealSystem): Promise<void> {
    await real.env.sim.setQuota(this.quota);
    // Not a fault rule of the simulator's (no id): recorded so a sequence draws the faults apart.
    if (this.quota <= 0) model.faults.push({ id: -1, name: QUOTA_EMPTIED, fired: true });
  }

  toString(): string {
    return `setQuota(${this.quota})`;
  }
}

/** Tells every key's open run that the quota was topped up, as the merchant's app does after paying. */
export async function signalQuotaToppedUp(model: SequenceModel, real: RealSystem): Promise<void> {
  for (const { key } of model.keys) {
    await real.invoices
      .handle(key)
      .signal(quotaToppedUpSignal)
      .catch((error: unknown) => {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      });
  }
}

/** A plan upgrade: `amount` more issuances, then the `quotaToppedUp` signal to the open runs. */
export class TopUpCommand extends AlwaysPossible {
  constructor(readonly amount: number) {
    super();
  }

  async run(model: SequenceModel, real: RealSystem): Promise<void> {
    await real.env.sim.topUpQuota(this.amount);
    await signalQuotaToppedUp(model, real);
  }

  toString(): string {
    return `topUp(${this.amount})`;
  }
}

/**
 * Notes, before the faults are cleared, which ones a run met: the simulator drops a rule once its
 * `times` are spent, so a rule gone from its list has fired and one still there says how often.
 */
export async function noteFiredFaults(model: SequenceModel, real: RealSystem): Promise<void> {
  const present = new Map((await real.env.sim.faults()).map((rule) => [rule.id, rule]));
  for (const fault of model.faults) fault.fired ??= (present.get(fault.id)?.fired ?? 1) > 0;
}

export class ClearFaultsCommand extends AlwaysPossible {
  async run(model: SequenceModel, real: RealSystem): Promise<void> {
    await noteFiredFaults(model, real);
    await real.env.sim.clearFaults();
  }

  toString(): string {
    return 'clearFaults()';
  }
}

/** How many checks a new SePay job answers Pending before it settles (the simulator's default is 1). */
export class JobSpeedCommand extends AlwaysPossible {
  constructor(readonly checksUntilDone: number) {
    super();
  }

  async run(_model: SequenceModel, real: RealSystem): Promise<void> {
    await real.env.sim.setJobChecks(this.checksUntilDone);
  }

  toString(): string {
    return `jobChecks(${this.checksUntilDone})`;
  }
}

export type SimulatorModesPatch = Parameters<RealSystem['env']['sim']['setModes']>[0];

/** Behaviours SePay's docs allow but do not promise (simulator/modes.ts). */
export class SimulatorModesCommand extends AlwaysPossible {
  constructor(readonly modes: SimulatorModesPatch) {
    super();
  }

  async run(_model: SequenceModel, real: RealSystem): Promise<void> {
    await real.env.sim.setModes(this.modes);
  }

  toString(): string {
    return `modes(${JSON.stringify(this.modes)})`;
  }
}

export class WaitCommand extends AlwaysPossible {
  constructor(readonly ms: number) {
    super();
  }

  async run(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.ms));
  }

  toString(): string {
    return `wait(${this.ms}ms)`;
  }
}
