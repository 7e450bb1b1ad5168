/**
 * The production topology, run for real (issue #21): docker-compose.yml's stack run natively by
 * scripts/native-stack.ts — PostgreSQL, the Temporal server as one process per service, the setup
 * jobs, the Web UI, two compiled workers with the compose environment (payload encryption on), the
 * codec server and the SePay simulator. 200 invoices go through it while SePay misbehaves, one
 * worker is SIGKILLed, the history service is restarted and PostgreSQL is restarted. Then the chaos
 * invariants, visibility queries by every search attribute on PostgreSQL, and the HTTP API calls of
 * README "Other languages". What each disruption did is printed (`production faults ...`).
 *
 * Needs PostgreSQL (initdb, postgres) and Go on PATH; skipped with a message otherwise.
 * PRODUCTION_SEED=<n> replays a plan, PRODUCTION_INVOICES=<n> sizes it.
 */
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvoiceClient } from '../../client/invoice-client.js';
import { invoiceSearchAttributes, ProviderAccountId } from '../../contract/search-attributes.js';
import type { IssueInvoiceResult } from '../../contract/messages.js';
import { goIsAvailable } from '../../scripts/go-install.js';
import { NativeStack } from '../../scripts/native-stack.js';
import { postgresIsAvailable } from '../../scripts/native-postgres.js';
import { SimulatorControl } from '../../simulator/control-client.js';
import { historyFacts } from '../chaos/history-facts.js';
import { chaosPolling, injectFaults, keyInvariants, optionsFor, type InvoiceRun, type KeyInvariants } from '../chaos/invariants.js';
import { throughOutages, type OutageError } from '../chaos/outage-retry.js';
import { chaosPlan, type PlannedInvoice } from '../chaos/plan.js';
import { requestNamingHost } from '../support/host-request.js';
import { sampleInvoice } from '../support/invoice-test-env.js';
import { AvailabilityProbe, distinct, longestStall, type Disruption } from './availability.js';
import { HttpInvoiceCaller } from './http-api.js';

const seed = Number(process.env.PRODUCTION_SEED ?? randomInt(1, 2 ** 31 - 1));
const invoiceCount = Number(process.env.PRODUCTION_INVOICES ?? 200);
/** When each disruption comes, from the first start; invoices start over the first 35 s. */
const SCHEDULE = { killWorkerAtMs: 8_000, restartHistoryAtMs: 18_000, restartPostgresAtMs: 28_000 } as const;
const DOWN_MS = { worker: 1_000, history: 1_000, postgres: 2_000 } as const;

