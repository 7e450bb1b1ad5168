/**
 * An operator's reconciliation that deletes orphan drafts (`--delete-orphan-drafts --no-dry-run`),
 * run while the keys' runs are open, starting or just ended: the real `reconciliationWorkflow` on
 * the model's worker and task queue, with an age threshold small enough that the sequence's drafts
 * (dated today) qualify. It runs alongside the next operations, or the sequence waits for it.
 * What it deleted, when its deletions ran and its `asOf` go into the model for the invariants.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import type fc from 'fast-check';
import type { ReconciliationInput } from '../../workflows/reconciliation-input.js';
import type { ReconciliationResult } from '../../workflows/reconciliation-report.js';
import { fastPolling } from '../support/invoice-test-env.js';
import type { ContentName } from './contents.js';
import type { ReconciliationRecord, RunOptions, SequenceModel } from './model.js';
import { activityTimeline } from './observe.js';
import { within, type RealSystem } from './real-system.js';
import { IssueCommand, KeyContentCommand, TerminateCommand, WaitForStageCommand } from './run-commands.js';

type ModelCommand = fc.AsyncCommand<SequenceModel, RealSystem>;

/** 0.36 s: SePay's list dates drafts by day, so every draft of the sequence is old enough. */
export const RECONCILE_AGE_HOURS = 0.0001;
/** How long a reconciliation of a few invoices may take on a busy machine before it counts as unfinished. */
export const RECONCILIATION_RESULT_MS = 15_000;

/** Starts a deleting reconciliation on the model's task queue and records it. */
async function startReconciliation(model: SequenceModel, real: RealSystem): Promise<ReconciliationRecord> {
  const workflowId = `model-reconciliation-${randomUUID()}`;
  const input: ReconciliationInput = {
    deleteOrphanDrafts: true,
    dryRun: false,
    draftAgeThresholdHours: RECONCILE_AGE_HOURS,
    requestedAt: new Date().toISOString(),
  };
  const record: ReconciliationRecord = { workflowId, startedAt: Date.now() };
  await real.env.client.workflow.start('reconciliationWorkflow', { taskQueue: real.env.taskQueue, workflowId, args: [input] });
  model.reconciliations.push(record);
  return record;
}

export class ReconcileCommand implements ModelCommand {
  constructor(readonly waitForIt: boolean) {}

  check(): boolean {
    return true;
  }

  async run(model: SequenceModel, real: RealSystem): Promise<void> {
    const record = await startReconciliation(model, real);
    if (this.waitForIt) await finishReconciliation(record, real, RECONCILIATION_RESULT_MS);
  }

  toString(): string {
    return `reconcile(${this.waitForIt ? 'wait for it' : 'alongside'})`;
  }
}

/** The run that leaves the orphan: a draft waiting for an approval that never comes. */
const ORPHAN_MAKER: RunOptions = { mode: 'draft-then-issue', approval: 'manual', ...fastPolling, pollFastPhase: '1s' };

/**
 * The operator's race of issue #18: a key's run waiting for approval is terminated (its draft an
 * orphan; a run is started for it when the key has none open), a deleting reconciliation starts,
 * and `delayMs` later the key is run again with `content` and `options`, so the re-run starts
 * while the reconciliation reads, re-checks or deletes that draft.
 */
export class ReconcileAndRerunCommand extends KeyContentCommand {
  constructor(
    keyIndex: number,
    readonly delayMs: number,
    content: ContentName,
    options: RunOptions,
  ) {
    super(keyIndex, content, options);
  }

  async run(model: SequenceModel, real: RealSystem): Promise<void> {
    const key = this.keyOf(model);
    const open = await real.invoices
      .handle(key.key)
      .describe()
      .then((description) => description.status.name === 'RUNNING')
      .catch(() => false);
    if (!open) await new IssueCommand(this.keyIndex, this.content, ORPHAN_MAKER).run(model, real);
    await new WaitForStageCommand(this.keyIndex, 'awaiting-approval').run(model, real);
    await new TerminateCommand(this.keyIndex).run(model, real);
    const record = await startReconciliation(model, real);
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    await new IssueCommand(this.keyIndex, this.content, this.options).run(model, real);
    await finishReconciliation(record, real, RECONCILIATION_RESULT_MS);
  }

  toString(): string {
    const { pollInitialInterval: _initial, pollMaximumInterval: _maximum, pollFastPhase: _fast, ...chosen } = this.options;
    return `reconcileAndRerun(k${this.keyIndex}, after ${this.delayMs}ms, ${this.content}, ${JSON.stringify(chosen)})`;
  }
}

/**
 * Waits (bounded) for the reconciliation's result and records what it deleted; one still running
 * after the bound is terminated and recorded unfinished (what it deleted is then unknown).
 */
export async function finishReconciliation(record: ReconciliationRecord, real: RealSystem, boundMs: number): Promise<void> {
  if (record.outcome) return;
  const handle = real.env.client.workflow.getHandle(record.workflowId);
  try {
    const result = (await within(boundMs, 'reconciliation', handle.result())) as ReconciliationResult;
    record.outcome = 'completed';
    record.asOfMs = Date.parse(result.asOf);
    record.deletions = Object.fromEntries(result.findings.flatMap((finding) => (finding.deletion ? [[finding.referenceCode, finding.deletion]] : [])));
  } catch (error) {
    record.outcome = error instanceof WorkflowFailedError ? 'failed' : 'unfinished';
    record.error = error instanceof WorkflowFailedError ? `${error.cause?.name ?? ''}: ${error.cause?.message ?? error.message}` : (error as Error).message;
    if (record.outcome === 'unfinished') await handle.terminate('model test: reconciliation unfinished').catch(() => undefined);
  }
  const { events } = await handle.fetchHistory();
  record.deletionWindows = activityTimeline(events ?? [])
    .filter((activity) => activity.type === 'deleteOrphanDrafts')
    .map(({ scheduledMs, closedMs }) => ({ scheduledMs, ...(closedMs !== undefined && { closedMs }) }));
}
