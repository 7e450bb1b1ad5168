/**
 * The monitoring commands in-process against fake Temporal clients: `schedules apply` is read as
 * one command of two words and applies both schedules, `reconcile` turns its flags into the
 * workflow's input and prints the report, and bad flags exit 2 before anything connects.
 */
import { ScheduleAlreadyRunning } from '@temporalio/client';
import { describe, expect, it, vi } from 'vitest';
import { type CliClient } from '../../client/cli/command.js';
import { runCli } from '../../client/cli/run.js';
import { SCHEDULE_IDS } from '../../client/schedules.js';
import { noFindings, type ReconciliationResult } from '../../workflows/reconciliation-report.js';
import { taskQueueStub } from './task-queue-stub.js';

async function cli(client: Partial<CliClient>, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const connect = vi.fn(async () => ({ ...(client as CliClient), taskQueue: client.taskQueue ?? 'invoices', close: async () => undefined }));
  const sepay = () => {
    throw new Error('no SePay call expected');
  };
  const code = await runCli(args, { stdout: (text) => out.push(text), stderr: (text) => err.push(text), connect, sepay });
  return { code, stdout: out.join('\n'), stderr: err.join('\n'), connect };
}

const report: ReconciliationResult = {
  asOf: '2026-03-10T05:00:00.000Z',
  draftAgeThresholdHours: 24,
  deleteOrphanDrafts: false,
  dryRun: true,
  pagesRead: 2,
  invoicesScanned: 150,
  counts: { ...noFindings(), manual: 1 },
  findings: [{ kind: 'manual', referenceCode: 'f47ac10b', sepayStatus: 'issued', sepayInvoiceNumber: '12', issuedDate: '2026-03-01', runStatus: 'none' }],
  findingsTruncated: false,
  deletedDrafts: 0,
};

describe('schedules apply', () => {
  it('creates the schedules, or updates those that exist, and says which', async () => {
    const create = vi.fn(async ({ scheduleId }: { scheduleId: string; action: { taskQueue: string } }) => {
      if (scheduleId === SCHEDULE_IDS.reconciliation) throw new ScheduleAlreadyRunning('exists', scheduleId);
    });
    const update = vi.fn(async () => undefined);
    const schedule = { create, getHandle: () => ({ update }) };
    const { code, stdout } = await cli({ client: { schedule } as never }, 'schedules', 'apply', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      schedules: [
        { scheduleId: SCHEDULE_IDS.usageMonitor, outcome: 'created', every: '5 minutes' },
        { scheduleId: SCHEDULE_IDS.reconciliation, outcome: 'updated', every: '1 day' },
      ],
    });
    // SEPAY_TASK_QUEUE, as the workers read it.
    const taskQueue = process.env.SEPAY_TASK_QUEUE || 'sepay-einvoice';
    expect(create.mock.calls.map(([options]) => options.action.taskQueue)).toEqual([taskQueue, taskQueue]);
    expect(update).toHaveBeenCalledTimes(1);
  });

  it('is unknown without its second word', async () => {
    const { code, stderr, connect } = await cli({}, 'schedules');
    expect(code).toBe(2);
    expect(stderr).toContain('unknown command "schedules"');
    expect(connect).not.toHaveBeenCalled();
  });
});

describe('reconcile', () => {
  it('starts a dry run by default, waits for it and prints counts and findings', async () => {
    const start = vi.fn(async () => ({ workflowId: 'w', result: async () => report }));
    const { code, stdout } = await cli({ client: taskQueueStub(undefined, { workflow: { start } }).client as never }, 'reconcile', '--since', '2026-03-01');
    expect(code).toBe(0);
    expect(start).toHaveBeenCalledWith('reconciliationWorkflow', expect.objectContaining({ taskQueue: 'invoices', args: [{ since: '2026-03-01', deleteOrphanDrafts: false, dryRun: true }] }));
    expect(stdout).toContain('150 SePay invoice(s) on 2 page(s), 1 finding(s)');
    expect(stdout).toMatch(/manual\s+f47ac10b\s+issued 12/);
  });

  it('deletes only with both flags, and prints the result as one JSON document', async () => {
    const start = vi.fn(async () => ({ workflowId: 'w', result: async () => report }));
    const { stdout } = await cli({ client: taskQueueStub(undefined, { workflow: { start } }).client as never }, 'reconcile', '--delete-orphan-drafts', '--no-dry-run', '--json');
    expect(start).toHaveBeenCalledWith('reconciliationWorkflow', expect.objectContaining({ args: [expect.objectContaining({ deleteOrphanDrafts: true, dryRun: false })] }));
    // The request time, which the workflow checks against its start (issue #20).
    const [[, { args }]] = start.mock.calls as unknown as [[string, { args: [{ requestedAt?: string }] }]];
    expect(Math.abs(Date.parse(args[0].requestedAt ?? '') - Date.now())).toBeLessThan(10_000);
    expect(JSON.parse(stdout)).toMatchObject({ workflowId: 'w', counts: { manual: 1 } });
  });

  it.each([
    [['--since', '2026-02-30'], '--since: expected a date YYYY-MM-DD'],
    [['--draft-age-hours', '0'], '--draft-age-hours: expected a positive number of hours'],
  ])('refuses %j with exit code 2 before connecting', async (flags, message) => {
    const { code, stderr, connect } = await cli({}, 'reconcile', ...flags);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(connect).not.toHaveBeenCalled();
  });
});
