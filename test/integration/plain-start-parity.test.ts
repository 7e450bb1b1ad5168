/**
 * Issue #18, "a plain HTTP-API start behaves like InvoiceClient.issue in every re-run case of
 * docs/reference-codes.md": for each re-run case two fresh keys get the same earlier history, then
 * key A is re-run through InvoiceClient.issue and key B through a plain POST to Temporal's HTTP API
 * (the documented input, Temporal's default id policies), at the same moment. What each caller ends
 * with is compared: outcome, reference code relative to the key, failure type, what SePay holds for
 * the key, and the create and issue requests SePay received. All real: the suite's dev server, a
 * real worker, the simulator over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { describe, expect, inject, it } from 'vitest';
import { failureType } from '../../client/failure-type.js';
import { InvoiceClient } from '../../client/invoice-client.js';
import { FailureType } from '../../contract/failure-types.js';
import type { InvoiceContent, IssueInvoiceInput } from '../../contract/input.js';
import { getInvoiceStatusQuery, type InvoiceStage, type IssueInvoiceResult } from '../../contract/messages.js';
import { workflowIdFor } from '../../contract/reference-code.js';
import { SepayClient } from '../../sepay/index.js';
import type { SimInvoice } from '../../simulator/control-client.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_JOB_CHECKS_UNTIL_DONE } from '../../simulator/defaults.js';
import { fastPolling, sampleInvoice, uniqueKey, useInvoiceTestEnv } from '../support/invoice-test-env.js';
import { waitForStage } from '../support/workflow-assertions.js';

const env = useInvoiceTestEnv();
type Options = IssueInvoiceInput['options'];
const options = (extra: Options = {}): Options => ({ ...fastPolling, pollFastPhase: '1s', ...extra });
const manual = options({ approval: 'manual' });
const correctedInvoice: InvoiceContent = { ...sampleInvoice, items: [{ ...sampleInvoice.items[0]!, unit_price: 120_000 }, ...sampleInvoice.items.slice(1)] };

const invoiceClient = () => new InvoiceClient({ client: env.client, taskQueue: env.taskQueue });

// ---------------------------------------------------------------------------------------------
// SePay's side of a key

/** Every invoice SePay holds under any generation's reference code of the key, oldest first. */
async function invoicesOfKey(key: string): Promise<SimInvoice[]> {
  const { invoices } = await env.sim.invoices();
  return invoices.filter((invoice) => invoice.reference_code === key || invoice.reference_code.startsWith(`${key}~`));
}

/** A reference code (or anything naming one) with the key replaced by `<key>`, so two keys compare. */
const relative = (key: string, text: string | undefined) => text?.split(key).join('<key>');

interface RequestCounts {
  create: number;
  issue: number;
}

/** Create and issue requests SePay counted for the key's codes (the simulator's per-invoice counters). */
async function requestsOfKey(key: string): Promise<RequestCounts> {
  const invoices = await invoicesOfKey(key);
  return { create: invoices.reduce((n, i) => n + i.create_requests, 0), issue: invoices.reduce((n, i) => n + i.issue_requests, 0) };
}

/** Create and issue requests SePay received in all, whatever code they named (env.sim.stats()). */
async function requestsInAll(): Promise<RequestCounts> {
  const { endpoints } = await env.sim.stats();
  return { create: endpoints.create ?? 0, issue: endpoints.issue ?? 0 };
}

