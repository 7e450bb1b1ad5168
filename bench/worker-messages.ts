/** The IPC messages between the bench and a worker process (`worker-process.ts`). */
export type ParentMessage = { type: 'usage' } | { type: 'stop' };

export type WorkerMessage =
  | { type: 'ready' }
  | ({ type: 'usage' } & WorkerUsage);

export interface WorkerUsage {
  rssBytes: number;
  peakRssBytes: number;
  /** The main thread's V8 heap in use (the workflow thread's isolate is not in it). */
  heapUsedBytes: number;
  /** Memory of JS objects held outside the V8 heap (Buffers, core's payloads). */
  externalBytes: number;
  /** User + system CPU the worker process has used so far. */
  cpuMs: number;
}
