/**
 * `npm run build` (second half): bundles the workflow code once, so production workers start
 * without webpack and every replica runs byte-identical workflow code. Two bundles: the compiled
 * worker picks the one for its payload encryption mode (see create-worker.ts); a
 * WORKFLOW_BUNDLE_PATH must point at the matching one.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../codec/data-converter.js';
import { PREBUILT_BUNDLE_FILES, WORKFLOWS_PATH } from '../worker/create-worker.js';

const variants = [
  { file: PREBUILT_BUNDLE_FILES.plain, failureConverterPath: undefined },
  { file: PREBUILT_BUNDLE_FILES.encrypted, failureConverterPath: FAILURE_CONVERTER_PATH },
];
for (const { file, failureConverterPath } of variants) {
  const output = new URL(`../dist/${file}`, import.meta.url);
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, failureConverterPath });
  mkdirSync(new URL('.', output), { recursive: true });
  writeFileSync(output, code);
  console.log(`workflow bundle: ${output.pathname} (${Math.round(code.length / 1024)} KiB)`);
}
