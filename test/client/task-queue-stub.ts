/**
 * A stand-in for the part of Temporal's `Client` that the CLI's waits read (DescribeTaskQueue and
 * the namespace), so in-process CLI tests can say whether a worker polls the task queue.
 */
import { vi } from 'vitest';

export interface StubPoller {
  /** Milliseconds before now when the poll began. */
  agoMs: number;
}

/** `pollers()` is read on every describe, so a test can bring a worker up while the CLI waits. */
export function taskQueueStub(pollers: () => StubPoller[] = () => [{ agoMs: 1000 }], extra: Record<string, unknown> = {}) {
  const describeTaskQueue = vi.fn(async () => ({
    pollers: pollers().map(({ agoMs }) => {
      const at = Date.now() - agoMs;
      return { identity: 'worker@test', lastAccessTime: { seconds: Math.floor(at / 1000), nanos: (at % 1000) * 1e6 } };
    }),
  }));
  return { client: { options: { namespace: 'default' }, workflowService: { describeTaskQueue }, ...extra }, describeTaskQueue };
}
