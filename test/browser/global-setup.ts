/**
 * The browser project's own Temporal dev server, with the Web UI on. It provides the same keys as
 * the integration suite's setup, so `test/support/invoice-test-env.ts` works unchanged, plus the UI's URL.
 */
import type { TestProject } from 'vitest/node';
import { startDevServer } from '../../scripts/dev-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalUiUrl: string;
  }
}

const UI_STARTUP_TIMEOUT_MS = 30_000;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startDevServer({ ui: true, log: (line) => console.log(line) });
  try {
    if (!server.uiUrl) throw new Error('startDevServer({ ui: true }) returned no uiUrl');
    await waitUntilServing(server.uiUrl);
  } catch (error) {
    await server.stop();
    throw error;
  }
  project.provide('temporalAddress', server.address);
  project.provide('temporalNamespace', server.namespace);
  project.provide('temporalUiUrl', server.uiUrl);
  return () => server.stop();
}

/** The dev server answers gRPC before its UI's HTTP server necessarily does. */
async function waitUntilServing(url: string): Promise<void> {
  const deadline = Date.now() + UI_STARTUP_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
      lastError = new Error(`HTTP ${response.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the Temporal Web UI at ${url} did not answer in ${UI_STARTUP_TIMEOUT_MS} ms: ${String(lastError)}`);
}
