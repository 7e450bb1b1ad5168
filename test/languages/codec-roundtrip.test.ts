/**
 * The Python payload codec (examples/python/sepay_invoice/codec.py) and the TypeScript one
 * (codec/aes-gcm-codec.ts) read each other's payloads: TypeScript encrypts and Python decrypts, and
 * back, bound to a workflow or unbound, across a key rotation; both refuse a payload moved to
 * another workflow and a tampered one in the same way.
 */
import { execFile } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { defaultPayloadConverter, type Payload, type SerializationContext } from '@temporalio/common';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING } from '../../codec/aes-gcm-codec.js';
import { keyEntry, keyringOf } from '../codec/keyring.js';
import { fromPayloadJson, toPayloadJson, type PayloadJson } from '../codec/payload-json.js';
import { missingToolchain, VENV_PYTHON } from './examples.js';

const SCRIPT = fileURLToPath(new URL('./codec_roundtrip.py', import.meta.url));
const k1 = keyEntry('k1');
const k2 = keyEntry('k2');
const values = [
  { invoiceKey: 'order-1', invoice: { buyer: { name: 'Công ty TNHH Ví Dụ', tax_code: '0101234567' } } },
  'Invoice order-1 · draft-then-issue · auto approval',
  null,
  [1, 2.5, true],
];
const workflow = (workflowId: string): SerializationContext => ({ type: 'workflow', namespace: 'default', workflowId });

interface PythonAnswer {
  payloads?: PayloadJson[];
  error?: { type: string; message: string };
}

function python(request: { keys: string; op: 'encode' | 'decode'; workflowId?: string; payloads: Payload[] }): Promise<PythonAnswer> {
  const body = JSON.stringify({ ...request, namespace: 'default', payloads: request.payloads.map(toPayloadJson) });
  return new Promise((resolve, reject) => {
    const child = execFile(VENV_PYTHON, [SCRIPT], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' }, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`codec_roundtrip.py failed: ${stderr}`));
      else resolve(JSON.parse(stdout) as PythonAnswer);
    });
    child.stdin?.end(body);
  });
}

const payloadsOf = (answer: PythonAnswer) => {
  if (!answer.payloads) throw new Error(`python refused: ${JSON.stringify(answer.error)}`);
  return answer.payloads.map(fromPayloadJson);
};
const plain = values.map((value) => defaultPayloadConverter.toPayload(value));
const fromPayloads = (payloads: Payload[]) => payloads.map((payload) => defaultPayloadConverter.fromPayload(payload));

