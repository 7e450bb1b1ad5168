/** The IPC messages between the bench and a worker process (`worker-process.ts`). */
export type ParentMessage = { type: 'usage' } | { type: 'stop' };

export type WorkerMessage =
  | { type: 'ready' }
  | ({ type: 'usage' } & WorkerUsage);

export interface WorkerUsage {
  rssBytes: number;
  peakRssBytes: number;
  /** User + system CPU the worker process has used so far. */
  cpuMs: number;
}
