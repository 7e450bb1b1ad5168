/**
 * The random sequences: which operations, on which of the sequence's keys, how often. Issues (by
 * InvoiceClient and plain starts) and waits come up more often than the rest so that runs exist for
 * the other operations to hit and get time to move between them.
 */
import fc from 'fast-check';
import { fastPolling } from '../support/invoice-test-env.js';
import { ACCOUNT_CHANGES, AccountChangeCommand } from './account-commands.js';
import { CONTENT_NAMES } from './contents.js';
import {
  ClearFaultsCommand,
  JobSpeedCommand,
  QUOTA_FAULTS,
  QuotaFaultCommand,
  RestartWorkerCommand,
  SEPAY_FAULTS,
  SepayFaultCommand,
  SetQuotaCommand,
  SimulatorModesCommand,
  TopUpCommand,
  WaitCommand,
  type QuotaFaultName,
  type SepayFaultName,
} from './environment-commands.js';
import type { RunOptions, SequenceModel } from './model.js';
import type { RealSystem } from './real-system.js';
import { HELD_ENDPOINTS, KillWorkerMidRequestCommand, type SecondWorker } from './worker-kill.js';
import {
  ApproveCommand,
  CancelByUpdateCommand,
  CancelBySignalCommand,
  IssueCommand,
  PlainIssueCommand,
  TerminateCommand,
  WAITABLE_STAGES,
  WaitForStageCommand,
  WorkflowCancelCommand,
} from './run-commands.js';
import { ReconcileAndRerunCommand, ReconcileCommand } from './reconciliation-commands.js';
import { FORGED_FAILURES, ForgeFailureCommand, MALFORMED_MESSAGES, MalformedMessageCommand, type ForgedFailureType, type MalformedMessageName } from './temporal-access-commands.js';

export interface SequenceShape {
  keyCount: number;
  maxOps: number;
  /** False against a simulator without switchable modes (an older checkout). */
  simulatorModes: boolean;
  /** Replays a printed counterexample's commands exactly (fast-check's replayPath). */
  replayPath?: string;
  /** A worker process beside the in-process one, to SIGKILL while SePay holds a request. */
  secondWorker?: SecondWorker;
}

/**
 * Fast polling and a short fast phase always; sometimes an approval deadline or step deadlines
 * short enough to run out, so the DeadlineExceeded paths are reached in seconds.
 */
const runOptions: fc.Arbitrary<RunOptions> = fc
  .record({
    mode: fc.constantFrom('draft-then-issue' as const, 'direct' as const),
    approval: fc.constantFrom('auto' as const, 'manual' as const),
    shortApproval: fc.boolean(),
    shortSteps: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  })
  .map(({ mode, approval, shortApproval, shortSteps }) => ({
    mode,
    approval,
    ...fastPolling,
    pollFastPhase: '1s',
    ...(approval === 'manual' && shortApproval && { approvalTimeout: '3s' }),
    ...(shortSteps && { creationTimeout: '4s', issuanceTimeout: '4s' }),
  }));

type ModelCommandArbitrary = fc.Arbitrary<fc.AsyncCommand<SequenceModel, RealSystem>>;

