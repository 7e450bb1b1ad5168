/**
 * Deleting orphan drafts, one named test per reason to keep a draft: what SePay and the key's
 * latest run say right before each single deletion decides, not what the page's look-up said a
 * moment earlier. Each race is set up exactly here (a run "starts" between the page and the
 * deletion, a draft is issued meanwhile), in `MockActivityEnvironment` against the in-memory SePay
 * of fake-sepay.ts; test/integration/reconciliation.test.ts races a real worker once.
 */
import type { Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import type { VisibilityClient } from '../../activities/invoice-runs.js';
import { createReconciliationActivities } from '../../activities/reconciliation-activities.js';
import type { LatestRun } from '../../activities/reconciliation-rules.js';
import type { InvoiceDetail, InvoiceList } from '../../sepay/index.js';
import { workflowIdFor } from '../../contract/reference-code.js';
import { parseReferenceCode } from '../../contract/reference-code-key.js';
import type { DraftDeletionOutcome } from '../../workflows/reconciliation-report.js';
import { FakeSepay } from './fake-sepay.js';

const asOf = '2026-03-10T12:00:00+07:00';
const asOfMs = Date.parse(asOf);
const HOUR = 3_600_000;
const draftAgeThresholdHours = 24;
/** Two days before `asOf`: an orphan once no run holds it. */
const OLD_DATE = '2026-03-08 09:00:00';

const quietLogger = new DefaultLogger('ERROR');

/** A plain draft as SePay's detail shows it (`provider_status` "1"). */
function draft(referenceCode: string, overrides: Partial<InvoiceDetail> = {}): InvoiceDetail {
  return {
    reference_code: referenceCode,
    invoice_number: '0',
    issued_date: OLD_DATE,
    status: 'draft',
    source: 'api',
    buyer: { name: 'Công ty TNHH Ví Dụ' },
    total_before_tax: 100_000,
    tax_amount: 10_000,
    total_amount: 110_000,
    provider_status: '1',
    items: [],
    ...overrides,
  };
}

/**
 * SePay (the fake, plus a one-page list of what it holds), Temporal's visibility (which shows what
 * `listed` says, lagging like the real one) and the server's latest run of each workflow id
 * (`latest`, changed by a test to make a run start or close).
 */
function world() {
  const sepay = new FakeSepay();
  const listed = new Map<string, LatestRun>();
  const latest = new Map<string, LatestRun>();
  const runsRead: string[] = [];
  const unseen = new Set<string>();
  const listInvoices = async (): Promise<InvoiceList> => {
    const items = [...sepay.invoices.values()];
    return { paging: { per_page: 100, total: items.length, has_more: false, current_page: 1, page_count: 1 }, items };
  };
  const visibility = {
    workflow: {
      async *list({ query }: { query: string }) {
        const openOnly = query.includes(`ExecutionStatus = 'Running'`);
        for (const run of listed.values()) {
          if (openOnly && run.status !== 'RUNNING') continue;
          yield { ...run, status: { name: run.status }, startTime: new Date(run.startTimeMs), typedSearchAttributes: { get: () => undefined } };
        }
      },
    },
  } as unknown as VisibilityClient;
  const activities = createReconciliationActivities({
    sepay: { listInvoices, getInvoice: (code) => sepay.getInvoice(code), deleteDraft: (code) => sepay.deleteDraft(code) },
    visibility: () => visibility,
    latestRun: async (workflowId) => {
      runsRead.push(workflowId);
      return latest.get(workflowId);
    },
    // A closed latest run saw every draft of its key, but those named in `unseen`.
    latestRecord: async (workflowId) => {
      const run = latest.get(workflowId);
      if (!run || run.status === 'RUNNING') return undefined;
      const codes = [...sepay.invoices.keys()].filter((code) => workflowIdFor(parseReferenceCode(code)!.invoiceKey) === workflowId && !unseen.has(code));
      return { runId: run.runId, sent: codes.map((referenceCode) => ({ referenceCode, draftSeen: true })) };
    },
  });
  return { sepay, listed, latest, unseen, runsRead, activities };
}

function run(invoiceKey: string, status: string, closeTimeMs?: number): LatestRun {
  return { workflowId: workflowIdFor(invoiceKey), runId: `${invoiceKey}-run`, status, startTimeMs: asOfMs - 3 * 24 * HOUR, closeTimeMs };
}

/** One attempt of an activity; `beats` collects its heartbeats. */
function attempt(info: Partial<Info> = {}) {
  const env = new MockActivityEnvironment(info, { logger: quietLogger });
  const beats: unknown[] = [];
  env.on('heartbeat', (details: unknown) => beats.push(details));
  function run<A extends unknown[], R>(activity: (...args: A) => Promise<R>, ...args: A): Promise<R> {
    return env.run<A, R, typeof activity>(activity, ...args);
  }
  return { run, beats };
}

async function deleteOrphans(activities: ReturnType<typeof world>['activities'], referenceCodes: string[], info: Partial<Info> = {}) {
  const { run, beats } = attempt(info);
  const outcomes = await run(activities.deleteOrphanDrafts, { referenceCodes, asOf, draftAgeThresholdHours });
  return { outcomes, beats };
}

describe('deleteOrphanDrafts', () => {
  it('deletes an orphan after reading it again at SePay and the latest run of its key, in that order', async () => {
    const { sepay, latest, runsRead, activities } = world();
    sepay.invoices.set('terminated-1', draft('terminated-1'));
    sepay.invoices.set('never-ran', draft('never-ran'));
    latest.set(workflowIdFor('terminated-1'), run('terminated-1', 'TERMINATED', asOfMs - HOUR));

    const { outcomes } = await deleteOrphans(activities, ['terminated-1', 'never-ran']);

    expect(outcomes).toEqual({ 'terminated-1': 'deleted', 'never-ran': 'deleted' } satisfies Record<string, DraftDeletionOutcome>);
    expect(sepay.invoices.size).toBe(0);
    expect(sepay.calls.map(({ method, subject }) => `${method} ${subject}`)).toEqual([
      'getInvoice terminated-1',
      'deleteDraft terminated-1',
      'getInvoice never-ran',
      'deleteDraft never-ran',
    ]);
    expect(runsRead).toEqual([workflowIdFor('terminated-1'), workflowIdFor('never-ran')]);
  });

  it("keeps a draft its key's closed run never saw: a re-run could not tell it deleted from a create still processing", async () => {
    const { sepay, latest, unseen, activities } = world();
    sepay.invoices.set('answer-lost', draft('answer-lost'));
    sepay.invoices.set('seen-1', draft('seen-1'));
    latest.set(workflowIdFor('answer-lost'), run('answer-lost', 'TERMINATED', asOfMs - HOUR));
    latest.set(workflowIdFor('seen-1'), run('seen-1', 'TERMINATED', asOfMs - HOUR));
    unseen.add('answer-lost');

    const { outcomes } = await deleteOrphans(activities, ['answer-lost', 'seen-1']);

    expect(outcomes).toEqual({ 'answer-lost': 'unknown-to-runs', 'seen-1': 'deleted' } satisfies Record<string, DraftDeletionOutcome>);
    expect([...sepay.invoices.keys()]).toEqual(['answer-lost']);
  });

  it("keeps a draft whose key's run started after the page's look-up", async () => {
    const { sepay, listed, latest, activities } = world();
    sepay.invoices.set('rerun-1', draft('rerun-1'));
    listed.set(workflowIdFor('rerun-1'), run('rerun-1', 'TERMINATED', asOfMs - HOUR));
    const page = await attempt().run(activities.reconcileInvoicePage, { page: 1, draftAgeThresholdHours, asOf });
    expect(page.findings).toMatchObject([{ kind: 'orphan-draft', referenceCode: 'rerun-1', runStatus: 'TERMINATED' }]);

    // A re-run of the key starts; visibility does not show it yet, the server does.
    latest.set(workflowIdFor('rerun-1'), { ...run('rerun-1', 'RUNNING'), runId: 'rerun', startTimeMs: asOfMs + HOUR });
    const { outcomes } = await deleteOrphans(activities, ['rerun-1']);

    expect(outcomes).toEqual({ 'rerun-1': 'open-run' });
    expect(sepay.invoices.get('rerun-1')?.status).toBe('draft');
    expect(sepay.callsTo('deleteDraft')).toEqual([]);
  });

  it('keeps a draft whose key had a run that closed after the reconciliation began: it may have adopted the draft', async () => {
    const { sepay, latest, activities } = world();
    sepay.invoices.set('rerun-2', draft('rerun-2'));
    latest.set(workflowIdFor('rerun-2'), run('rerun-2', 'FAILED', asOfMs + 10 * 60_000));

    const { outcomes } = await deleteOrphans(activities, ['rerun-2']);

    expect(outcomes).toEqual({ 'rerun-2': 'recent-run' });
    expect(sepay.callsTo('deleteDraft')).toEqual([]);
  });

  it('leaves a draft issued since the page was read, without asking SePay to delete it', async () => {
    const { sepay, activities } = world();
    sepay.invoices.set('issued-1', draft('issued-1'));
    sepay.markIssued('issued-1');

    const { outcomes } = await deleteOrphans(activities, ['issued-1']);

    expect(outcomes).toEqual({ 'issued-1': 'not-a-draft' });
    expect(sepay.callsTo('deleteDraft')).toEqual([]);
  });

  it('leaves a draft SePay is issuing (status draft, provider_status past "1")', async () => {
    const { sepay, activities } = world();
    sepay.invoices.set('issuing-1', draft('issuing-1'));
    await sepay.issueInvoice('issuing-1');
    // What SePay's detail shows while the issue job has the draft: not yet sent to the tax authority.
    sepay.invoices.set('issuing-1', draft('issuing-1', { provider_status: '3' }));

    const { outcomes } = await deleteOrphans(activities, ['issuing-1']);

    expect(outcomes).toEqual({ 'issuing-1': 'not-a-draft' });
    expect(sepay.invoices.get('issuing-1')?.status).toBe('draft');
    expect(sepay.callsTo('deleteDraft')).toEqual([]);
  });

  it('leaves a draft whose date, read again, is within the age threshold', async () => {
    const { sepay, activities } = world();
    sepay.invoices.set('young-1', draft('young-1', { issued_date: '2026-03-10 08:00:00' }));

    const { outcomes } = await deleteOrphans(activities, ['young-1']);

    expect(outcomes).toEqual({ 'young-1': 'young-draft' });
    expect(sepay.callsTo('deleteDraft')).toEqual([]);
  });

  it('reports a draft already gone as not-found without sending a delete', async () => {
    const { sepay, activities } = world();

    const { outcomes } = await deleteOrphans(activities, ['gone-1']);

    expect(outcomes).toEqual({ 'gone-1': 'not-found' });
    expect(sepay.callsTo('deleteDraft')).toEqual([]);
  });

  it('goes on from the heartbeat of an earlier attempt, checking again only the drafts it had not reached', async () => {
    const { sepay, latest, activities } = world();
    sepay.invoices.set('later-1', draft('later-1'));
    sepay.invoices.set('later-2', draft('later-2'));
    latest.set(workflowIdFor('later-2'), run('later-2', 'RUNNING'));

    const { outcomes, beats } = await deleteOrphans(activities, ['done-1', 'later-1', 'later-2'], { attempt: 2, heartbeatDetails: { 'done-1': 'deleted' } });

    expect(outcomes).toEqual({ 'done-1': 'deleted', 'later-1': 'deleted', 'later-2': 'open-run' });
    expect(sepay.callsTo('getInvoice')).toEqual(['later-1', 'later-2']);
    expect(beats.at(-1)).toEqual(outcomes);
  });
});
