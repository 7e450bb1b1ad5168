/**
 * The worker reads what a key's earlier runs sent from Temporal itself (activities/earlier-runs.ts):
 * their own records, newest first, never a memo; visibility lag waited out; runs that sent nothing
 * (a fake run no worker served, say) skipped.
 */
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { latestGeneration, recallEarlierRuns, type TemporalReader } from '../../activities/earlier-runs.js';
import type { InvoiceStatus, ReferenceCodeRecord } from '../../contract/messages.js';

interface FakeRun {
  runId: string;
  status: 'RUNNING' | 'COMPLETED' | 'FAILED' | 'TERMINATED';
  startedAt: number;
  type?: string;
  /** The run's status query answer; undefined: the query fails (no worker answers). */
  answer?: Partial<InvoiceStatus>;
  result?: unknown;
  /** Activity types its history schedules. */
  scheduled?: string[];
  memo?: Record<string, unknown>;
}

const WORKFLOW_ID = 'invoice-order-1';
const record = (referenceCode: string, fields: Partial<ReferenceCodeRecord> = {}): ReferenceCodeRecord => ({
  referenceCode,
  createSent: true,
  issueRequested: false,
  spent: false,
  ...fields,
});

function fakeTemporal(runs: FakeRun[], { visibleAfterLists = 0 } = {}) {
  const calls = { lists: 0, queries: [] as string[] };
  const reader = {
    workflow: {
      list: () => {
        calls.lists++;
        const visible = calls.lists > visibleAfterLists ? runs : runs.filter((run) => run.status !== 'RUNNING');
        return (async function* () {
          for (const run of visible) {
            yield {
              workflowId: WORKFLOW_ID,
              runId: run.runId,
              type: run.type ?? 'issueInvoiceWorkflow',
              status: { name: run.status },
              startTime: new Date(run.startedAt),
              memo: run.memo,
            } as unknown as WorkflowExecutionInfo;
          }
        })();
      },
      getHandle: (_id: string, runId: string) => {
        const run = runs.find((candidate) => candidate.runId === runId)!;
        return {
          query: async () => {
            calls.queries.push(runId);
            if (!run.answer) throw new Error('no worker answered');
            return run.answer;
          },
          result: async () => run.result,
          fetchHistory: async () => ({
            events: (run.scheduled ?? []).map((name) => ({ activityTaskScheduledEventAttributes: { activityType: { name } } })),
          }),
        };
      },
    },
    withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn(),
  };
  return { reader: reader as unknown as TemporalReader, calls };
}

const current: FakeRun = { runId: 'now', status: 'RUNNING', startedAt: 100 };

describe('recallEarlierRuns', () => {
  it('a first run has nothing to recall', async () => {
    const { reader } = fakeTemporal([current]);
    expect(await recallEarlierRuns(reader, { workflowId: WORKFLOW_ID, runId: 'now' })).toEqual({ sent: [] });
  });

  it("merges the earlier runs' records, newest first, and stops at one that had recalled the older ones", async () => {
    const { reader, calls } = fakeTemporal([
      current,
      { runId: 'r3', status: 'TERMINATED', startedAt: 90, scheduled: ['createInvoice'], answer: { sent: [record('order-1~2', { createTrackingCode: 't2' })], earlierRunsRecalled: true } },
      { runId: 'r2', status: 'FAILED', startedAt: 80, scheduled: ['createInvoice'], answer: { sent: [record('order-1', { spent: true })], earlierRunsRecalled: true } },
      { runId: 'r1', status: 'FAILED', startedAt: 70, scheduled: ['createInvoice'], answer: { sent: [record('order-1')] } },
    ]);
    const { sent } = await recallEarlierRuns(reader, { workflowId: WORKFLOW_ID, runId: 'now' });
    expect(sent).toEqual([record('order-1~2', { createTrackingCode: 't2' })]);
    expect(calls.queries).toEqual(['r3']);
  });

  it('reads a run from before the record from its status fields (code, create tracking code, point of no return)', async () => {
    const { reader } = fakeTemporal([
      current,
      { runId: 'old', status: 'TERMINATED', startedAt: 50, scheduled: ['createInvoice'], answer: { referenceCode: 'order-1', createTrackingCode: 'trk', pointOfNoReturn: true, sent: [] } },
    ]);
    const { sent } = await recallEarlierRuns(reader, { workflowId: WORKFLOW_ID, runId: 'now' });
    expect(sent).toEqual([record('order-1', { createTrackingCode: 'trk', issueRequested: true })]);
  });

  it('ignores a memo: a fake run that sent nothing is skipped, whatever its memo claims', async () => {
    const { reader } = fakeTemporal([
      current,
      { runId: 'fake', status: 'TERMINATED', startedAt: 90, memo: { issueRequested: true }, scheduled: [] },
      { runId: 'real', status: 'TERMINATED', startedAt: 80, scheduled: ['createInvoice'], answer: { sent: [record('order-1')], earlierRunsRecalled: true } },
    ]);
    const { sent } = await recallEarlierRuns(reader, { workflowId: WORKFLOW_ID, runId: 'now' });
    expect(sent).toEqual([record('order-1')]);
  });

  it('refuses to guess when a run that sent something cannot be read (retried by the activity)', async () => {
    const { reader } = fakeTemporal([current, { runId: 'busy', status: 'FAILED', startedAt: 90, scheduled: ['createInvoice'] }]);
    await expect(recallEarlierRuns(reader, { workflowId: WORKFLOW_ID, runId: 'now' })).rejects.toThrow(/cannot read what run busy/);
  });

  it('a completed run settles the key: its result and its record', async () => {
    const cancelled = { outcome: 'cancelled', referenceCode: 'order-1', reason: 'withdrawn', draftDeleted: true };
    const { reader } = fakeTemporal([
      current,
      { runId: 'done', status: 'COMPLETED', startedAt: 90, scheduled: ['createInvoice'], answer: { sent: [record('order-1', { spent: true })], earlierRunsRecalled: true }, result: cancelled },
      { runId: 'older', status: 'FAILED', startedAt: 10, answer: { sent: [record('other')] } },
    ]);
    expect(await recallEarlierRuns(reader, { workflowId: WORKFLOW_ID, runId: 'now' })).toEqual({
      sent: [record('order-1', { spent: true })],
      completed: { runId: 'done', result: cancelled },
    });
  });

  it('lists again until visibility shows the asking run, so a run that just closed is not missed', async () => {
    const { reader, calls } = fakeTemporal(
      [current, { runId: 'r1', status: 'FAILED', startedAt: 50, scheduled: ['createInvoice'], answer: { sent: [record('order-1')], earlierRunsRecalled: true } }],
      { visibleAfterLists: 2 },
    );
    await recallEarlierRuns(reader, { workflowId: WORKFLOW_ID, runId: 'now' });
    expect(calls.lists).toBe(3);
  });
});

describe('latestGeneration', () => {
  it('is the highest generation of the key named, with whether SePay spent it', () => {
    expect(latestGeneration([record('order-1', { spent: true }), record('order-1~2')], 'order-1')).toEqual({ generation: 2, spent: false });
    expect(latestGeneration([record('order-1~3', { spent: true })], 'order-1')).toEqual({ generation: 3, spent: true });
    expect(latestGeneration([record('another-key~5')], 'order-1')).toBeUndefined();
    expect(latestGeneration([], 'order-1')).toBeUndefined();
  });
});
