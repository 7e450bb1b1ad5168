/**
 * Business apps in PHP and Python against a worker that requires payload encryption (issue #19):
 * Python encrypts with its own codec (examples/python/sepay_invoice/codec.py), PHP through the
 * codec server's `/encode` and `/decode` behind its token. Both issue, read status, cancel and read
 * a typed failure whose message travels encrypted; no byte of the buyer's data reaches Temporal.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING } from '../../codec/aes-gcm-codec.js';
import { startCodecServer, type RunningCodecServer } from '../../codec/server.js';
import { FailureType } from '../../contract/failure-types.js';
import { workflowIdFor } from '../../contract/reference-code.js';
import { keyEntry, keyringOf } from '../codec/keyring.js';
import { runExample, type Language } from '../languages/examples.js';
import { sampleInvoice, startInvoiceTestEnv, uniqueKey, type InvoiceTestEnv } from '../support/invoice-test-env.js';
import { waitForStage } from '../support/workflow-assertions.js';

const buyer = {
  ...sampleInvoice.buyer,
  name: 'Công ty TNHH Đa Ngôn Ngữ Kín',
  legal_name: 'Công ty TNHH Đa Ngôn Ngữ Kín',
  tax_code: '0105550123',
  address: '19 Ngõ Bí Mật, Ba Đình, Hà Nội',
  email: 'ketoan@dangonngu-kin.example',
};
const personalData = [buyer.name, buyer.tax_code, buyer.address, buyer.email];
const dir = tmpdir();
const PRIVATE_FILE = join(dir, `private-invoice-${process.pid}.json`);
const INVALID_FILE = join(dir, `private-invalid-invoice-${process.pid}.json`);
writeFileSync(PRIVATE_FILE, JSON.stringify({ ...sampleInvoice, buyer }));
// The failure message quotes nothing of the buyer, but it travels encrypted all the same.
writeFileSync(INVALID_FILE, JSON.stringify({ ...sampleInvoice, buyer, items: [{ ...sampleInvoice.items[0]!, quantity: 1.234 }] }));

const k1 = keyEntry('k1');
const fast = JSON.stringify({ pollInitialInterval: '50ms', pollMaximumInterval: '200ms', pollFastPhase: '1s' });
const manual = JSON.stringify({ pollInitialInterval: '50ms', pollMaximumInterval: '200ms', approval: 'manual' });

let env: InvoiceTestEnv;
let codecServer: RunningCodecServer;
let plain: Client;
const token = randomBytes(32).toString('hex');

beforeAll(async () => {
  env = await startInvoiceTestEnv({}, { workerEnv: { PAYLOAD_ENCRYPTION_KEYS: k1 } });
  codecServer = await startCodecServer({ codec: new AesGcmPayloadCodec(keyringOf(k1)), token, port: 0 });
  plain = new Client({ connection: env.client.connection, namespace: inject('temporalNamespace') });
});
afterAll(async () => {
  await codecServer?.close();
  await env?.close();
});

/** Every payload at rest but search attributes (never encoded) and sdk-core's own marker bookkeeping. */
function payloadsAtRest(value: unknown): Payload[] {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return [];
  const record = value as Record<string, unknown>;
  if ((record.metadata as Record<string, unknown> | undefined)?.encoding instanceof Uint8Array) return [record as Payload];
  if (typeof record.markerName === 'string' && record.markerName.startsWith('core_')) return [];
  return Object.entries(record).filter(([key]) => key !== 'searchAttributes').flatMap(([, child]) => payloadsAtRest(child));
}