describe('payload encryption: TypeScript and Python read each other', () => {
  it('has the pinned Python environment (npm run python:ensure)', () => {
    expect(missingToolchain('python')).toBeUndefined();
  });

  it('TypeScript encrypts bound to a workflow, Python decrypts in that workflow', async () => {
    const sealed = await new AesGcmPayloadCodec(keyringOf(k1)).encode(plain, workflow('invoice-order-1'));
    expect(sealed.every((payload) => Buffer.from(payload.metadata!.encoding!).toString() === ENCRYPTED_ENCODING)).toBe(true);
    const opened = payloadsOf(await python({ keys: k1, op: 'decode', workflowId: 'invoice-order-1', payloads: sealed }));
    expect(fromPayloads(opened)).toEqual(values);
  });

  it('Python encrypts bound to a workflow, TypeScript decrypts it there with the same metadata', async () => {
    const sealed = payloadsOf(await python({ keys: k1, op: 'encode', workflowId: 'invoice-order-1', payloads: plain }));
    const tsSealed = await new AesGcmPayloadCodec(keyringOf(k1)).encode(plain, workflow('invoice-order-1'));
    expect(sealed.map((payload) => Object.keys(payload.metadata!).sort())).toEqual(tsSealed.map((payload) => Object.keys(payload.metadata!).sort()));
    const opened = await new AesGcmPayloadCodec(keyringOf(k1)).decode(sealed, workflow('invoice-order-1'));
    expect(fromPayloads(opened)).toEqual(values);
  });

  it('unbound payloads (no context, as the codec server writes) read anywhere, both ways', async () => {
    const fromTs = await new AesGcmPayloadCodec(keyringOf(k1)).encode(plain);
    expect(fromPayloads(payloadsOf(await python({ keys: k1, op: 'decode', workflowId: 'invoice-any', payloads: fromTs })))).toEqual(values);
    const fromPy = payloadsOf(await python({ keys: k1, op: 'encode', payloads: plain }));
    expect(fromPayloads(await new AesGcmPayloadCodec(keyringOf(k1)).decode(fromPy, workflow('invoice-any')))).toEqual(values);
  });

  it('rotation: Python with k2,k1 reads what TypeScript wrote under k1 and writes k2, which TypeScript with k2,k1 reads', async () => {
    const old = await new AesGcmPayloadCodec(keyringOf(k1)).encode(plain, workflow('invoice-order-1'));
    expect(fromPayloads(payloadsOf(await python({ keys: `${k2},${k1}`, op: 'decode', workflowId: 'invoice-order-1', payloads: old })))).toEqual(values);
    const fresh = payloadsOf(await python({ keys: `${k2},${k1}`, op: 'encode', workflowId: 'invoice-order-1', payloads: plain }));
    expect(fresh.map((payload) => Buffer.from(payload.metadata!['encryption-key-id']!).toString())).toEqual(values.map(() => 'k2'));
    expect(fromPayloads(await new AesGcmPayloadCodec(keyringOf(k2, k1)).decode(fresh, workflow('invoice-order-1')))).toEqual(values);
    await expect(new AesGcmPayloadCodec(keyringOf(k1)).decode(fresh, workflow('invoice-order-1'))).rejects.toThrow(/key id "k2"/);
  });

  it('Python reads format 1 payloads (written before binding: the key id was the only additional data)', async () => {
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from('old'));
    const sealed = Buffer.concat([iv, cipher.update(proto.temporal.api.common.v1.Payload.encode(plain[0]!).finish()), cipher.final(), cipher.getAuthTag()]);
    const formatOne: Payload = { metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING), 'encryption-key-id': Buffer.from('old') }, data: sealed };
    // TypeScript reads it as well: the same payload, both codecs.
    expect(fromPayloads(await new AesGcmPayloadCodec(keyringOf(keyEntry('old', key))).decode([formatOne], workflow('invoice-order-1')))).toEqual(values.slice(0, 1));
    const opened = payloadsOf(await python({ keys: keyEntry('old', key), op: 'decode', workflowId: 'invoice-order-1', payloads: [formatOne] }));
    expect(fromPayloads(opened)).toEqual(values.slice(0, 1));
  });

  it("Python reads a schedule's scoped payloads (format 3) in the schedule's runs, and nowhere else", async () => {
    const scheduled = new AesGcmPayloadCodec(keyringOf(k1), { scheduledWorkflowIds: ['sepay-usage-monitor'] });
    const sealed = await scheduled.encode(plain.slice(0, 1), workflow('sepay-usage-monitor'));
    expect(Buffer.from(sealed[0]!.metadata!['encryption-format']!).toString()).toBe('3');
    const inRun = await python({ keys: k1, op: 'decode', workflowId: 'sepay-usage-monitor-2026-12-07T07:20:00Z', payloads: sealed });
    expect(fromPayloads(payloadsOf(inRun))).toEqual(values.slice(0, 1));
    expect((await python({ keys: k1, op: 'decode', workflowId: 'invoice-order-1', payloads: sealed })).error?.type).toBe('PayloadBindingError');
    const unscoped = [{ ...sealed[0]!, metadata: { ...sealed[0]!.metadata, 'encryption-scope': Buffer.from('anything') } }];
    expect((await python({ keys: k1, op: 'decode', workflowId: 'sepay-usage-monitor', payloads: unscoped })).error?.type).toBe('PayloadDecryptionError');
  });

  it('both refuse a TypeScript payload moved to another workflow, and one whose metadata was relabelled', async () => {
    const sealed = await new AesGcmPayloadCodec(keyringOf(k1)).encode(plain.slice(0, 1), workflow('invoice-order-1'));
    expect((await python({ keys: k1, op: 'decode', workflowId: 'invoice-order-2', payloads: sealed })).error?.type).toBe('PayloadBindingError');
    const relabelled = [{ ...sealed[0]!, metadata: { ...sealed[0]!.metadata, 'encryption-workflow-id': Buffer.from('invoice-order-2') } }];
    expect((await python({ keys: k1, op: 'decode', workflowId: 'invoice-order-2', payloads: relabelled })).error?.type).toBe('PayloadDecryptionError');
    await expect(new AesGcmPayloadCodec(keyringOf(k1)).decode(relabelled, workflow('invoice-order-2'))).rejects.toThrow(/authentication failed/);
  });
});