const minus = (after: RequestCounts, before: RequestCounts): RequestCounts => ({ create: after.create - before.create, issue: after.issue - before.issue });

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what} (last: ${JSON.stringify(await read()).slice(0, 600)})`);
}

// ---------------------------------------------------------------------------------------------
// Earlier histories of a key, each made through InvoiceClient as a business app would

async function firstRun(key: string, runOptions: Options, invoice: InvoiceContent = sampleInvoice) {
  return (await invoiceClient().issue(key, invoice, runOptions)).handle;
}

/** A first run that reached `stage` and was terminated there. */
async function terminatedAt(key: string, stage: InvoiceStage, runOptions: Options): Promise<void> {
  const handle = await firstRun(key, runOptions);
  await waitForStage(handle, stage);
  await handle.terminate(`operator terminated it at ${stage}`);
}

/** The key's create (or issue) job stays Pending at SePay until faults are cleared. */
async function holdJob(endpoint: 'create' | 'issue', key: string): Promise<void> {
  await env.sim.addFault({ endpoint, kind: 'job-pending-forever', referenceCode: key });
}

/** Releases every held job (faults are cleared) and waits until SePay shows the key's codes settled. */
async function releaseJobs(keys: readonly string[]): Promise<void> {
  await env.sim.clearFaults();
  for (const key of keys) await eventually(() => invoicesOfKey(key), (found) => found.every((i) => !i.issue_pending && i.status !== 'pending'), `${key}: its jobs settled`);
}

const sepay = () => new SepayClient({ environment: { baseUrl: env.simulator.baseUrl }, clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET });

// ---------------------------------------------------------------------------------------------
// The two callers

/** What one caller ends with after its re-run, with the key abstracted away. */
interface Observed {
  outcome: IssueInvoiceResult['outcome'] | 'failed';
  failureType: string | undefined;
  /** The run's reference code, from its status query (the result's for an outcome that has one). */
  referenceCode: string | undefined;
  /** For `issued`: whether the number is the one SePay holds issued under that code. */
  numberIsSepays: boolean | undefined;
  /** [code, status] of every invoice SePay holds for the key afterwards. */
  atSepay: [string | undefined, string][];
  /** Create and issue requests SePay received for the key during the re-run. */
  requests: RequestCounts;
}

interface Rerun {
  /** How the start was answered: a run started, an existing run returned, or refused (409). */
  start: 'started' | 'existing' | 'refused';
  handle: WorkflowHandle;
}

async function rerunWithInvoiceClient(key: string, invoice: InvoiceContent, runOptions: Options): Promise<Rerun> {
  const issued = await invoiceClient().issue(key, invoice, runOptions);
  return { start: issued.existing ? 'existing' : 'started', handle: issued.handle };
}

/** A plain start over Temporal's HTTP API: the documented input, no id policy, no summary, no search attribute. */
async function rerunOverHttp(key: string, invoice: InvoiceContent, runOptions: Options): Promise<Rerun> {
  const workflowId = workflowIdFor(key);
  const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  const url = `${inject('temporalHttpAddress')}/api/v1/namespaces/${encodeURIComponent(inject('temporalNamespace'))}/workflows/${encodeURIComponent(workflowId)}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      workflowType: { name: 'issueInvoiceWorkflow' },
      taskQueue: { name: env.taskQueue },
      input: { payloads: [{ metadata: { encoding: base64('json/plain') }, data: base64(JSON.stringify({ invoiceKey: key, invoice, options: runOptions })) }] },
      requestId: randomUUID(),
    }),
  });
  const answer = (await response.json()) as { runId?: string; started?: boolean; code?: number; message?: string };
  // Refused by the default conflict policy while a run is open: the caller follows that run.
  if (response.status === 409) return { start: 'refused', handle: env.client.workflow.getHandle(workflowId) };
  if (!response.ok || !answer.runId) throw new Error(`HTTP start answered ${response.status}: ${JSON.stringify(answer)}`);
  return { start: answer.started === false ? 'existing' : 'started', handle: env.client.workflow.getHandle(workflowId, answer.runId) };
}

async function observe(key: string, handle: WorkflowHandle, requests: RequestCounts): Promise<Observed> {
  const settled = await (handle.result() as Promise<IssueInvoiceResult>).then(
    (result) => ({ result, failure: undefined }),
    (error: unknown) => {
      if (!(error instanceof WorkflowFailedError)) throw error;
      return { result: undefined, failure: failureType(error) };
    },
  );
  const { result } = settled;
  const status = await handle.query(getInvoiceStatusQuery);
  const atSepay = await invoicesOfKey(key);
  const resultCode = result?.outcome === 'issued' ? result.invoice.referenceCode : result?.referenceCode;
  return {
    outcome: result?.outcome ?? 'failed',
    failureType: settled.failure,
    referenceCode: relative(key, resultCode ?? status.referenceCode),
    numberIsSepays: result?.outcome === 'issued' ? atSepay.some((i) => i.reference_code === result.invoice.referenceCode && i.status === 'issued' && i.invoice_number === result.invoice.invoiceNumber) : undefined,
    atSepay: atSepay.map((i) => [relative(key, i.reference_code), i.status]),
    requests,
  };
}

// ---------------------------------------------------------------------------------------------
// The re-run cases of docs/reference-codes.md (and README "Re-running a key")

interface RerunCase {
  name: string;
  /** Gives every key the same earlier history (the keys' runs may share the simulator's settings). */
  before: (keys: readonly string[]) => Promise<void>;
  invoice?: InvoiceContent;
  options?: Options;
  /** What happens while both re-runs are open: a held job released, an approval. */
  during?: (keys: readonly string[], reruns: readonly Rerun[]) => Promise<void>;
  /**
   * How each start is answered (InvoiceClient's, then the plain one's), where the id policies make
   * them differ: InvoiceClient returns an open or completed run, a plain start is refused while a
   * run is open and starts a new run after a completed one. Default: both start a run.
   */
  starts?: [Rerun['start'], Rerun['start']];
  /** What docs/reference-codes.md says the re-run ends with (both callers must match it too). */
  expected: Partial<Omit<Observed, 'requests'>> & { requests?: Partial<RequestCounts> };
}

