/**
 * What a business app or an operator does to a key: issue (start or re-run, through InvoiceClient
 * or a plain start as any language sends it), terminate, cancel three ways, approve. Each records
 * in the model what the system answered.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type fc from 'fast-check';
import { getInvoiceStatusQuery, type InvoiceStage } from '../../contract/messages.js';
import { workflowIdFor } from '../../contract/reference-code.js';
import { CONTENTS, type ContentName } from './contents.js';
import { latestRun, recordIssue, runOf, type CancelAttempt, type KeyModel, type RunOptions, type SequenceModel } from './model.js';
import { reachedOpenRun, within, type RealSystem } from './real-system.js';

type ModelCommand = fc.AsyncCommand<SequenceModel, RealSystem>;

/** An update the workflow never answers (a stuck workflow task) is recorded, not waited for. */
const UPDATE_ANSWER_MS = 15_000;

/** The options a sequence chose, without the polling every run gets. */
function optionsShown(options: RunOptions): string {
  const { pollInitialInterval: _initial, pollMaximumInterval: _maximum, pollFastPhase: _fast, ...chosen } = options;
  return JSON.stringify(chosen);
}

export abstract class KeyCommand implements ModelCommand {
  constructor(readonly keyIndex: number) {}

  /** Messages and terminations need a run to aim at. */
  check(model: Readonly<SequenceModel>): boolean {
    return (model.keys[this.keyIndex]?.runs.length ?? 0) > 0;
  }

  protected keyOf(model: SequenceModel): KeyModel {
    return model.keys[this.keyIndex]!;
  }

  abstract run(model: SequenceModel, real: RealSystem): Promise<void>;
  abstract toString(): string;
}

/** Starts work for a key with an invoice's content and options: possible whatever the key's runs. */
export abstract class KeyContentCommand extends KeyCommand {
  constructor(
    keyIndex: number,
    readonly content: ContentName,
    readonly options: RunOptions,
  ) {
    super(keyIndex);
  }

  override check(): boolean {
    return true;
  }
}

export class IssueCommand extends KeyContentCommand {
  async run(model: SequenceModel, real: RealSystem): Promise<void> {
    const key = this.keyOf(model);
    const run = await real.invoices.issue(key.key, CONTENTS[this.content], this.options);
    recordIssue(key, run, this.content, this.options);
  }

  toString(): string {
    return `issue(k${this.keyIndex}, ${this.content}, ${optionsShown(this.options)})`;
  }
}

/**
 * `client.workflow.start` with Temporal's default id policies and no hints, as an app in another
 * language, the CLI or the Web UI starts a run: the worker finds what earlier runs sent itself. A
 * start while a run is open is refused by Temporal (recorded, not an error); after a run closed,
 * any close, it starts a new run.
 */
export class PlainIssueCommand extends IssueCommand {
  override async run(model: SequenceModel, real: RealSystem): Promise<void> {
    const key = this.keyOf(model);
    try {
      const handle = await real.env.client.workflow.start('issueInvoiceWorkflow', {
        taskQueue: real.env.taskQueue,
        workflowId: workflowIdFor(key.key),
        args: [{ invoiceKey: key.key, invoice: CONTENTS[this.content], options: this.options }],
      });
      recordIssue(key, { runId: handle.firstExecutionRunId, existing: false }, this.content, this.options, false, 'plain');
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      key.refusedPlainStarts++;
    }
  }

  override toString(): string {
    return `plainStart(k${this.keyIndex}, ${this.content}, ${optionsShown(this.options)})`;
  }
}

export class TerminateCommand extends KeyCommand {
  async run(model: SequenceModel, real: RealSystem): Promise<void> {
    const key = this.keyOf(model);
    const handle = real.invoices.handle(key.key);
    // The attempts in flight now never reach the history (a Started event is written when an attempt ends).
    const before = await handle.describe().catch(() => undefined);
    if (!(await reachedOpenRun(() => handle.terminate('model test: an operator terminates the run')))) return;
    const run = (before && runOf(key, before.runId)) ?? latestRun(key)!;
    run.terminated = true;
    for (const pending of before?.raw.pendingActivities ?? []) {
      const type = pending.activityType?.name ?? '?';
      run.attemptsAtTermination[type] = (run.attemptsAtTermination[type] ?? 0) + (pending.attempt ?? 1);
    }
  }

