/** One real Temporal dev server for the whole integration suite, stopped however the run ends. */
import type { TestProject } from 'vitest/node';
import { startDevServer } from '../../scripts/dev-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    /** http://host:port of the server's HTTP API, for callers in other languages (test/languages/). */
    temporalHttpAddress: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startDevServer({ log: (line) => console.log(line) });
  project.provide('temporalAddress', server.address);
  project.provide('temporalNamespace', server.namespace);
  project.provide('temporalHttpAddress', server.httpAddress);
  return () => server.stop();
}
