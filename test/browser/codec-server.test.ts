/**
 * The Web UI in a real browser, reading encrypted invoices through the codec server: an operator
 * whose browser has the codec endpoint with the token sees the buyer; with a wrong token (or
 * none) the page shows ciphertext only. The endpoint sits where the UI keeps an operator's own
 * codec setting: the browser's local storage.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { InvoiceClient } from '../../client/index.js';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec.js';
import { startCodecServer, type RunningCodecServer } from '../../codec/server.js';
import { workflowIdFor } from '../../contract/reference-code.js';
import { keyEntry, keyringOf } from '../codec/keyring.js';
import { fastPolling, sampleInvoice, startInvoiceTestEnv, uniqueKey, type InvoiceTestEnv } from '../support/invoice-test-env.js';
import { launchChromium } from './chromium.js';
import { markdownUnder, openTab } from './temporal-ui.js';

const key = keyEntry('k1');
const token = randomBytes(32).toString('hex');
const invoiceKey = uniqueKey('ui-encrypted');
const buyer = { ...sampleInvoice.buyer, name: 'Công ty TNHH Mật Mã Hồng Hà', tax_code: '0107654321' };

let env: InvoiceTestEnv;
let codecServer: RunningCodecServer;
let browser: Browser;
let runId: string;
const codecLog: string[] = [];

beforeAll(async () => {
  env = await startInvoiceTestEnv({}, { workerEnv: { PAYLOAD_ENCRYPTION_KEYS: key } });
  const invoices = new InvoiceClient({ client: env.client, taskQueue: env.taskQueue });
  const run = await invoices.issue(invoiceKey, { ...sampleInvoice, buyer }, fastPolling);
  await run.handle.result();
  runId = run.runId;
  codecServer = await startCodecServer({
    codec: new AesGcmPayloadCodec(keyringOf(key)),
    token,
    corsOrigins: [new URL(inject('temporalUiUrl')).origin],
    port: 0,
    logger: { info: (line) => codecLog.push(line), error: (line, error) => console.error(line, error) },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await codecServer?.close();
  await env?.close();
});

/** The invoice's page in a fresh browser whose UI settings hold this codec endpoint. */
async function invoicePageWith(endpoint: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  context.setDefaultTimeout(20_000);
  await context.addInitScript((url) => {
    // Runs in the page (serialized: no outside references), where `localStorage` exists; this project's types know no DOM.
    (globalThis as unknown as { localStorage: { setItem(name: string, value: string): void } }).localStorage.setItem('endpoint', JSON.stringify(url));
  }, endpoint);
  const page = await context.newPage();
  const namespace = encodeURIComponent(inject('temporalNamespace'));
  await page.goto(`${inject('temporalUiUrl')}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowIdFor(invoiceKey))}/${runId}/history`);
  return { context, page };
}

describe('encrypted invoices in the Web UI', () => {
  it('shows the buyer to an operator whose codec endpoint holds the token', async () => {
    const { context, page } = await invoicePageWith(`${codecServer.url}/${token}`);
    try {
      await page.getByText(buyer.name).first().waitFor();
      await page.getByText(buyer.tax_code).first().waitFor();
      await openTab(page, 'User Metadata');
      await markdownUnder(page, 'Summary').getByText(`Invoice ${invoiceKey}`).waitFor();
      // The codec server logs method, operation and status only (docs/security-http.md).
      expect(codecLog.some((line) => line.startsWith('POST decode 200'))).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('shows ciphertext only with a wrong token, and the codec server refuses it', async () => {
    codecLog.length = 0;
    const { context, page } = await invoicePageWith(`${codecServer.url}/${randomBytes(32).toString('hex')}`);
    try {
      // The UI falls back to the payload as stored: its encoding, base64-encoded, is on the page.
      await page.getByText(Buffer.from('binary/encrypted').toString('base64')).first().waitFor();
      expect(await page.getByText(buyer.name).count()).toBe(0);
      expect(await page.getByText(buyer.tax_code).count()).toBe(0);
      // Preflights are answered (CORS); every decode itself is refused.
      const decodes = codecLog.filter((line) => !line.startsWith('OPTIONS '));
      expect(decodes.length).toBeGreaterThan(0);
      for (const line of decodes) expect(line).toMatch(/^POST decode 401\b/);
    } finally {
      await context.close();
    }
  });
});
