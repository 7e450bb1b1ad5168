/**
 * What happens around the invoices: the worker restarts, SePay fails in the ways the simulator can
 * fail (lost responses, outages, failed or endless jobs), SePay gets slow or shows the behaviours
 * its docs allow but do not promise, and time passes so operations land mid-step.
 */
import type fc from 'fast-check';
import type { FaultRuleInput } from '../../simulator/control-client.js';
import type { SequenceModel } from './model.js';
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
    await real.env.restartWorker({});
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

export class SepayFaultCommand extends AlwaysPossible {
  constructor(readonly fault: SepayFaultName) {
    super();
  }

  async run(_model: SequenceModel, real: RealSystem): Promise<void> {
    await real.env.sim.addFault(SEPAY_FAULTS[this.fault]);
  }

  toString(): string {
    return `fault(${this.fault})`;
  }
}

export class ClearFaultsCommand extends AlwaysPossible {
  async run(_model: SequenceModel, real: RealSystem): Promise<void> {
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
