/**
 * Saves a finished run's history under test/replay/histories/ when CAPTURE_HISTORIES=1, so the
 * replay test can check every later change of the workflow code against real runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';

export const HISTORIES_DIR = new URL('../replay/histories/', import.meta.url);

export async function saveHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.CAPTURE_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(new URL(`${name}.json`, HISTORIES_DIR), historyToJSON(history) + '\n');
}
