/**
 * Replays histories captured from real runs (integration and chaos tests) against the current
 * workflow code. A change to the command sequence that is not guarded by `patched()` fails here,
 * before it can break invoices that are waiting in production. See docs/replay.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOWS_PATH } from '../../worker/create-worker.js';
import { HISTORIES_DIR } from '../support/histories.js';

const histories = readdirSync(HISTORIES_DIR).filter((name) => name.endsWith('.json')).sort();
const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

describe('replay of captured histories', () => {
  let workflowBundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: silent });
  }, 60_000);

  it('has histories to replay', () => {
    expect(histories.length).toBeGreaterThanOrEqual(5);
  });

  it.each(histories)('%s replays deterministically', async (name) => {
    const history = historyFromJSON(JSON.parse(readFileSync(new URL(name, HISTORIES_DIR), 'utf8')));
    await Worker.runReplayHistory({ workflowBundle, replayName: name }, history);
  });
});