export function commandSequences({ keyCount, maxOps, simulatorModes, replayPath, secondWorker }: SequenceShape) {
  const keyIndex = fc.nat({ max: keyCount - 1 });
  const issue = fc.tuple(keyIndex, fc.constantFrom(...CONTENT_NAMES), runOptions).map(([k, content, options]) => new IssueCommand(k, content, options));
  const plainIssue = fc.tuple(keyIndex, fc.constantFrom(...CONTENT_NAMES), runOptions).map(([k, content, options]) => new PlainIssueCommand(k, content, options));
  const wait = fc.integer({ min: 100, max: 800 }).map((ms) => new WaitCommand(ms));
  const malformed = fc.tuple(keyIndex, fc.constantFrom(...(Object.keys(MALFORMED_MESSAGES) as MalformedMessageName[]))).map(([k, message]) => new MalformedMessageCommand(k, message));
  const forge = fc.tuple(keyIndex, fc.constantFrom(...(Object.keys(FORGED_FAILURES) as ForgedFailureType[]))).map(([k, type]) => new ForgeFailureCommand(k, type));
  const quotaFault = fc
    .constantFrom(...(Object.keys(QUOTA_FAULTS) as QuotaFaultName[]))
    .chain((fault) => fc.integer({ min: 1, max: fault.startsWith('issue answers 403') ? 3 : 2 }).map((times) => new QuotaFaultCommand(fault, times)));
  const weighted: [ModelCommandArbitrary, number][] = [
    [issue, 4],
    // Any language, the CLI or the Web UI starts a run this way: no hints, Temporal's default id policies.
    [plainIssue, 3],
    [wait, 2],
    [fc.tuple(keyIndex, fc.constantFrom(...WAITABLE_STAGES)).map(([k, stage]) => new WaitForStageCommand(k, stage)), 3],
    [keyIndex.map((k) => new ApproveCommand(k)), 2],
    [keyIndex.map((k) => new TerminateCommand(k)), 3],
    [keyIndex.map((k) => new CancelBySignalCommand(k)), 1],
    [keyIndex.map((k) => new CancelByUpdateCommand(k)), 1],
    [keyIndex.map((k) => new WorkflowCancelCommand(k)), 1],
    [fc.constant(new RestartWorkerCommand()), 1],
    [fc.constantFrom(...(Object.keys(SEPAY_FAULTS) as SepayFaultName[])).map((fault) => new SepayFaultCommand(fault)), 2],
    [fc.constant(new ClearFaultsCommand()), 1],
    // The quota runs out and comes back; SePay refuses the issue request or fails a job for quota.
    [fc.constant(new SetQuotaCommand(0)), 1],
    [fc.integer({ min: 1, max: 3 }).map((amount) => new TopUpCommand(amount)), 1],
    [quotaFault, 2],
    // Anyone with Temporal access: malformed messages and failures forged on a pending activity.
    [malformed, 2],
    [forge, 3],
    // Slow jobs keep a run mid-step long enough for a termination or a cancel to land there.
    [fc.constantFrom(0, 1, 3, 10, 10, 30).map((checks) => new JobSpeedCommand(checks)), 3],
    // An operator deletes orphan drafts while runs of the keys are open, starting or just ended.
    [fc.boolean().map((waitForIt) => new ReconcileCommand(waitForIt)), 1],
    // ...and the race of issue #18: a stopped key's draft is an orphan while the key is run again.
    [
      fc
        .tuple(keyIndex, fc.integer({ min: 0, max: 400 }), fc.constantFrom(...CONTENT_NAMES), runOptions)
        .map(([k, delayMs, content, options]) => new ReconcileAndRerunCommand(k, delayMs, content, options)),
      2,
    ],
    // SePay's accounts change under the worker's kept answers, and come back.
    [fc.constantFrom(...ACCOUNT_CHANGES).map((change) => new AccountChangeCommand(change)), 2],
    [fc.constant(new AccountChangeCommand('restore')), 2],
  ];
  if (secondWorker) {
    const kill = fc.tuple(fc.constantFrom(...HELD_ENDPOINTS), fc.integer({ min: 500, max: 4_000 }));
    weighted.push([kill.map(([endpoint, waitMs]) => new KillWorkerMidRequestCommand(secondWorker, endpoint, waitMs)), 2]);
  }
  if (simulatorModes) {
    const modes = fc.record(
      { draftVisibleWhileSigning: fc.boolean(), trackingNotFoundChecks: fc.constantFrom(0, 2), singleActiveToken: fc.boolean() },
      { requiredKeys: [] },
    );
    weighted.push([modes.map((patch) => new SimulatorModesCommand(patch)), 1]);
  }
  // fc.commands draws each command uniformly among the arbitraries given: repeat one to weight it.
  const arbitraries = weighted.flatMap(([arbitrary, weight]) => Array.from({ length: weight }, () => arbitrary));
  // Lengths spread evenly up to maxOps: fast-check's bias would favour sequences of two or three.
  return fc.noBias(fc.commands(arbitraries, { maxCommands: maxOps, size: 'max', replayPath }));
}
