/**
 * What anyone with access to the Temporal namespace can send a run, and the workflow must survive
 * without our client's help: messages whose argument does not parse (the Web UI, the CLI, an app
 * in another language), and a failure forged with `client.activity.fail` on the activity the run
 * is waiting for. Each records in the model what the run answered, for I8 and the key invariants.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { getInvoiceStatusQuery, type InvoiceStatus } from '../../contract/messages.js';
import { workflowIdFor } from '../../contract/reference-code.js';
import { runOf, type KeyModel, type MalformedMessage, type RunRecord, type SequenceModel } from './model.js';
import { within, type RealSystem } from './real-system.js';
import { KeyCommand } from './run-commands.js';

const UPDATE_ANSWER_MS = 15_000;
const QUERY_MS = 5_000;
/** How long a refused signal may take to show in the run's status (one workflow task). */
const REFUSAL_SHOWS_MS = 5_000;
const POLL_MS = 50;

/** The key's latest run, pinned by run id, when it is open and this sequence started it. */
async function openRun(real: RealSystem, key: KeyModel): Promise<{ handle: WorkflowHandle; run: RunRecord } | undefined> {
  const description = await real.env.client.workflow
    .getHandle(workflowIdFor(key.key))
    .describe()
    .catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    });
  if (description?.status.name !== 'RUNNING') return undefined;
  const run = runOf(key, description.runId);
  return run && { handle: real.env.client.workflow.getHandle(workflowIdFor(key.key), description.runId), run };
}

function statusOf(handle: WorkflowHandle): Promise<InvoiceStatus | undefined> {
  return within(QUERY_MS, 'status query', handle.query(getInvoiceStatusQuery)).catch(() => undefined);
}

export const MALFORMED_MESSAGES = {
  'cancelInvoice without argument': { name: 'cancelInvoice', kind: 'signal', args: [] },
  'approveIssuance with a string': { name: 'approveIssuance', kind: 'signal', args: ['yes please'] },
  'requestCancellation without argument': { name: 'requestCancellation', kind: 'update', args: [] },
} as const satisfies Record<string, { name: string; kind: 'signal' | 'update'; args: unknown[] }>;
export type MalformedMessageName = keyof typeof MALFORMED_MESSAGES;

/**
 * Sends a malformed message to the key's open run. An update must be refused by its validator; a
 * signal must show up as `refusedMessage` in the run's status. Neither may cancel or approve: a
 * cancellation or approval that appears while the model sent no proper one is recorded as changed.
 */
export class MalformedMessageCommand extends KeyCommand {
  constructor(
    keyIndex: number,
    readonly message: MalformedMessageName,
  ) {
    super(keyIndex);
  }

  async run(model: SequenceModel, real: RealSystem): Promise<void> {
    const target = await openRun(real, this.keyOf(model));
    if (!target) return;
    const { handle, run } = target;
    const before = await statusOf(handle);
    const sent = MALFORMED_MESSAGES[this.message];
    const entry: MalformedMessage = { what: this.message, ...(await this.send(handle, sent)) };
    const after = await statusOf(handle);
    const changed = [
      !before?.cancellation && after?.cancellation && run.cancels.length === 0 && `cancellation ${JSON.stringify(after.cancellation)}`,
      before?.approval === 'waiting' && after?.approval === 'approved' && run.approvalsSent === 0 && `approval ${after.approvedBy ?? '(no name)'}`,
    ].filter((change): change is string => typeof change === 'string');
    if (changed.length > 0) entry.changed = changed.join('; ');
    run.malformed.push(entry);
  }

  private async send(handle: WorkflowHandle, sent: (typeof MALFORMED_MESSAGES)[MalformedMessageName]): Promise<Pick<MalformedMessage, 'outcome' | 'detail'>> {
    if (sent.kind === 'update') {
      try {
        const answer = await within(UPDATE_ANSWER_MS, sent.name, handle.executeUpdate(sent.name, { args: [...sent.args] }));
        return { outcome: 'accepted', detail: JSON.stringify(answer) };
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) return { outcome: 'refused', detail: error.cause?.message };
        if (error instanceof WorkflowNotFoundError) return { outcome: 'closed' };
        return { outcome: 'no answer', detail: (error as Error).message };
      }
    }
    try {
      await handle.signal(sent.name, ...sent.args);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return { outcome: 'closed' };
      throw error;
    }
    const deadline = Date.now() + REFUSAL_SHOWS_MS;
    let status: InvoiceStatus | undefined;
    while (Date.now() < deadline) {
      status = await statusOf(handle);
      if (status?.refusedMessage?.name === sent.name) return { outcome: 'refused', detail: status.refusedMessage.problem };
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return status ? { outcome: 'not recorded', detail: `stage ${status.stage}, refusedMessage ${JSON.stringify(status.refusedMessage)}` } : { outcome: 'no answer' };
  }

  toString(): string {
    return `malformed(k${this.keyIndex}, ${this.message})`;
  }
}

/** Typed failures someone could forge, with the details that would mislead a run trusting them. */
export const FORGED_FAILURES = {
  SepayQuotaExceeded: [],
  SepayJobFailed: [{ job: 'create' }],
  SepayReferenceConflict: [{ spent: true }],
} as const satisfies Record<string, unknown[]>;
export type ForgedFailureType = keyof typeof FORGED_FAILURES;

/** How long the forger watches an open run for an activity to fail (a run waiting for approval has none). */
const PENDING_WAIT_MS = 3_000;

/** The run's pending activity (the latest scheduled), watched for a while; undefined when none came or the run closed. */
async function pendingActivity(handle: WorkflowHandle) {
  const deadline = Date.now() + PENDING_WAIT_MS;
  while (Date.now() < deadline) {
    const description = await handle.describe().catch(() => undefined);
    if (description?.status.name !== 'RUNNING') return undefined;
    const activity = description.raw.pendingActivities?.at(-1);
    if (activity?.activityId) return activity;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return undefined;
}

/**
 * Fails the activity the key's open run is waiting for, by id, with a non-retryable typed failure.
 * Whatever the run does with it is its business; the key invariants must still hold afterwards.
 */
export class ForgeFailureCommand extends KeyCommand {
  constructor(
    keyIndex: number,
    readonly failureType: ForgedFailureType,
  ) {
    super(keyIndex);
  }

  async run(model: SequenceModel, real: RealSystem): Promise<void> {
    const target = await openRun(real, this.keyOf(model));
    if (!target) return;
    const { handle, run } = target;
    const activity = await pendingActivity(handle);
    if (!activity?.activityId) {
      run.forged.push({ activityType: '-', failureType: this.failureType, outcome: 'no activity pending' });
      return;
    }
    const activityType = activity.activityType?.name ?? '?';
    const failure = ApplicationFailure.create({
      type: this.failureType,
      message: `forged by the model test on ${activityType}`,
      nonRetryable: true,
      details: [...FORGED_FAILURES[this.failureType]],
    });
    const outcome = await real.env.client.activity
      .fail({ workflowId: handle.workflowId, runId: run.runId, activityId: activity.activityId }, failure)
      .then(
        () => 'sent',
        (error: unknown) => `not taken: ${(error as Error).message}`,
      );
    run.forged.push({ activityType, failureType: this.failureType, outcome });
  }

  toString(): string {
    return `forgeFailure(k${this.keyIndex}, ${this.failureType})`;
  }
}
