/**
 * Payload encryption end to end, all real: the suite's dev server, a worker and a client with the
 * AES-GCM codec, the simulator, the codec server and the Temporal CLI. What Temporal stores is
 * ciphertext; who holds the key reads results, failures and (through the codec server) histories;
 * after a key rotation, invoices written under the old key still read and finish.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FailureType, InvoiceClient } from '../../client/index.js';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, METADATA_KEY_ID, UnknownEncryptionKeyError } from '../../codec/aes-gcm-codec.js';
import { dataConverterFromEnv } from '../../codec/data-converter.js';
import { METADATA_FORMAT, METADATA_NAMESPACE, METADATA_WORKFLOW_ID } from '../../codec/payload-binding.js';
import { startCodecServer } from '../../codec/server.js';
import { ensureTemporalCli } from '../../scripts/temporal-cli.js';
import { cancelInvoiceSignal, getInvoiceStatusQuery } from '../../contract/messages.js';
import { workflowIdFor } from '../../contract/reference-code.js';
import { keyEntry, keyringOf } from '../codec/keyring.js';
import { fromPayloadJson, type PayloadJson } from '../codec/payload-json.js';
import { fastPolling, sampleInvoice, startInvoiceTestEnv, uniqueKey, type InvoiceTestEnv } from '../support/invoice-test-env.js';
import { failureOf, waitForStage } from '../support/workflow-assertions.js';

type History = proto.temporal.api.history.v1.IHistory;

const buyer = {
  ...sampleInvoice.buyer,
  name: 'Công ty TNHH Bảo Mật Ánh Dương',
  legal_name: 'Công ty TNHH Bảo Mật Ánh Dương',
  tax_code: '0109876543',
  address: '77 Phố Riêng Tư, Hoàn Kiếm, Hà Nội',
  email: 'ketoan@anhduong-baomat.example',
};
const privateInvoice = { ...sampleInvoice, buyer };
const personalData = [buyer.name, buyer.tax_code, buyer.address, buyer.email];

const k1 = keyEntry('k1');
const k2 = keyEntry('k2');
const keysBefore = { PAYLOAD_ENCRYPTION_KEYS: k1 };
const keysAfter = { PAYLOAD_ENCRYPTION_KEYS: `${k2},${k1}` };

let env: InvoiceTestEnv;
/** The same server without any key: sees what Temporal stores. */
let plain: Client;
let invoices: InvoiceClient;

beforeAll(async () => {
  env = await startInvoiceTestEnv({}, { workerEnv: keysBefore });
  plain = new Client({ connection: env.client.connection, namespace: inject('temporalNamespace') });
  invoices = new InvoiceClient({ client: env.client, taskQueue: env.taskQueue });
});
afterAll(async () => {
  await env?.close();
});

/** The client a business app gets from `PAYLOAD_ENCRYPTION_KEYS` (the env owns the connection). */
function invoiceClientWith(keys: Record<string, string>): InvoiceClient {
  const client = new Client({ connection: env.client.connection, namespace: inject('temporalNamespace'), dataConverter: dataConverterFromEnv(keys) });
  return new InvoiceClient({ client, taskQueue: env.taskQueue });
}

function rawHistory(invoiceKey: string): Promise<History> {
  return plain.workflow.getHandle(workflowIdFor(invoiceKey)).fetchHistory();
}

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

function metadataOf(payload: Payload | null | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(payload?.metadata ?? {}).map(([key, value]) => [key, text(value)]));
}

/** Marker details sdk-core writes itself, unencoded: a patch's id, a local activity's bookkeeping. */
const CORE_MARKER_DETAILS: Readonly<Record<string, string>> = { core_patch: 'patch-data', core_local_activity: 'data' };

/**
 * Every payload in the history, with where it sits. Left out: search attributes (Temporal must
 * read them to index them, so no codec ever touches them; ours carry no personal data) and
 * sdk-core's own marker details (a local activity's result is ours, and stays in).
 */
function payloadsAtRest(value: unknown, path = 'history'): { path: string; payload: Payload }[] {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return [];
  const record = value as Record<string, unknown>;
  const metadata = record.metadata as Record<string, unknown> | undefined;
  if (metadata && typeof metadata === 'object' && metadata.encoding instanceof Uint8Array) return [{ path, payload: record as Payload }];
  const coreDetails = typeof record.markerName === 'string' ? CORE_MARKER_DETAILS[record.markerName] : undefined;
  return Object.entries(record)
    .filter(([key]) => key !== 'searchAttributes')
    .flatMap(([key, child]) => {
      const kept = key === 'details' && coreDetails ? Object.fromEntries(Object.entries(child as object).filter(([name]) => name !== coreDetails)) : child;
      return payloadsAtRest(kept, `${path}.${key}`);
    });
}

/** Neither the stored bytes nor their JSON rendering contain any of the buyer's data. */
function expectNoPersonalData(history: History): void {
  const bytes = Buffer.from(proto.temporal.api.history.v1.History.encode(history).finish());
  const json = historyToJSON(history);
  for (const value of personalData) {
    expect(bytes.includes(Buffer.from(value, 'utf8')), `"${value}" in the stored history`).toBe(false);
    expect(json).not.toContain(value);
  }
}

