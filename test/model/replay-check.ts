/**
 * Every run of a sequence replayed on the worker's workflow code. A run whose history no longer
 * replays cannot answer its status query once it is out of the worker's cache, so the key's next
 * run cannot read what it sent (a nondeterminism seen once in a soak, on a closed run's query).
 */
import type { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../worker/create-worker.js';

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

export interface RunHistory {
  workflowId: string;
  runId: string;
  history: temporal.api.history.v1.IHistory;
}

/** The replay error of each run that does not replay, by run id. */
export async function replayErrors(runs: readonly RunHistory[]): Promise<Map<string, string>> {
  const errors = new Map<string, string>();
  if (runs.length === 0) return errors;
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: silent });
  const replayed = Worker.runReplayHistories({ workflowBundle: await bundle, replayName: 'model-test' }, runs);
  // One result per history, in the order given.
  let index = 0;
  for await (const { error } of replayed) {
    if (error) errors.set(runs[index]!.runId, error.message);
    index++;
  }
  return errors;
}
