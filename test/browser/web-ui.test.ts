/**
 * The Temporal Web UI in a real browser, as an operator uses it: the invoice list filtered by
 * stage, and an invoice's summary, current details and search attributes. Screenshots go to
 * test-results/screenshots/ (git-ignored) for a human to look at.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { InvoiceClient } from '../../client/index.js';
import type { IssueInvoiceResult } from '../../contract/messages.js';
import { referenceCodeFor, workflowIdFor } from '../../contract/reference-code.js';
import { InvoiceNumber, InvoiceReferenceCode, InvoiceStage } from '../../contract/search-attributes.js';
import { fastPolling, sampleInvoice, startInvoiceTestEnv, uniqueKey, type InvoiceTestEnv } from '../support/invoice-test-env.js';
import { waitForStage } from '../support/workflow-assertions.js';
import { launchChromium } from './chromium.js';
import { listedWorkflowIds, markdownUnder, openTab, rowCells, showColumns, workflowListUrl, workflowRow } from './temporal-ui.js';
import { waitUntilListed } from './visibility.js';

const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
const WORKFLOW_ID_PREFIX = workflowIdFor('');
const CANCEL_REASON = 'customer changed the order';

let env: InvoiceTestEnv;
let invoices: InvoiceClient;
let browser: Browser;
let context: BrowserContext;
let page: Page;

const issued = { key: uniqueKey('ui-issued'), result: undefined as IssueInvoiceResult | undefined };
const cancelled = { key: uniqueKey('ui-cancelled') };
const pending = { key: uniqueKey('ui-pending') };
const stageQuery = (stage: string) => `${InvoiceStage.name}="${stage}"`;

/** Every invoice here is its key's first run, so its reference code is the first generation's. */
const referenceCode = (key: string) => referenceCodeFor(key, 1);

