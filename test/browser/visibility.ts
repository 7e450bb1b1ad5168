import type { Client } from '@temporalio/client';

const VISIBILITY_TIMEOUT_MS = 15_000;

/**
 * Polls a visibility query until it lists exactly `workflowIds` (in any order): the Web UI reads
 * the same eventually consistent index, so a page opened after this shows them too.
 */
export async function waitUntilListed(client: Client, query: string, workflowIds: string[]): Promise<void> {
  const expected = [...workflowIds].sort().join(', ');
  const deadline = Date.now() + VISIBILITY_TIMEOUT_MS;
  let listed = '';
  while (Date.now() < deadline) {
    const found: string[] = [];
    for await (const execution of client.workflow.list({ query })) found.push(execution.workflowId);
    listed = found.sort().join(', ');
    if (listed === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`visibility query ${query} listed [${listed}] instead of [${expected}] after ${VISIBILITY_TIMEOUT_MS} ms`);
}
