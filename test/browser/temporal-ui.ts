/**
 * What an operator does in the Temporal Web UI (2.42), expressed with what they see: link texts,
 * button labels, headings. No CSS selectors, so a restyled UI does not break the test.
 */
import type { FrameLocator, Locator, Page } from 'playwright-core';

export function workflowListUrl(uiUrl: string, namespace: string, query: string): string {
  return `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows?query=${encodeURIComponent(query)}`;
}

/** The table row of a workflow in the list, found by its workflow id link. */
export function workflowRow(page: Page, workflowId: string): Locator {
  return page.getByRole('row').filter({ has: page.getByRole('link', { name: workflowId, exact: true }) });
}

/** A workflow's row in the list as column heading → cell text (search attribute columns included). */
export async function rowCells(page: Page, workflowId: string): Promise<Record<string, string>> {
  const headings = (await page.getByRole('columnheader').allInnerTexts()).map((text) => text.trim());
  const cells = (await workflowRow(page, workflowId).getByRole('cell').allInnerTexts()).map((text) => text.trim());
  if (headings.length !== cells.length) {
    throw new Error(`the row of ${workflowId} has ${cells.length} cells under ${headings.length} column headings: ${JSON.stringify({ headings, cells })}`);
  }
  return Object.fromEntries(headings.map((heading, i) => [heading, cells[i] ?? '']));
}

/** Workflow ids of every row in the list: call once the list has loaded (a row is visible). */
export async function listedWorkflowIds(page: Page, workflowIdPrefix: string): Promise<string[]> {
  const links = page.getByRole('row').getByRole('link', { name: workflowIdPrefix });
  return (await links.allInnerTexts()).map((text) => text.trim()).filter((text) => text.startsWith(workflowIdPrefix));
}

/**
 * Shows the invoice search attributes as list columns instead of the run id (the UI keeps this
 * choice in the browser's local storage, so it holds for every later page of the same context).
 */
export async function showColumns(page: Page, add: string[], remove: string[]): Promise<void> {
  // The gear button has no accessible name; its test id is the UI's own stable handle.
  await page.getByTestId('workflows-summary-table-configuration-button').click();
  for (const column of remove) await page.getByRole('button', { name: `Remove ${column} column` }).click();
  for (const column of add) await page.getByRole('button', { name: `Add ${column} column` }).click();
  await page.keyboard.press('Escape');
}

/** Opens one of the workflow page's tabs (History, User Metadata, Search Attributes, ...). */
export async function openTab(page: Page, name: string): Promise<void> {
  await page.getByRole('link', { name, exact: true }).or(page.getByRole('tab', { name, exact: true })).first().click();
}

/** The UI renders summaries and details as markdown in a sandboxed frame right under their heading. */
export function markdownUnder(page: Page, heading: string): FrameLocator {
  return page.getByRole('heading', { name: heading, exact: true }).locator('xpath=following::iframe[1]').contentFrame();
}
