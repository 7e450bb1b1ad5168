/**
 * The monitoring Schedules in the Temporal Web UI, as an operator finds them: both listed under
 * Schedules, and the usage monitor's page naming its workflow and showing the run a trigger started.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applySchedules, SCHEDULE_IDS } from '../../client/schedules.js';
import { startInvoiceTestEnv, type InvoiceTestEnv } from '../support/invoice-test-env.js';
import { launchChromium } from './chromium.js';

let env: InvoiceTestEnv;
let browser: Browser;
let page: Page;
let usageRunId: string;

const schedulesUrl = (path = '') => `${inject('temporalUiUrl')}/namespaces/${encodeURIComponent(inject('temporalNamespace'))}/schedules${path}`;

beforeAll(async () => {
  env = await startInvoiceTestEnv();
  await applySchedules(env.client, { taskQueue: env.taskQueue, usageEvery: '5 minutes', reconcileEvery: '1 day', quotaWarningThreshold: 50, draftAgeThresholdHours: 24 });
  // One run to show: the usage monitor, started now rather than in five minutes.
  const usage = env.client.schedule.getHandle(SCHEDULE_IDS.usageMonitor);
  await usage.trigger();
  usageRunId = await firstStartedWorkflowId(SCHEDULE_IDS.usageMonitor);
  await env.client.workflow.getHandle(usageRunId).result();

  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  context.setDefaultTimeout(20_000);
  page = await context.newPage();
});

/** The schedule records a triggered start a moment after `trigger()` returns. */
async function firstStartedWorkflowId(scheduleId: string): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const [started] = (await env.client.schedule.getHandle(scheduleId).describe()).info.recentActions;
    if (started) return started.action.workflow.workflowId;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`schedule ${scheduleId} started no workflow within 20 s of its trigger`);
}

afterAll(async () => {
  for (const id of Object.values(SCHEDULE_IDS)) await env?.client.schedule.getHandle(id).delete().catch(() => undefined);
  await browser?.close();
  await env?.close();
});

describe('the Schedules page of the Web UI', () => {
  it('lists the usage monitor and the reconciliation', async () => {
    await page.goto(schedulesUrl());
    const workflowTypes = { [SCHEDULE_IDS.usageMonitor]: 'usageMonitorWorkflow', [SCHEDULE_IDS.reconciliation]: 'reconciliationWorkflow' };
    for (const [id, workflowType] of Object.entries(workflowTypes)) {
      const link = page.getByRole('link', { name: id, exact: true });
      await link.waitFor();
      expect(await link.getAttribute('href')).toContain(`/schedules/${id}`);
      expect(await page.getByRole('row').filter({ has: link }).innerText()).toContain(workflowType);
    }
    await page.screenshot({ path: 'test-results/screenshots/schedules-list.png', fullPage: true });
  });

  it("shows the usage monitor's workflow and the run its trigger started", async () => {
    await page.goto(schedulesUrl(`/${SCHEDULE_IDS.usageMonitor}`));
    await page.getByText('usageMonitorWorkflow').first().waitFor();
    await page.getByRole('link', { name: usageRunId }).first().waitFor();
    await page.screenshot({ path: 'test-results/screenshots/schedules-usage-monitor.png', fullPage: true });
  });
});
