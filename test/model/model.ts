/**
 * What the model-based test expects, kept as plain data while a sequence runs: which runs each key
 * had, what each asked for, and which cancellations the workflow accepted. The invariants read it
 * together with what Temporal and SePay hold at the end.
 */
import type { ContentName } from './contents.js';
import type { IssueInvoiceInput } from '../../workflows/input.js';

export type RunOptions = NonNullable<IssueInvoiceInput['options']>;

export interface CancelAttempt {
  via: 'signal' | 'update' | 'workflow-cancel';
  /** Only the update answers; a signal or workflow cancellation is read back from the run. */
  accepted?: boolean;
  answer?: string;
}

export interface RunRecord {
  runId: string;
  content: ContentName;
  options: RunOptions;
  /** Started by the settle phase to finish a key whose last run ended without a result. */
  settleRerun: boolean;
  cancels: CancelAttempt[];
  terminated: boolean;
}

export interface KeyModel {
  key: string;
  /** Oldest first; only runs this test started (InvoiceClient.issue answered `existing: false`). */
  runs: RunRecord[];
  lastContent?: ContentName;
  lastOptions?: RunOptions;
}

export interface SequenceModel {
  keys: KeyModel[];
}

export function newSequenceModel(keys: readonly string[]): SequenceModel {
  return { keys: keys.map((key) => ({ key, runs: [] })) };
}

export function latestRun(key: KeyModel): RunRecord | undefined {
  return key.runs.at(-1);
}

/** Records what `InvoiceClient.issue` answered: a new run, or the one the key already had. */
export function recordIssue(key: KeyModel, run: { runId: string; existing: boolean }, content: ContentName, options: RunOptions, settleRerun = false): void {
  key.lastContent = content;
  key.lastOptions = options;
  if (run.existing || key.runs.some((known) => known.runId === run.runId)) return;
  key.runs.push({ runId: run.runId, content, options, settleRerun, cancels: [], terminated: false });
}

/** Every reference code a key's runs may have used: `key`, `key~2`, `key~3`... (workflows/reference-code.ts). */
export function isCodeOfKey(referenceCode: string, key: string): boolean {
  return referenceCode === key || (referenceCode.startsWith(`${key}~`) && /^\d+$/.test(referenceCode.slice(key.length + 1)));
}