function keyIdOf(payload: Payload | null | undefined): string | undefined {
  return metadataOf(payload)[METADATA_KEY_ID];
}

describe('payload encryption', () => {
  it('stores ciphertext only, while the client holding the key reads the result', async () => {
    const key = uniqueKey('encrypted');
    await invoices.issue(key, privateInvoice, fastPolling);
    const result = await invoices.result(key);
    expect(result).toMatchObject({ outcome: 'issued', invoice: { referenceCode: key, invoiceNumber: expect.any(String) } });

    const history = await rawHistory(key);
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(metadataOf(started?.input?.payloads?.[0])).toEqual({
      encoding: ENCRYPTED_ENCODING,
      [METADATA_KEY_ID]: 'k1',
      [METADATA_FORMAT]: '2',
      [METADATA_NAMESPACE]: inject('temporalNamespace'),
      [METADATA_WORKFLOW_ID]: workflowIdFor(key),
    });
    // The Web UI summary, the activity summaries, memo and result: every payload, not only the input.
    const atRest = payloadsAtRest(history);
    expect(atRest.map(({ path }) => path)).toEqual(
      expect.arrayContaining([
        'history.events.0.userMetadata.summary',
        expect.stringMatching(/^history\.events\.\d+\.userMetadata\.summary$/),
        expect.stringMatching(/activityTaskScheduledEventAttributes\.input\.payloads\.0$/),
        expect.stringMatching(/activityTaskCompletedEventAttributes\.result\.payloads\.0$/),
        // The client starts the run with its memo (the run writes only what changes later).
        expect.stringMatching(/workflowExecutionStartedEventAttributes\.memo\.fields\.referenceGeneration$/),
        expect.stringMatching(/upsertedMemo\.fields\.issueRequested$/),
        expect.stringMatching(/workflowExecutionCompletedEventAttributes\.result\.payloads\.0$/),
      ]),
    );
    for (const { path, payload } of atRest) expect(metadataOf(payload).encoding, path).toBe(ENCRYPTED_ENCODING);
    expectNoPersonalData(history);

    // Without the key, nothing reads: the SDK's default converter does not know the encoding.
    await expect(plain.workflow.getHandle(workflowIdFor(key)).result()).rejects.toThrow(/Unknown encoding: binary\/encrypted/);
  });

  it('encrypts failure messages, which may quote the buyer, and decrypts them for the client', async () => {
    const quote = `Mã số thuế ${buyer.tax_code} không khớp với tên ${buyer.name}`;
    await env.sim.addFault({ endpoint: 'create', kind: 'job-fail', times: 1, message: quote });
    const key = uniqueKey('encrypted-failure');
    await invoices.issue(key, privateInvoice, fastPolling);

    const failure = await failureOf(invoices.result(key));
    expect(failure.type).toBe(FailureType.SepayJobFailed);
    expect(failure.message).toContain(quote);

    const history = await rawHistory(key);
    const failed = history.events?.at(-1)?.workflowExecutionFailedEventAttributes?.failure;
    expect(failed).toMatchObject({ message: 'Encoded failure', applicationFailureInfo: { type: FailureType.SepayJobFailed } });
    expect(metadataOf(failed?.encodedAttributes).encoding).toBe(ENCRYPTED_ENCODING);
    expectNoPersonalData(history);
  });

  it('shows the invoice through the codec server to a token holder (Temporal CLI), and to nobody else', async () => {
    const key = uniqueKey('codec-server');
    await invoices.issue(key, privateInvoice, fastPolling);
    await invoices.result(key);
    const token = randomBytes(32).toString('hex');
    const served: string[] = [];
    const logger = { info: (line: string) => served.push(line), error: () => {} };
    const server = await startCodecServer({ codec: new AesGcmPayloadCodec(keyringOf(k1)), token, port: 0, logger });
    try {
      const cli = await ensureTemporalCli();
      // The endpoint and the token in the CLI's environment, as docs/encryption.md shows: on a
      // command line, every local user could read the token in /proc/PID/cmdline.
      const show = (codecEnv: Record<string, string>, ...args: string[]) =>
        promisify(execFile)(cli, [
          'workflow', 'show',
          '--address', inject('temporalAddress'),
          '--namespace', inject('temporalNamespace'),
          '--workflow-id', workflowIdFor(key),
          ...args,
          '--output', 'json',
        ], { timeout: 60_000, env: { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_CODEC_ENDPOINT: server.url, ...codecEnv } });

      const { stdout } = await show({ TEMPORAL_CODEC_AUTH: `Bearer ${token}` });
      const shown = JSON.parse(stdout) as { events: { workflowExecutionStartedEventAttributes: { input: { payloads: PayloadJson[] } } }[] };
      const input = fromPayloadJson(shown.events[0]?.workflowExecutionStartedEventAttributes.input.payloads[0] ?? {});
      expect(metadataOf(input).encoding).toBe('json/plain');
      expect(defaultPayloadConverter.fromPayload(input)).toMatchObject({ invoiceKey: key, invoice: { buyer } });

      served.length = 0;
      // The CLI retries a failing codec until its command times out: keep that short.
      const refused = await show({}, '--command-timeout', '3s').then(
        ({ stdout: leaked }) => leaked,
        (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
      );
      for (const value of personalData) expect(refused).not.toContain(value);
      expect(served.length).toBeGreaterThan(0);
      for (const line of served) expect(line).toMatch(/decode.*401/);
    } finally {
      await server.close();
    }
  });

  it('refuses an invoice started in clear by a client without the keys: typed failure, nothing sent to SePay', async () => {
    const key = uniqueKey('plaintext-start');
    const requestsBefore = (await env.sim.stats()).total;
    const run = await plain.workflow.start('issueInvoiceWorkflow', {
      taskQueue: env.taskQueue,
      workflowId: workflowIdFor(key),
      args: [{ invoiceKey: key, invoice: privateInvoice, options: fastPolling }],
    });
    // The failure is encrypted like everything the worker writes: only a keyed client reads it.
    const failure = await failureOf(env.client.workflow.getHandle(run.workflowId).result());
    expect(failure.type).toBe(FailureType.PayloadNotEncrypted);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/arrived unencrypted/);
    expect((await env.sim.stats()).total).toBe(requestsBefore);
    expect((await env.sim.invoices()).invoices.map((invoice) => invoice.reference_code)).not.toContain(key);
  });

  it('hands the workflow none of a signal sent in clear, and keeps running', async () => {
    const key = uniqueKey('plaintext-signal');
    const waiting = await invoices.issue(key, privateInvoice, { ...fastPolling, approval: 'manual' });
    await waitForStage(waiting.handle, 'awaiting-approval');
    await plain.workflow.getHandle(workflowIdFor(key)).signal(cancelInvoiceSignal, { reason: buyer.name });
    // The keyed client still gets answers from the same run: the worker did not stall on the signal.
    const status = await env.client.workflow.getHandle(workflowIdFor(key)).query(getInvoiceStatusQuery);
    expect(JSON.stringify(status)).not.toContain(buyer.name);
    // Ignored, not taken as a cancel without a reason: the run still waits for approval.
    expect(status).toMatchObject({ stage: 'awaiting-approval' });
    expect(status.cancellation).toBeUndefined();
    await invoices.cancel(key, 'cleanup');
  });
  it('after a key rotation, reads and finishes the invoices written under the old key and writes new ones under the new key', async () => {
    const finishedKey = uniqueKey('rotation-finished');
    const waitingKey = uniqueKey('rotation-waiting');
    await invoices.issue(finishedKey, privateInvoice, fastPolling);
    const finishedBefore = await invoices.result(finishedKey);
    const waiting = await invoices.issue(waitingKey, privateInvoice, { ...fastPolling, approval: 'manual' });
    await waitForStage(waiting.handle, 'awaiting-approval');

    // Redeploy: the new key first, the old one kept to decrypt.
    await env.restartWorker(keysAfter);
    const rotated = invoiceClientWith(keysAfter);

    expect(await rotated.result(finishedKey)).toEqual(finishedBefore);
    expect(await rotated.getStatus(waitingKey)).toMatchObject({ stage: 'awaiting-approval', approval: 'waiting' });
    await rotated.approve(waitingKey, 'kế toán trưởng');
    expect(await rotated.result(waitingKey)).toMatchObject({ outcome: 'issued', invoice: { referenceCode: waitingKey } });

    const waitingHistory = await rawHistory(waitingKey);
    const eventOf = <K extends keyof proto.temporal.api.history.v1.IHistoryEvent>(name: K) =>
      waitingHistory.events?.find((event) => event[name])?.[name] as proto.temporal.api.history.v1.IHistoryEvent[K];
    expect(keyIdOf(eventOf('workflowExecutionStartedEventAttributes')?.input?.payloads?.[0])).toBe('k1');
    expect(keyIdOf(eventOf('workflowExecutionSignaledEventAttributes')?.input?.payloads?.[0])).toBe('k2');
    expect(keyIdOf(eventOf('workflowExecutionCompletedEventAttributes')?.result?.payloads?.[0])).toBe('k2');
    expectNoPersonalData(waitingHistory);

    const newKey = uniqueKey('rotation-new');
    await rotated.issue(newKey, privateInvoice, fastPolling);
    expect(await rotated.result(newKey)).toMatchObject({ outcome: 'issued' });
    const newHistory = await rawHistory(newKey);
    const keyIds = new Set(payloadsAtRest(newHistory).map(({ payload }) => keyIdOf(payload)));
    expect([...keyIds]).toEqual(['k2']);
    // A client still on the old keyring cannot read what the new key wrote, and says which key it lacks.
    await expect(invoiceClientWith(keysBefore).result(newKey)).rejects.toThrow(UnknownEncryptionKeyError);
  });

});