const eachKey = (prepare: (key: string) => Promise<void>) => async (keys: readonly string[]) => {
  await Promise.all(keys.map(prepare));
};

/** Waits until every re-run that started is at `stage`, then releases the held jobs. */
const releaseOnceAt = (stage: InvoiceStage) => async (keys: readonly string[], reruns: readonly Rerun[]) => {
  await Promise.all(reruns.map((rerun) => eventually(() => rerun.handle.query(getInvoiceStatusQuery), (status) => status.stage === stage, `the re-run is at ${stage}`)));
  await releaseJobs(keys);
};


/** Each key's run terminated after its issue request was sent, the issue job settled since: SePay holds it issued. */
async function terminatedThenIssued(keys: readonly string[]): Promise<void> {
  await eachKey(async (key) => {
    await holdJob('issue', key);
    await terminatedAt(key, 'awaiting-issuance', options());
  })(keys);
  await releaseJobs(keys);
}

const cases: RerunCase[] = [
  {
    name: 'an earlier run completed issued',
    starts: ['existing', 'started'],
    before: eachKey(async (key) => void (await (await firstRun(key, options())).result())),
    expected: { outcome: 'issued', referenceCode: '<key>', numberIsSepays: true, atSepay: [['<key>', 'issued']], requests: { create: 0, issue: 0 } },
  },
  {
    name: 'an earlier run completed cancelled (its draft deleted)',
    starts: ['existing', 'started'],
    before: eachKey(async (key) => {
      const handle = await firstRun(key, manual);
      await waitForStage(handle, 'awaiting-approval');
      await invoiceClient().cancel(key, 'customer cancelled');
      await handle.result();
    }),
    expected: { outcome: 'cancelled', atSepay: [['<key>', 'deleted']], requests: { create: 0, issue: 0 } },
  },
  {
    name: 'an earlier run failed by approval timeout (its draft deleted, the code spent)',
    before: eachKey(async (key) => void (await (await firstRun(key, options({ approval: 'manual', approvalTimeout: '2s' }))).result().catch(() => undefined))),
    expected: { outcome: 'issued', referenceCode: '<key>~2', numberIsSepays: true, atSepay: [['<key>', 'deleted'], ['<key>~2', 'issued']], requests: { create: 1, issue: 1 } },
  },
  {
    name: 'an earlier run terminated with its draft awaiting approval (same content)',
    before: eachKey((key) => terminatedAt(key, 'awaiting-approval', manual)),
    expected: { outcome: 'issued', referenceCode: '<key>', numberIsSepays: true, atSepay: [['<key>', 'issued']], requests: { create: 0, issue: 1 } },
  },
  {
    name: 'an earlier run terminated while its create job is still pending at SePay',
    before: eachKey(async (key) => {
      await holdJob('create', key);
      await terminatedAt(key, 'awaiting-creation', options());
    }),
    during: releaseOnceAt('awaiting-creation'),
    expected: { outcome: 'issued', referenceCode: '<key>', numberIsSepays: true, atSepay: [['<key>', 'issued']], requests: { create: 0, issue: 1 } },
  },
  {
    name: "an earlier run terminated while its create job is pending, the job then failing (the code spent, nobody recorded it)",
    before: async (keys) => {
      await env.sim.setJobChecks(1_000_000, null);
      await eachKey((key) => terminatedAt(key, 'awaiting-creation', options()))(keys);
      for (const key of keys) await env.sim.addFault({ endpoint: 'create', kind: 'job-fail', referenceCode: key });
      await env.sim.setJobChecks(DEFAULT_JOB_CHECKS_UNTIL_DONE, 100);
      for (const key of keys) await eventually(() => invoicesOfKey(key), (found) => found[0]?.status === 'failed', `${key}: the create job failed`);
      await env.sim.clearFaults();
    },
    expected: { outcome: 'issued', referenceCode: '<key>~2', numberIsSepays: true, atSepay: [['<key>', 'failed'], ['<key>~2', 'issued']], requests: { create: 1, issue: 1 } },
  },
  {
    name: 'an earlier run failed SepayJobFailed on its create job (the code spent and recorded)',
    before: eachKey(async (key) => {
      await env.sim.addFault({ endpoint: 'create', kind: 'job-fail', referenceCode: key, times: 1 });
      await (await firstRun(key, options())).result().catch(() => undefined);
    }),
    expected: { outcome: 'issued', referenceCode: '<key>~2', numberIsSepays: true, atSepay: [['<key>', 'failed'], ['<key>~2', 'issued']], requests: { create: 1, issue: 1 } },
  },
  {
    name: 'an earlier run failed SepayJobFailed on its issue job (its draft left)',
    before: eachKey(async (key) => {
      await env.sim.addFault({ endpoint: 'issue', kind: 'job-fail', referenceCode: key, times: 1 });
      await (await firstRun(key, options())).result().catch(() => undefined);
    }),
    expected: { outcome: 'issued', referenceCode: '<key>', numberIsSepays: true, atSepay: [['<key>', 'issued']], requests: { create: 0 } },
  },
  {
    name: 'an earlier run terminated after its issue request was sent, the issue job still pending',
    before: eachKey(async (key) => {
      await holdJob('issue', key);
      await terminatedAt(key, 'awaiting-issuance', options());
    }),
    during: releaseOnceAt('awaiting-issuance'),
    expected: { outcome: 'issued', referenceCode: '<key>', numberIsSepays: true, atSepay: [['<key>', 'issued']], requests: { create: 0 } },
  },
  {
    name: 'an earlier run terminated after its issue request was sent, the job settled since; re-run with manual approval (no approval wait)',
    before: terminatedThenIssued,
    options: manual,
    expected: { outcome: 'issued', referenceCode: '<key>', numberIsSepays: true, atSepay: [['<key>', 'issued']], requests: { create: 0, issue: 0 } },
  },
  {
    name: "an earlier run's draft deleted at SePay by hand, the run terminated before it recorded the code spent",
    before: eachKey(async (key) => {
      const handle = await firstRun(key, manual);
      await waitForStage(handle, 'awaiting-approval');
      await sepay().deleteDraft(key);
      await handle.terminate('draft deleted by hand');
    }),
    expected: { outcome: 'issued', referenceCode: '<key>~2', numberIsSepays: true, atSepay: [['<key>', 'deleted'], ['<key>~2', 'issued']], requests: { create: 1, issue: 1 } },
  },
  {
    name: 're-run with changed content while a draft of the other content is held',
    before: eachKey((key) => terminatedAt(key, 'awaiting-approval', manual)),
    invoice: correctedInvoice,
    expected: { outcome: 'issued', referenceCode: '<key>~2', numberIsSepays: true, atSepay: [['<key>', 'deleted'], ['<key>~2', 'issued']], requests: { create: 1, issue: 1 } },
  },
  {
    name: 're-run with changed content after a terminated run got the invoice issued',
    before: terminatedThenIssued,
    invoice: correctedInvoice,
    expected: { outcome: 'failed', failureType: FailureType.IssuedInvoiceDiffers, atSepay: [['<key>', 'issued']], requests: { create: 0, issue: 0 } },
  },
  {
    // Finding: InvoiceClient.issue is refused by ALLOW_DUPLICATE_FAILED_ONLY and returns the completed
    // run as the answer, `issued` with the old content's invoice, without looking at the content it
    // was asked for; a plain start's run compares and fails IssuedInvoiceDiffers (README, "Re-running a key").
    name: 're-run with changed content after an earlier run completed issued',
    // Other content than the completed run was asked for: InvoiceClient starts a new run too.
    starts: ['started', 'started'],
    before: eachKey(async (key) => void (await (await firstRun(key, options())).result())),
    invoice: correctedInvoice,
    expected: { outcome: 'failed', failureType: FailureType.IssuedInvoiceDiffers, atSepay: [['<key>', 'issued']], requests: { create: 0, issue: 0 } },
  },
  {
    name: 're-run with changed content after an earlier run completed cancelled',
    // Other content than the completed run was asked for: InvoiceClient starts a new run too.
    starts: ['started', 'started'],
    before: eachKey(async (key) => {
      const handle = await firstRun(key, manual);
      await waitForStage(handle, 'awaiting-approval');
      await invoiceClient().cancel(key, 'customer cancelled');
      await handle.result();
    }),
    invoice: correctedInvoice,
    expected: { outcome: 'cancelled', atSepay: [['<key>', 'deleted']], requests: { create: 0, issue: 0 } },
  },
  {
    name: 'a direct-mode re-run over the draft an earlier run left when its issue job failed',
    before: eachKey(async (key) => {
      await env.sim.addFault({ endpoint: 'issue', kind: 'job-fail', referenceCode: key, times: 1 });
      await (await firstRun(key, options())).result().catch(() => undefined);
    }),
    options: options({ mode: 'direct' }),
    expected: { outcome: 'issued', referenceCode: '<key>', numberIsSepays: true, atSepay: [['<key>', 'issued']], requests: { create: 0 } },
  },
  {
    name: "a re-run following an earlier run's pending create, cancelled (update) meanwhile: waits for the create and deletes its draft",
    before: eachKey(async (key) => {
      await holdJob('create', key);
      await terminatedAt(key, 'awaiting-creation', options());
    }),
    during: async (keys, reruns) => {
      await Promise.all(reruns.map((rerun) => eventually(() => rerun.handle.query(getInvoiceStatusQuery), (status) => status.stage === 'awaiting-creation', 'the re-run follows the create')));
      for (const key of keys) expect(await invoiceClient().requestCancellation(key, 'wrong order')).toMatchObject({ accepted: true });
      await releaseJobs(keys);
    },
    expected: { outcome: 'cancelled', atSepay: [['<key>', 'deleted']], requests: { create: 0, issue: 0 } },
  },
  {
    name: "a re-run following an earlier run's pending issue job, cancelled (signal) meanwhile: too late, issued",
    before: eachKey(async (key) => {
      await holdJob('issue', key);
      await terminatedAt(key, 'awaiting-issuance', options());
    }),
    during: async (keys, reruns) => {
      await Promise.all(reruns.map((rerun) => eventually(() => rerun.handle.query(getInvoiceStatusQuery), (status) => status.pointOfNoReturn, 'the re-run knows the issue was sent')));
      for (const key of keys) await invoiceClient().cancel(key, 'too late?');
      await releaseJobs(keys);
    },
    expected: { outcome: 'issued', referenceCode: '<key>', numberIsSepays: true, atSepay: [['<key>', 'issued']], requests: { create: 0 } },
  },
  {
    name: 'an earlier run cancelled whose draft could not be deleted (CompensationFailed, the draft left)',
    before: async (keys) => {
      await eachKey(async (key) => {
        await env.sim.addFault({ endpoint: 'delete', kind: 'error', status: 500, referenceCode: key });
        const handle = await firstRun(key, options({ approval: 'manual', creationTimeout: '3s' }));
        await waitForStage(handle, 'awaiting-approval');
        await invoiceClient().cancel(key, 'wrong order');
        await handle.result().catch(() => undefined);
      })(keys);
      await env.sim.clearFaults();
    },
    expected: { outcome: 'issued', referenceCode: '<key>', numberIsSepays: true, atSepay: [['<key>', 'issued']], requests: { create: 0, issue: 1 } },
  },
  {
    name: 'a re-run while a run of the key is still open (awaiting approval), which is then approved',
    starts: ['existing', 'refused'],
    before: eachKey(async (key) => void (await waitForStage(await firstRun(key, manual), 'awaiting-approval'))),
    during: async (keys) => {
      for (const key of keys) await invoiceClient().approve(key, 'operator');
    },
    expected: { outcome: 'issued', referenceCode: '<key>', numberIsSepays: true, atSepay: [['<key>', 'issued']], requests: { create: 0, issue: 1 } },
  },
];

