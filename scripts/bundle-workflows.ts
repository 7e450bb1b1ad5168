/**
 * `npm run build` (second half): bundles the workflow code once, so production workers start
 * without webpack and every replica runs byte-identical workflow code. Four bundles: the compiled
 * worker picks the one for its payload encryption and tracing modes (see create-worker.ts); a
 * WORKFLOW_BUNDLE_PATH must point at the matching one.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../codec/data-converter.js';
import { PREBUILT_BUNDLE_FILES, WORKFLOWS_PATH } from '../worker/create-worker.js';
import { OTEL_WORKFLOW_INTERCEPTORS } from '../worker/tracing.js';

const traced = [OTEL_WORKFLOW_INTERCEPTORS];
const variants = [
  { file: PREBUILT_BUNDLE_FILES.plain, failureConverterPath: undefined, workflowInterceptorModules: [] },
  { file: PREBUILT_BUNDLE_FILES.encrypted, failureConverterPath: FAILURE_CONVERTER_PATH, workflowInterceptorModules: [] },
  { file: PREBUILT_BUNDLE_FILES.tracedPlain, failureConverterPath: undefined, workflowInterceptorModules: traced },
  { file: PREBUILT_BUNDLE_FILES.tracedEncrypted, failureConverterPath: FAILURE_CONVERTER_PATH, workflowInterceptorModules: traced },
];
for (const { file, failureConverterPath, workflowInterceptorModules } of variants) {
  const output = new URL(`../dist/${file}`, import.meta.url);
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, failureConverterPath, workflowInterceptorModules });
  mkdirSync(new URL('.', output), { recursive: true });
  writeFileSync(output, code);
  console.log(`workflow bundle: ${output.pathname} (${Math.round(code.length / 1024)} KiB)`);
}