async function expectEncryptedAtRest(key: string): Promise<void> {
  const history = await plain.workflow.getHandle(workflowIdFor(key)).fetchHistory();
  const payloads = payloadsAtRest(history);
  expect(payloads.length).toBeGreaterThan(3);
  expect(payloads.map((payload) => Buffer.from(payload.metadata!.encoding!).toString()).filter((encoding) => encoding !== ENCRYPTED_ENCODING)).toEqual([]);
  const bytes = Buffer.from(proto.temporal.api.history.v1.History.encode(history).finish());
  for (const value of personalData) expect(bytes.includes(Buffer.from(value, 'utf8')), `"${value}" in the stored history`).toBe(false);
}

describe.each<Language>(['python', 'php'])('%s with encryption on', (language) => {
  const run = (...args: string[]) =>
    runExample(language, {
      temporalAddress: inject('temporalAddress'),
      temporalHttpAddress: inject('temporalHttpAddress'),
      namespace: inject('temporalNamespace'),
      taskQueue: env.taskQueue,
      env: language === 'python' ? { PAYLOAD_ENCRYPTION_KEYS: k1 } : { CODEC_SERVER_URL: codecServer.url, CODEC_SERVER_TOKEN: token },
    }, args);

  it('issues, reads the result and the status; nothing of the buyer reaches Temporal', async () => {
    const key = uniqueKey(`${language}-sealed`);
    expect((await run('issue', '--key', key, '--file', PRIVATE_FILE, '--options', fast)).code).toBe(0);
    const answer = await run('result', '--key', key);
    expect(answer.json).toMatchObject({ result: { outcome: 'issued', invoice: { referenceCode: key } } });
    expect((await run('status', '--key', key)).json).toMatchObject({ stage: 'issued', invoiceKey: key });
    // The summary is encrypted too, and still reads for a keyed client.
    expect(await (await env.client.workflow.getHandle(workflowIdFor(key)).describe()).staticSummary()).toBe(`Invoice ${key} · draft-then-issue · auto approval`);
    await expectEncryptedAtRest(key);
  });

  it('the cancel update and its answer travel encrypted', async () => {
    const key = uniqueKey(`${language}-sealed-cancel`);
    await run('issue', '--key', key, '--file', PRIVATE_FILE, '--options', manual);
    await waitForStage(env.client.workflow.getHandle(workflowIdFor(key)), 'awaiting-approval');
    expect((await run('cancel', '--key', key, '--reason', 'đơn hàng huỷ', '--update')).json).toEqual({ accepted: true, stage: 'awaiting-approval' });
    expect((await run('result', '--key', key)).json).toMatchObject({ result: { outcome: 'cancelled', reason: 'đơn hàng huỷ', draftDeleted: true } });
    await expectEncryptedAtRest(key);
  });

  it('a failure reads back typed, its encrypted message decoded', async () => {
    const key = uniqueKey(`${language}-sealed-invalid`);
    await run('issue', '--key', key, '--file', INVALID_FILE);
    const failed = await run('result', '--key', key);
    expect(failed).toMatchObject({ code: 3, json: { failure: { type: FailureType.InvalidInvoiceInput } } });
    expect(String((failed.json.failure as { message: string }).message)).toContain('invoice.items.0.quantity');
    await expectEncryptedAtRest(key);
  });
});

it('PHP without the codec server: its input in clear is refused by the worker (PayloadNotEncrypted), nothing sent to SePay', async () => {
  const key = uniqueKey('php-clear');
  const php = (...args: string[]) =>
    runExample('php', { temporalAddress: inject('temporalAddress'), temporalHttpAddress: inject('temporalHttpAddress'), namespace: inject('temporalNamespace'), taskQueue: env.taskQueue }, args);
  await php('issue', '--key', key, '--file', PRIVATE_FILE, '--options', fast);
  // The failure is encrypted by the worker: without the codec the type still reads (it is never encrypted).
  const failed = await php('result', '--key', key);
  expect(failed).toMatchObject({ code: 3, json: { failure: { type: FailureType.PayloadNotEncrypted } } });
  const { invoices } = await env.sim.invoices();
  expect(invoices.filter((invoice) => invoice.reference_code === key)).toHaveLength(0);
});