describe('a plain HTTP-API start (Temporal default id policies) re-runs a key as InvoiceClient.issue does', () => {
  it.each(cases)('$name', async ({ before, invoice = sampleInvoice, options: rerunOptions = options(), during, starts = ['started', 'started'], expected }) => {
    const keys = [uniqueKey('parity-client'), uniqueKey('parity-http')] as const;
    await before(keys);

    const counted = await Promise.all(keys.map(requestsOfKey));
    const inAll = await requestsInAll();
    const reruns = await Promise.all([rerunWithInvoiceClient(keys[0], invoice, rerunOptions), rerunOverHttp(keys[1], invoice, rerunOptions)]);
    expect(reruns.map((rerun) => rerun.start)).toEqual(starts);
    await during?.(keys, reruns);
    const [viaClient, viaHttp] = await Promise.all(
      keys.map(async (key, i) => {
        await reruns[i]!.handle.result().catch(() => undefined);
        return observe(key, reruns[i]!.handle, minus(await requestsOfKey(key), counted[i]!));
      }),
    );

    // Every create and issue request SePay received during the re-runs named one of the two keys.
    expect(minus(await requestsInAll(), inAll)).toEqual({ create: viaClient!.requests.create + viaHttp!.requests.create, issue: viaClient!.requests.issue + viaHttp!.requests.issue });
    expect(viaHttp).toEqual(viaClient);
    expect(viaClient).toMatchObject(expected);
  });
});
