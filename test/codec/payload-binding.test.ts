/**
 * What an encrypted payload is bound to (codec/payload-binding.ts): the workflow and namespace the
 * SDK names when it encodes, and every metadata field; what a worker requiring encryption makes of
 * a payload in clear; and format 1 payloads (key id only) written before binding existed.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload, type SerializationContext } from '@temporalio/common';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, METADATA_KEY_ID, PayloadDecryptionError } from '../../codec/aes-gcm-codec.js';
import { METADATA_FORMAT, METADATA_NAMESPACE, METADATA_SCOPE, METADATA_WORKFLOW_ID, PayloadBindingError } from '../../codec/payload-binding.js';
import { SCHEDULE_IDS, SCHEDULED_WORKFLOW_IDS } from '../../contract/schedule-ids.js';
import { isUnencryptedPayload } from '../../contract/unencrypted-payload.js';
import { keyEntry, keyringOf } from './keyring.js';

const buyer = { name: 'Công ty TNHH Ánh Dương', tax_code: '0109876543' };
const key = randomBytes(32);
const codec = new AesGcmPayloadCodec(keyringOf(keyEntry('k1', key)));
const requiring = new AesGcmPayloadCodec(keyringOf(keyEntry('k1', key)), { requireEncryption: true });

const workflow = (workflowId: string, namespace = 'default'): SerializationContext => ({ type: 'workflow', namespace, workflowId });
const activityOf = (workflowId: string): SerializationContext => ({ type: 'activity', namespace: 'default', workflowId, activityId: '3', isLocal: false });
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

async function encrypt(value: unknown, context?: SerializationContext): Promise<Payload> {
  const [payload] = await codec.encode([defaultPayloadConverter.toPayload(value)], context);
  return payload!;
}

async function decrypt(target: AesGcmPayloadCodec, payload: Payload, context?: SerializationContext): Promise<unknown> {
  const [decoded] = await target.decode([payload], context);
  return defaultPayloadConverter.fromPayload(decoded!);
}

describe('payload binding', () => {
  it('records the workflow and namespace in clear and decrypts where they match', async () => {
    const payload = await encrypt({ buyer }, workflow('invoice-order-1'));
    expect(text(payload.metadata?.[METADATA_WORKFLOW_ID])).toBe('invoice-order-1');
    expect(text(payload.metadata?.[METADATA_NAMESPACE])).toBe('default');
    expect(await decrypt(codec, payload, workflow('invoice-order-1'))).toEqual({ buyer });
    // An activity of that workflow, and the codec server (no context), read it too.
    expect(await decrypt(codec, payload, activityOf('invoice-order-1'))).toEqual({ buyer });
    expect(await decrypt(codec, payload)).toEqual({ buyer });
  });

  it('refuses a ciphertext moved into another workflow or namespace', async () => {
    const payload = await encrypt({ buyer }, workflow('invoice-order-1'));
    await expect(codec.decode([payload], workflow('invoice-order-2'))).rejects.toThrow(PayloadBindingError);
    await expect(codec.decode([payload], activityOf('invoice-order-2'))).rejects.toThrow(/workflow id "invoice-order-1" was delivered to workflow id "invoice-order-2"/);
    await expect(codec.decode([payload], workflow('invoice-order-1', 'other'))).rejects.toThrow(/namespace "default"/);
  });

  it('authenticates every metadata field: a relabelled workflow, namespace, format or dropped binding fails', async () => {
    const payload = await encrypt({ buyer }, workflow('invoice-order-1'));
    const relabel = (field: string, value: string | undefined): Payload => {
      const { [field]: _old, ...rest } = payload.metadata ?? {};
      return { ...payload, metadata: value === undefined ? rest : { ...rest, [field]: Buffer.from(value) } };
    };
    const tampered = [
      relabel(METADATA_WORKFLOW_ID, 'invoice-order-2'),
      relabel(METADATA_WORKFLOW_ID, undefined),
      relabel(METADATA_NAMESPACE, 'other'),
      relabel(METADATA_NAMESPACE, undefined),
    ];
    for (const moved of tampered) await expect(codec.decode([moved])).rejects.toThrow(/authentication failed/);
    // Dropping the format falls back to format 1, whose additional data is the key id alone.
    await expect(codec.decode([relabel(METADATA_FORMAT, undefined)])).rejects.toThrow(PayloadDecryptionError);
    await expect(codec.decode([relabel(METADATA_FORMAT, '9')])).rejects.toThrow(/unknown encryption-format "9"/);
  });

  it('leaves a payload encoded without context (the codec server, the Web UI) unbound', async () => {
    const payload = await encrypt({ buyer });
    expect(payload.metadata?.[METADATA_WORKFLOW_ID]).toBeUndefined();
    expect(await decrypt(codec, payload, workflow('invoice-any'))).toEqual({ buyer });
  });

  it('still decrypts format 1 payloads (the key id was the only additional data)', async () => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from('k1'));
    const plaintext = proto.temporal.api.common.v1.Payload.encode(defaultPayloadConverter.toPayload({ buyer })).finish();
    const data = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    const formatOne = { metadata: { [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING), [METADATA_KEY_ID]: Buffer.from('k1') }, data };
    expect(await decrypt(codec, formatOne, workflow('invoice-order-1'))).toEqual({ buyer });
  });
});

describe("a Schedule's action (issue #20: scheduled runs could not read their input)", () => {
  // The codec worker and client get from encryptingDataConverter.
  const scheduling = new AesGcmPayloadCodec(keyringOf(keyEntry('k1', key)), { scheduledWorkflowIds: SCHEDULED_WORKFLOW_IDS });
  const runId = `${SCHEDULE_IDS.usageMonitor}-2026-12-07T07:20:00Z`;

  async function scheduled(value: unknown): Promise<Payload> {
    const [payload] = await scheduling.encode([defaultPayloadConverter.toPayload(value)], workflow(SCHEDULE_IDS.usageMonitor));
    return payload!;
  }

  it('is scoped to the schedule: the runs it starts (<id>-<start time>) read it', async () => {
    const payload = await scheduled({ warningThreshold: 5 });
    expect(text(payload.metadata?.[METADATA_SCOPE])).toBe('schedule');
    expect(text(payload.metadata?.[METADATA_FORMAT])).toBe('3');
    expect(await decrypt(requiring, payload, workflow(runId))).toEqual({ warningThreshold: 5 });
    expect(await decrypt(requiring, payload, workflow(SCHEDULE_IDS.usageMonitor))).toEqual({ warningThreshold: 5 });
    expect(await decrypt(requiring, payload)).toEqual({ warningThreshold: 5 });
  });

  it('is refused anywhere else: an invoice, the other schedule, an id that only starts like a run of it', async () => {
    const payload = await scheduled({ warningThreshold: 5 });
    for (const elsewhere of [
      'invoice-order-1',
      `${SCHEDULE_IDS.reconciliation}-2026-12-07T07:20:00Z`,
      `${SCHEDULE_IDS.usageMonitor}-x`,
      `${runId}-again`,
      `${SCHEDULE_IDS.usageMonitor}-2026-12-07T07:20:00.5Z`,
    ]) {
      await expect(scheduling.decode([payload], workflow(elsewhere))).rejects.toThrow(PayloadBindingError);
    }
    await expect(scheduling.decode([payload], workflow(runId, 'other'))).rejects.toThrow(PayloadBindingError);
  });

  it('scopes nothing else: an invoice payload is not readable in a run-like id (keys may hold ":")', async () => {
    const [payload] = await scheduling.encode([defaultPayloadConverter.toPayload({ buyer })], workflow('invoice-order-1'));
    expect(payload!.metadata?.[METADATA_SCOPE]).toBeUndefined();
    expect(text(payload!.metadata?.[METADATA_FORMAT])).toBe('2');
    await expect(scheduling.decode([payload!], workflow('invoice-order-1-2026-12-07T07:20:00Z'))).rejects.toThrow(PayloadBindingError);
  });

  it('authenticates the scope: adding it to an invoice payload, dropping it, or changing the format fails', async () => {
    const relabel = (payload: Payload, changes: Record<string, string | undefined>): Payload => {
      const metadata = { ...payload.metadata };
      for (const [field, value] of Object.entries(changes)) {
        if (value === undefined) delete metadata[field];
        else metadata[field] = Buffer.from(value);
      }
      return { ...payload, metadata };
    };
    const invoicePayload = await encrypt({ buyer }, workflow('invoice-order-1'));
    const schedulePayload = await scheduled({ warningThreshold: 5 });
    const forged = [
      relabel(invoicePayload, { [METADATA_SCOPE]: 'schedule', [METADATA_FORMAT]: '3' }),
      relabel(schedulePayload, { [METADATA_SCOPE]: undefined, [METADATA_FORMAT]: '2' }),
      relabel(schedulePayload, { [METADATA_FORMAT]: '2' }),
      relabel(schedulePayload, { [METADATA_WORKFLOW_ID]: 'invoice-order-1' }),
    ];
    for (const payload of forged) await expect(scheduling.decode([payload])).rejects.toThrow(PayloadDecryptionError);
    await expect(scheduling.decode([relabel(schedulePayload, { [METADATA_SCOPE]: 'anything' })])).rejects.toThrow(/needs encryption-scope "schedule"/);
  });
});

describe('requireEncryption', () => {
  it('replaces a payload in clear by a marker that keeps none of it', async () => {
    const plain = defaultPayloadConverter.toPayload({ buyer });
    const [marker] = await requiring.decode([plain], workflow('invoice-order-1'));
    expect(isUnencryptedPayload(defaultPayloadConverter.fromPayload(marker!))).toBe(true);
    expect(text(marker!.data)).not.toContain(buyer.name);
    // Encrypted payloads read as usual; without the option a payload in clear passes through.
    expect(await decrypt(requiring, await encrypt({ buyer }), workflow('invoice-order-1'))).toEqual({ buyer });
    expect(await decrypt(codec, plain)).toEqual({ buyer });
  });
});