const missing = [!(await postgresIsAvailable()) && 'PostgreSQL (initdb, postgres)', !(await goIsAvailable()) && 'Go'].filter(Boolean);
if (missing.length > 0) console.log(`production test skipped: ${missing.join(' and ')} not on PATH (needed to run the compose topology natively; see docs/deployment.md)`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

describe.skipIf(missing.length > 0)('the compose topology run natively, through faults', () => {
  let stack: NativeStack;
  let invoices: InvoiceClient;
  let probe: AvailabilityProbe | undefined;
  const clientErrors: (OutageError & { call: string })[] = [];
  const disruptions: Disruption[] = [];
  let runs: InvoiceRun[] = [];
  let invariants: KeyInvariants;
  const eventTimes: number[] = [];
  let durationMs = 0;

  beforeAll(async () => {
    const began = Date.now();
    stack = await NativeStack.start({ simulatorArgs: ['--job-checks', '4', '--job-settle-ms', '2000'], log: () => {} });
    const startupMs = Date.now() - began;
    invoices = await InvoiceClient.connect(stack.clientEnv);
    const sim = new SimulatorControl(stack.simulatorUrl);
    console.log(`production seed ${seed} (replay with PRODUCTION_SEED=${seed}); stack up in ${(startupMs / 1000).toFixed(1)} s: ${JSON.stringify(stack.summary())}`);

    const plan = chaosPlan(seed, invoiceCount);
    await injectFaults(sim, seed, invoiceCount / 60);
    const started: string[] = [];
    const connection = invoices.client.connection;
    probe = new AvailabilityProbe({
      // Frontend → history → PostgreSQL.
      describe: () => (started[0] ? connection.withDeadline(Date.now() + 2_000, () => invoices.handle(started[0]!).describe()) : Promise.resolve()),
      // Frontend → visibility on PostgreSQL.
      count: () => connection.withDeadline(Date.now() + 2_000, () => invoices.client.workflow.count('')),
    });
    probe.start();

    const startedAt = Date.now();
    const at = (ms: number) => sleep(startedAt + ms - Date.now());
    const retried = <T>(call: string, fn: () => Promise<T>) => throughOutages(fn, (error) => clientErrors.push({ call, ...error }));

    const runInvoice = async (planned: PlannedInvoice): Promise<InvoiceRun> => {
      await at(planned.startAtMs);
      await retried('start', () => invoices.issue(planned.key, sampleInvoice, optionsFor(planned)));
      started.push(planned.key);
      if (planned.actAtMs !== undefined) {
        await at(planned.actAtMs);
        const act = () => (planned.kind === 'approve' ? invoices.approve(planned.key, 'production-operator') : invoices.cancel(planned.key, 'cancelled by the plan'));
        await retried(planned.kind === 'approve' ? 'approve' : 'cancel', act).catch((error: unknown) => {
          // A race cancel may find the run already finished: too late, which is an outcome too.
          if (!(planned.kind === 'cancel-race' && error instanceof WorkflowNotFoundError)) throw error;
        });
      }
      try {
        return { plan: planned, result: await retried('result', () => invoices.result(planned.key)) };
      } catch (failure) {
        if (!(failure instanceof WorkflowFailedError)) throw failure;
        return { plan: planned, failure };
      }
    };

    const chaos = async () => {
      await at(SCHEDULE.killWorkerAtMs);
      const victim = stack.workers[0]!;
      const killedAt = Date.now();
      await stack.stopWorker(victim, 'SIGKILL');
      await sleep(DOWN_MS.worker);
      await stack.startWorker();
      disruptions.push({ kind: 'kill-worker', atMs: killedAt, backAtMs: Date.now(), detail: { identity: victim.identity } });

      await at(SCHEDULE.restartHistoryAtMs);
      const historyAt = Date.now();
      const history = await stack.restartService('history', DOWN_MS.history);
      disruptions.push({ kind: 'restart-history', atMs: historyAt, backAtMs: Date.now(), detail: history });

      await at(SCHEDULE.restartPostgresAtMs);
      const postgresAt = Date.now();
      const postgres = await stack.postgres.restart(DOWN_MS.postgres);
      disruptions.push({ kind: 'restart-postgres', atMs: postgresAt, backAtMs: Date.now(), detail: postgres });
    };

    const [finished] = await Promise.all([Promise.all(plan.invoices.map(runInvoice)), chaos()]);
    durationMs = Date.now() - startedAt;
    probe.stop();
    runs = finished;
    for (const run of runs) {
      const events = (await invoices.handle(run.plan.key).fetchHistory()).events ?? [];
      run.facts = historyFacts(events);
      eventTimes.push(...events.map((event) => tsToMs(event.eventTime)));
    }
    invariants = keyInvariants(runs, (await sim.invoices()).invoices);
    report();
  });

  afterAll(async () => {
    probe?.stop();
    await invoices?.close();
    await stack?.stop();
  });

  /** Printed so the figures can be quoted: what each disruption did, to clients and to workflows. */
  function report(): void {
    const resumed = runs.flatMap((run) => run.facts!.activities.filter((a) => a.resumedAfterTimeout).map((a) => ({ key: run.plan.key, type: a.activityType, startedAtMs: a.startedAtMs })));
    const faults = disruptions.map((disruption, index) => {
      const next = disruptions[index + 1]?.atMs ?? Date.now();
      const resumedHere = resumed.filter((a) => a.startedAtMs >= disruption.atMs && a.startedAtMs < next);
      const errorsHere = clientErrors.filter((e) => e.atMs >= disruption.atMs && e.atMs < next);
      return {
        kind: disruption.kind,
        detail: disruption.detail,
        partBackAfterMs: disruption.backAtMs - disruption.atMs,
        longestWorkflowStallMs: longestStall(eventTimes, disruption, next).stallMs,
        activitiesResumedAfterTimeout: resumedHere.length,
        maxActivityResumeMs: Math.max(0, ...resumedHere.map((a) => a.startedAtMs - disruption.atMs)),
        clientCallsRetried: errorsHere.length,
        clientErrors: distinct(errorsHere.map((e) => `${e.call} ${e.code}: ${e.message.slice(0, 160)}`)),
        probes: probe!.around(disruption, next),
      };
    });
    const summary = {
      seed,
      invoices: runs.length,
      issued: runs.filter((run) => run.result?.outcome === 'issued').length,
      cancelled: runs.filter((run) => run.result?.outcome === 'cancelled').length,
      failed: runs.filter((run) => run.failure).length,
      duplicates: invariants.duplicates,
      cancelledButIssued: invariants.cancelledButIssued,
      extraCreates: invariants.extraCreates,
      createRetries: invariants.createRetries,
      maxHistoryEvents: Math.max(...runs.map((run) => run.facts!.eventCount)),
      durationMs,
    };
    console.log(`production summary ${JSON.stringify(summary)}`);
    for (const fault of faults) console.log(`production faults ${JSON.stringify(fault)}`);
  }

  it(`issues ${invoiceCount} invoices with the expected outcomes, one invoice per key at SePay, every create explained`, () => {
    expect(invariants.problems).toEqual([]);
    expect(invariants.duplicates).toBe(0);
  });

  it('issues nothing it reported cancelled', () => {
    expect(invariants.cancelledButIssued).toBe(0);
  });

  it('closes every run', async () => {
    for (const run of runs) expect((await invoices.handle(run.plan.key).describe()).status.name, run.plan.key).toBe('COMPLETED');
    expect(await invoices.client.workflow.count(`ExecutionStatus = 'Running'`)).toMatchObject({ count: 0 });
  });

  it('answers visibility queries by every search attribute on PostgreSQL', async () => {
    const issuedRuns = runs.filter((run) => run.result?.outcome === 'issued');
    const issued = issuedRuns.map((run) => run.result as Extract<IssueInvoiceResult, { outcome: 'issued' }>);
    const cancelled = runs.filter((run) => run.result?.outcome === 'cancelled').length;
    const sampleKey = issuedRuns[0]!.plan.key;
    const sample = issued[0]!;
    const accountId = (await invoices.handle(sampleKey).describe()).typedSearchAttributes.get(ProviderAccountId);
    expect(accountId).toBeTruthy();
    const queries: [string, number][] = [
      [`InvoiceStage = 'issued'`, issued.length],
      [`InvoiceStage = 'cancelled'`, cancelled],
      [`InvoiceReferenceCode = '${sample.invoice.referenceCode}'`, 1],
      [`InvoiceNumber = '${sample.invoice.invoiceNumber}' AND InvoiceStage = 'issued'`, issued.filter((r) => r.invoice.invoiceNumber === sample.invoice.invoiceNumber).length],
      [`ProviderAccountId = '${accountId}' AND InvoiceStage = 'issued'`, issued.length],
    ];
    expect(new Set(queries.map(([query]) => /^\w+/.exec(query)![0]))).toEqual(new Set(invoiceSearchAttributes.map((key) => key.name)));
    for (const [query, expected] of queries) {
      expect((await invoices.client.workflow.count(query)).count, query).toBe(expected);
    }
    const listed = [];
    for await (const execution of invoices.client.workflow.list({ query: `InvoiceReferenceCode = '${sample.invoice.referenceCode}'` })) listed.push(execution.workflowId);
    expect(listed).toEqual([`invoice-${sampleKey}`]);
  });

  it('answers the HTTP API calls of README "Other languages" (payloads through the codec server)', async () => {
    const http = new HttpInvoiceCaller({ httpAddress: stack.httpAddress, namespace: stack.namespace, codecServerUrl: stack.codecServerUrl, codecToken: stack.codecToken });
    const input = (key: string) => ({ invoiceKey: key, invoice: sampleInvoice, options: { ...chaosPolling, approval: 'manual' } });
    const [approved, updated, signalled] = ['a', 'b', 'c'].map((suffix) => `http-${seed}-${suffix}`) as [string, string, string];
    for (const key of [approved, updated, signalled]) expect(await http.start(key, input(key), stack.taskQueue)).toMatchObject({ started: true });

    const awaitingApproval = async (key: string) => {
      for (let attempt = 0; attempt < 100; attempt++) {
        if ((await http.query(key).catch(() => undefined) as { stage?: string } | undefined)?.stage === 'awaiting-approval') return;
        await sleep(200);
      }
      throw new Error(`${key} never reached awaiting-approval`);
    };
    await Promise.all([approved, updated, signalled].map(awaitingApproval));

    await http.signal(approved, 'approveIssuance', { approvedBy: 'http-operator' });
    expect(await http.requestCancellation(updated, 'customer cancelled')).toMatchObject({ accepted: true });
    await http.signal(signalled, 'cancelInvoice', { reason: 'customer cancelled' });

    expect(await http.result(approved)).toMatchObject({ outcome: 'issued' });
    expect(await http.result(updated)).toMatchObject({ outcome: 'cancelled' });
    expect(await http.result(signalled)).toMatchObject({ outcome: 'cancelled' });
    expect(await http.describe(approved)).toMatchObject({ workflowExecutionInfo: { status: 'WORKFLOW_EXECUTION_STATUS_COMPLETED' } });
  });

  it("runs the server as configured: the deploy dynamic config validates, and the compose environment's settings are taken", async () => {
    const dynamicConfig = fileURLToPath(new URL('../../deploy/temporal/dynamicconfig.yaml', import.meta.url));
    await expect(promisify(execFile)(stack.build.server, ['validate-dynamic-config', dynamicConfig])).resolves.toBeDefined();
    // The frontend applies the visibility limit; its start-up lines are still in its kept output.
    const frontend = stack.services.get('frontend')!.output();
    expect(frontend).toMatch(/"msg":"Build info\."/);
    expect(frontend).toMatch(/dynamic config changed for the key: frontend\.namespacerps\.visibility/);
    expect(frontend).toMatch(/dynamic config changed for the key: frontend\.httpallowedhosts/);
    // Its HTTP API answers a loopback Host and refuses a DNS name rebound to it.
    const httpPort = Number(new URL(stack.httpAddress).port);
    const describeNamespace = (host: string) => requestNamingHost(httpPort, host, 'GET', `/api/v1/namespaces/${stack.namespace}`);
    expect((await describeNamespace(`127.0.0.1:${httpPort}`)).status).toBe(200);
    const refused = await describeNamespace(`attacker.example:${httpPort}`);
    expect(refused.status).toBe(403);
    expect(String(refused.body)).toContain('Host not allowed');
    // TEMPORAL_ALLOW_NO_AUTH from docker-compose.yml: no warning that a future version refuses to start.
    expect(frontend).not.toMatch(/allow-no-auth` not detected/);
  });

  it('serves the Web UI, which lists the invoices by search attribute', async () => {
    const response = await fetch(`${stack.uiUrl!}/api/v1/namespaces/${stack.namespace}/workflows?query=${encodeURIComponent(`InvoiceStage = 'issued'`)}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { executions?: unknown[] };
    expect(body.executions?.length).toBeGreaterThan(0);
  });
});
