/**
 * `npm run build` (second half): bundles the workflow code once, so production workers start
 * without webpack and every replica runs byte-identical workflow code. Point WORKFLOW_BUNDLE_PATH
 * at the output.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../worker/create-worker.js';

const output = new URL('../dist/workflow-bundle.js', import.meta.url);
const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
mkdirSync(new URL('.', output), { recursive: true });
writeFileSync(output, code);
console.log(`workflow bundle: ${output.pathname} (${Math.round(code.length / 1024)} KiB)`);
