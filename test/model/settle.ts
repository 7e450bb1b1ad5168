/**
 * The end of a sequence: SePay healthy again (no faults, the seeded accounts back, quota topped up and the open runs told),
 * every waiting approval given, every key's latest run closed and no SePay job pending; a key whose
 * latest run ended without a result is re-run once with its last content, as an operator would.
 * Only then do the invariants say anything: a sequence cut off mid-flight proves nothing, and a run
 * still waiting for quota nobody will add would make I5 ("every run ends") meaningless.
 */
import { WorkflowNotFoundError, type WorkflowExecutionStatusName } from '@temporalio/client';
import { quotaToppedUpSignal } from '../../contract/messages.js';
import { setAccounts } from './account-commands.js';
import { CONTENTS } from './contents.js';
import { signalQuotaToppedUp } from './environment-commands.js';
import { recordIssue, type KeyModel, type SequenceModel } from './model.js';
import { within, type RealSystem } from './real-system.js';

const POLL_MS = 300;
const QUERY_MS = 5_000;
/** Enough for every run a sequence can start, whatever quota the sequence left. */
const SETTLE_QUOTA = 1_000;
const ENDED_WITHOUT_RESULT: ReadonlySet<WorkflowExecutionStatusName> = new Set(['TERMINATED', 'TIMED_OUT', 'FAILED']);

export interface StillOpen {
  key: string;
  runId: string;
  stage: string;
}

async function latestStatus(real: RealSystem, key: KeyModel): Promise<{ runId: string; status: WorkflowExecutionStatusName } | undefined> {
  try {
    const description = await real.invoices.handle(key.key).describe();
    return { runId: description.runId, status: description.status.name };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/**
 * The stage a run reports, approving it when it waits for approval and telling it once that the
 * quota was topped up when it waits for quota; 'unknown' when it does not answer.
 */
async function nudge(real: RealSystem, key: KeyModel, runId: string, toldOfQuota: Set<string>): Promise<string> {
  try {
    const { stage } = await within(QUERY_MS, 'status query', real.invoices.getStatus(key.key));
    if (stage === 'awaiting-approval') await real.invoices.approve(key.key, 'model test settle');
    if (stage === 'awaiting-quota' && !toldOfQuota.has(runId)) {
      toldOfQuota.add(runId);
      await real.invoices.handle(key.key, runId).signal(quotaToppedUpSignal);
    }
    return stage;
  } catch {
    return 'unknown (no answer to the status query)';
  }
}

/** Waits until every key's latest run has closed, or the deadline; answers the runs still open. */
async function untilClosed(model: SequenceModel, real: RealSystem, deadline: number): Promise<StillOpen[]> {
  const toldOfQuota = new Set<string>();
  for (;;) {
    const open: StillOpen[] = [];
    for (const key of model.keys) {
      const latest = await latestStatus(real, key);
      if (latest?.status === 'RUNNING') open.push({ key: key.key, runId: latest.runId, stage: await nudge(real, key, latest.runId, toldOfQuota) });
    }
    if (open.length === 0 || Date.now() >= deadline) return open;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Waits (bounded) until SePay has no job pending: a job a terminated run left behind settles on
 * its own, and what SePay ends up holding is what the invariants must judge.
 */
async function untilJobsSettled(real: RealSystem, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const { jobs } = await real.env.sim.jobs();
    if (!jobs.some((job) => job.status === 'Pending')) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function untilQuiet(model: SequenceModel, real: RealSystem, boundMs: number): Promise<StillOpen[]> {
  const deadline = Date.now() + boundMs;
  const stillOpen = await untilClosed(model, real, deadline);
  await untilJobsSettled(real, deadline);
  return stillOpen;
}

/** Answers the runs still open after the bound (each is an I5 violation). */
export async function settle(model: SequenceModel, real: RealSystem, boundMs: number): Promise<StillOpen[]> {
  await real.env.sim.clearFaults();
  if (model.accounts.length > 1) await setAccounts(model, real, 'restore', 'restore (settle)');
  await real.env.sim.setJobChecks(1);
  if ((await real.env.sim.quota()) < SETTLE_QUOTA) await real.env.sim.setQuota(SETTLE_QUOTA);
  await signalQuotaToppedUp(model, real);
  const stillOpen = await untilQuiet(model, real, boundMs);
  if (stillOpen.length > 0) return stillOpen;

  for (const key of model.keys) {
    const latest = await latestStatus(real, key);
    if (!latest || !ENDED_WITHOUT_RESULT.has(latest.status) || !key.lastContent || !key.lastOptions) continue;
    const run = await real.invoices.issue(key.key, CONTENTS[key.lastContent], key.lastOptions);
    recordIssue(key, run, key.lastContent, key.lastOptions, true);
  }
  return untilQuiet(model, real, boundMs);
}