function screenshot(name: string): Promise<Buffer> {
  return page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

function issuedInvoiceNumber(): string {
  if (issued.result?.outcome !== 'issued') throw new Error(`the invoice ${issued.key} was not issued: ${JSON.stringify(issued.result)}`);
  return issued.result.invoice.invoiceNumber;
}

beforeAll(async () => {
  // Only this run's pictures: a stale one from an earlier failure would mislead.
  rmSync(SCREENSHOTS, { recursive: true, force: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  env = await startInvoiceTestEnv({ jobChecksUntilDone: 1 });
  invoices = new InvoiceClient({ client: env.client, taskQueue: env.taskQueue });

  // Through InvoiceClient, as a business app does: it sets the summary the UI shows.
  const [issuedRun, cancelledRun, pendingRun] = await Promise.all([
    invoices.issue(issued.key, sampleInvoice, fastPolling),
    invoices.issue(cancelled.key, sampleInvoice, { ...fastPolling, approval: 'manual' }),
    invoices.issue(pending.key, sampleInvoice, { ...fastPolling, approval: 'manual' }),
  ]);
  await waitForStage(cancelledRun.handle, 'awaiting-approval');
  await invoices.cancel(cancelled.key, CANCEL_REASON);
  [issued.result] = await Promise.all([issuedRun.handle.result(), cancelledRun.handle.result(), waitForStage(pendingRun.handle, 'awaiting-approval')]);

  await Promise.all([
    waitUntilListed(env.client, stageQuery('issued'), [workflowIdFor(issued.key)]),
    waitUntilListed(env.client, stageQuery('cancelled'), [workflowIdFor(cancelled.key)]),
    waitUntilListed(env.client, stageQuery('awaiting-approval'), [workflowIdFor(pending.key)]),
  ]);

  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  context.setDefaultTimeout(20_000);
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

beforeEach(async () => {
  page = await context.newPage();
});

afterEach(async ({ task }) => {
  // What the page showed when a check failed is the quickest clue to why.
  if (task.result?.state === 'fail') {
    await screenshot(`failed-${task.name.replace(/\W+/g, '-')}`);
  }
  await page.close();
});

describe('the invoice list, filtered by stage', () => {
  beforeAll(async () => {
    const setup = await context.newPage();
    try {
      await setup.goto(workflowListUrl(inject('temporalUiUrl'), inject('temporalNamespace'), stageQuery('issued')));
      await showColumns(setup, [InvoiceStage.name, InvoiceNumber.name, InvoiceReferenceCode.name], ['Run ID', 'Type']);
      await setup.getByRole('button', { name: 'Collapse saved views' }).click();
    } finally {
      await setup.close();
    }
  });

  it('unfiltered: every invoice, with its stage and reference code', async () => {
    await page.goto(workflowListUrl(inject('temporalUiUrl'), inject('temporalNamespace'), `WorkflowType="issueInvoiceWorkflow"`));
    await workflowRow(page, workflowIdFor(issued.key)).waitFor();

    const all = [issued.key, cancelled.key, pending.key];
    expect((await listedWorkflowIds(page, WORKFLOW_ID_PREFIX)).sort()).toEqual(all.map(workflowIdFor).sort());
    for (const [key, stage] of [[issued.key, 'issued'], [cancelled.key, 'cancelled'], [pending.key, 'awaiting-approval']] as const) {
      expect(await rowCells(page, workflowIdFor(key))).toMatchObject({ [InvoiceStage.name]: stage, [InvoiceReferenceCode.name]: referenceCode(key) });
    }
    await screenshot('invoices-all');
  });

  it.each([
    ['issued', issued.key, 'Completed'],
    ['cancelled', cancelled.key, 'Completed'],
    ['awaiting-approval', pending.key, 'Running'],
  ])('%s: shows only that stage\'s invoices', async (stage, key, status) => {
    await page.goto(workflowListUrl(inject('temporalUiUrl'), inject('temporalNamespace'), stageQuery(stage)));
    const row = workflowRow(page, workflowIdFor(key));
    await row.waitFor();

    // The filter is applied (a chip shows it), and only the invoices in that stage are listed.
    await page.getByRole('button', { name: new RegExp(`${InvoiceStage.name}\\s*=\\s*"${stage}"`) }).waitFor();
    expect(await listedWorkflowIds(page, WORKFLOW_ID_PREFIX)).toEqual([workflowIdFor(key)]);
    expect(await rowCells(page, workflowIdFor(key))).toMatchObject({
      Status: status,
      [InvoiceStage.name]: stage,
      [InvoiceReferenceCode.name]: referenceCode(key),
      [InvoiceNumber.name]: stage === 'issued' ? issuedInvoiceNumber() : '',
    });
    await screenshot(`invoices-${stage}`);
  });
});

describe('an invoice\'s own page', () => {
  it('issued: summary, current details and search attributes', async () => {
    const invoiceNumber = issuedInvoiceNumber();
    await page.goto(workflowListUrl(inject('temporalUiUrl'), inject('temporalNamespace'), stageQuery('issued')));
    await page.getByRole('link', { name: workflowIdFor(issued.key), exact: true }).click();

    await openTab(page, 'User Metadata');
    await markdownUnder(page, 'Summary').getByText(`Invoice ${issued.key} · draft-then-issue · auto approval`).waitFor();
    const details = markdownUnder(page, 'Current Details');
    await details.getByText(/Stage:\s*issued/).waitFor();
    await details.getByText(new RegExp(`Reference code:\\s*${referenceCode(issued.key)}`)).waitFor();
    await details.getByText(new RegExp(`Invoice number:\\s*${invoiceNumber}$`)).waitFor();
    await screenshot('invoice-issued-metadata');

    await openTab(page, 'Search Attributes');
    await page.getByText(`"${InvoiceStage.name}": "issued"`).waitFor();
    await page.getByText(`"${InvoiceReferenceCode.name}": "${referenceCode(issued.key)}"`).waitFor();
    await page.getByText(`"${InvoiceNumber.name}": "${invoiceNumber}"`).waitFor();
    await screenshot('invoice-issued-search-attributes');
  });

  it('cancelled: summary, current details with the reason, and search attributes', async () => {
    await page.goto(workflowListUrl(inject('temporalUiUrl'), inject('temporalNamespace'), stageQuery('cancelled')));
    await page.getByRole('link', { name: workflowIdFor(cancelled.key), exact: true }).click();

    await openTab(page, 'User Metadata');
    await markdownUnder(page, 'Summary').getByText(`Invoice ${cancelled.key} · draft-then-issue · manual approval`).waitFor();
    const details = markdownUnder(page, 'Current Details');
    await details.getByText(/Stage:\s*cancelled/).waitFor();
    await details.getByText(`Cancellation: accepted (${CANCEL_REASON})`).waitFor();
    // Nobody waits for an approval any more.
    expect(await details.getByText('Approval:').count()).toBe(0);
    await screenshot('invoice-cancelled-metadata');

    await openTab(page, 'Search Attributes');
    await page.getByText(`"${InvoiceStage.name}": "cancelled"`).waitFor();
    await page.getByText(`"${InvoiceReferenceCode.name}": "${referenceCode(cancelled.key)}"`).waitFor();
    // Never issued, so no invoice number.
    expect(await page.getByText(`"${InvoiceNumber.name}"`).count()).toBe(0);
    await screenshot('invoice-cancelled-search-attributes');
  });
});
