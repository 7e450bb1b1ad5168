import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, METADATA_KEY_ID, PayloadDecryptionError, UnknownEncryptionKeyError } from '../../codec/aes-gcm-codec.js';
import { METADATA_FORMAT } from '../../codec/payload-binding.js';
import { keyEntry, keyringOf } from './keyring.js';

const buyer = { name: 'Công ty TNHH Ánh Dương', tax_code: '0109876543', email: 'ketoan@anhduong.example' };
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const metadataOf = (payload: Payload) => Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, text(value)]));

async function encryptOne(codec: AesGcmPayloadCodec, value: unknown): Promise<Payload> {
  const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
  if (!encrypted) throw new Error('encode returned no payload');
  return encrypted;
}

async function decryptOne(codec: AesGcmPayloadCodec, payload: Payload): Promise<unknown> {
  const [decrypted] = await codec.decode([payload]);
  if (!decrypted) throw new Error('decode returned no payload');
  return defaultPayloadConverter.fromPayload(decrypted);
}

describe('AesGcmPayloadCodec', () => {
  const k1 = keyEntry('k1');
  const codec = new AesGcmPayloadCodec(keyringOf(k1));

  it('turns a payload into ciphertext labelled with the key id, and back', async () => {
    const encrypted = await encryptOne(codec, { buyer });
    expect(metadataOf(encrypted)).toEqual({ [METADATA_ENCODING_KEY]: ENCRYPTED_ENCODING, [METADATA_KEY_ID]: 'k1', [METADATA_FORMAT]: '2' });
    for (const value of Object.values(buyer)) expect(text(encrypted.data)).not.toContain(value);
    expect(text(encrypted.data)).not.toContain('json/plain');
    expect(await decryptOne(codec, encrypted)).toEqual({ buyer });
  });

  it('keeps the original metadata and empty payloads intact', async () => {
    const original = defaultPayloadConverter.toPayload(undefined);
    const [decrypted] = await codec.decode(await codec.encode([original]));
    expect(metadataOf(decrypted as Payload)).toEqual(metadataOf(original));
    expect(await codec.encode([])).toEqual([]);
  });

  it('uses a fresh IV for every payload', async () => {
    const first = await encryptOne(codec, buyer);
    const second = await encryptOne(codec, buyer);
    expect(Buffer.from(first.data ?? []).equals(Buffer.from(second.data ?? []))).toBe(false);
    expect(Buffer.from(first.data ?? []).subarray(0, 12).equals(Buffer.from(second.data ?? []).subarray(0, 12))).toBe(false);
  });

  it('passes unencrypted payloads through, so histories from before encryption still read', async () => {
    const plain = defaultPayloadConverter.toPayload({ buyer });
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('after a rotation, encrypts with the new key and still decrypts with the old one', async () => {
    const before = await encryptOne(codec, { buyer });
    const rotated = new AesGcmPayloadCodec(keyringOf(keyEntry('k2'), k1));
    expect(await decryptOne(rotated, before)).toEqual({ buyer });
    const after = await encryptOne(rotated, { buyer });
    expect(metadataOf(after)[METADATA_KEY_ID]).toBe('k2');
    // The old keyring cannot read what the new key wrote.
    await expect(codec.decode([after])).rejects.toThrow(UnknownEncryptionKeyError);
  });

  it('names the unknown key id', async () => {
    const foreign = await encryptOne(new AesGcmPayloadCodec(keyringOf(keyEntry('retired-2024'))), buyer);
    const error = await codec.decode([foreign]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownEncryptionKeyError);
    expect(error).toMatchObject({ keyId: 'retired-2024', message: expect.stringContaining('"retired-2024", which is not in PAYLOAD_ENCRYPTION_KEYS (known: k1)') });
  });

  it('refuses altered ciphertext instead of returning garbage', async () => {
    const encrypted = await encryptOne(codec, buyer);
    for (const index of [0, 20, (encrypted.data?.length ?? 0) - 1]) {
      const data = Buffer.from(encrypted.data ?? []);
      data[index] = (data[index] ?? 0) ^ 0x01;
      await expect(codec.decode([{ ...encrypted, data }])).rejects.toThrow(PayloadDecryptionError);
    }
  });

  it('binds the key id: a relabelled payload fails even when the same key sits under the other id', async () => {
    const key = randomBytes(32);
    const twins = new AesGcmPayloadCodec(keyringOf(keyEntry('a', key), keyEntry('b', key)));
    const encrypted = await encryptOne(twins, buyer);
    const relabelled = { ...encrypted, metadata: { ...encrypted.metadata, [METADATA_KEY_ID]: Buffer.from('b') } };
    await expect(twins.decode([relabelled])).rejects.toThrow(/key id "b": authentication failed/);
  });

  it('refuses an encrypted payload without a key id or too short to hold an IV and a tag', async () => {
    const encrypted = await encryptOne(codec, buyer);
    const { [METADATA_KEY_ID]: _dropped, ...withoutKeyId } = encrypted.metadata ?? {};
    await expect(codec.decode([{ ...encrypted, metadata: withoutKeyId }])).rejects.toThrow(/has no encryption-key-id/);
    await expect(codec.decode([{ ...encrypted, data: Buffer.alloc(27) }])).rejects.toThrow(/too short/);
  });
});