  toString(): string {
    return `terminate(k${this.keyIndex})`;
  }
}

export class CancelBySignalCommand extends KeyCommand {
  async run(model: SequenceModel, real: RealSystem): Promise<void> {
    const key = this.keyOf(model);
    if (await reachedOpenRun(() => real.invoices.cancel(key.key, 'model test: cancel by signal'))) record(key, { via: 'signal' });
  }

  toString(): string {
    return `cancelBySignal(k${this.keyIndex})`;
  }
}

export class CancelByUpdateCommand extends KeyCommand {
  async run(model: SequenceModel, real: RealSystem): Promise<void> {
    const key = this.keyOf(model);
    const answer = await within(UPDATE_ANSWER_MS, 'requestCancellation', real.invoices.requestCancellation(key.key, 'model test: cancel by update')).catch(
      (error: unknown) => ({ accepted: undefined, reason: `no answer: ${(error as Error).message}` }),
    );
    record(key, { via: 'update', accepted: answer.accepted, answer: answer.accepted ? `accepted at ${answer.stage}` : answer.reason });
  }

  toString(): string {
    return `cancelByUpdate(k${this.keyIndex})`;
  }
}

export class WorkflowCancelCommand extends KeyCommand {
  async run(model: SequenceModel, real: RealSystem): Promise<void> {
    const key = this.keyOf(model);
    if (await reachedOpenRun(() => real.invoices.handle(key.key).cancel())) record(key, { via: 'workflow-cancel' });
  }

  toString(): string {
    return `workflowCancel(k${this.keyIndex})`;
  }
}

export class ApproveCommand extends KeyCommand {
  async run(model: SequenceModel, real: RealSystem): Promise<void> {
    const key = this.keyOf(model);
    if (await reachedOpenRun(() => real.invoices.approve(key.key, 'model test'))) latestRun(key)!.approvalsSent++;
  }

  toString(): string {
    return `approve(k${this.keyIndex})`;
  }
}

/** The stages worth acting in: a step in flight at SePay, or a run waiting for someone. */
export const WAITABLE_STAGES = ['awaiting-creation', 'awaiting-approval', 'issuing', 'awaiting-issuance'] as const satisfies readonly InvoiceStage[];
const STAGE_WAIT_MS = 8_000;
const STAGE_POLL_MS = 50;

/**
 * Watches the key's latest run until it reaches a stage (or closes, or a bound passes), as an
 * operator acts on what the Web UI shows: it puts the next operation right inside that step.
 */
export class WaitForStageCommand extends KeyCommand {
  constructor(
    keyIndex: number,
    readonly stage: (typeof WAITABLE_STAGES)[number],
  ) {
    super(keyIndex);
  }

  async run(model: SequenceModel, real: RealSystem): Promise<void> {
    const handle = real.invoices.handle(this.keyOf(model).key);
    const deadline = Date.now() + STAGE_WAIT_MS;
    while (Date.now() < deadline) {
      const [description, status] = await Promise.all([handle.describe(), within(STAGE_POLL_MS * 40, 'status query', handle.query(getInvoiceStatusQuery)).catch(() => undefined)]);
      if (description.status.name !== 'RUNNING' || status?.stage === this.stage) return;
      await new Promise((resolve) => setTimeout(resolve, STAGE_POLL_MS));
    }
  }

  toString(): string {
    return `waitForStage(k${this.keyIndex}, ${this.stage})`;
  }
}

/** Aimed at the latest run: while a run is open no other run of the key can start. */
function record(key: KeyModel, attempt: CancelAttempt): void {
  latestRun(key)!.cancels.push(attempt);
}
