/**
 * Encrypts every payload with AES-256-GCM under the keyring's current key; decrypts with whichever
 * key the payload names, so histories written before a rotation stay readable.
 *
 * Wire format (after the Temporal encryption samples): the whole original Payload, metadata
 * included, serialized with the SDK's proto types is the plaintext; the encrypted payload carries
 * `encoding: binary/encrypted` and `encryption-key-id: <id>` in its metadata and
 * `iv (12 bytes) ‖ ciphertext ‖ GCM tag (16 bytes)` as its data. The key id is also the GCM
 * additional data, so a payload relabelled with another key id fails authentication.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { PAYLOAD_ENCRYPTION_KEYS, type Keyring } from './keys.js';

// A CommonJS package whose exports Node cannot name statically: its default export is the proto root.
const { Payload: ProtoPayload } = proto.temporal.api.common.v1;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';

const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class UnknownEncryptionKeyError extends Error {
  override readonly name = 'UnknownEncryptionKeyError';
  constructor(
    readonly keyId: string,
    knownKeyIds: Iterable<string>,
  ) {
    super(`A payload is encrypted with key id "${keyId}", which is not in ${PAYLOAD_ENCRYPTION_KEYS} (known: ${[...knownKeyIds].join(', ')})`);
  }
}

export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
  constructor(
    readonly keyId: string | undefined,
    reason: string,
  ) {
    super(`Cannot decrypt a payload${keyId === undefined ? '' : ` with key id "${keyId}"`}: ${reason}`);
  }
}

const text = (value: string) => Buffer.from(value, 'utf8');
const readText = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keyring: Keyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    // Payloads written before encryption was switched on pass through, so old histories still read.
    return payloads.map((payload) => (readText(payload.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING ? this.decrypt(payload) : payload));
  }

  private encrypt(payload: Payload): Payload {
    const keyId = this.keyring.currentKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, this.key(keyId), iv, { authTagLength: TAG_BYTES }).setAAD(text(keyId));
    const plaintext = ProtoPayload.encode(payload).finish();
    const data = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return { metadata: { [METADATA_ENCODING_KEY]: text(ENCRYPTED_ENCODING), [METADATA_KEY_ID]: text(keyId) }, data };
  }

  private decrypt(payload: Payload): Payload {
    const keyId = readText(payload.metadata?.[METADATA_KEY_ID]);
    if (!keyId) throw new PayloadDecryptionError(undefined, `its metadata has no ${METADATA_KEY_ID}`);
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(keyId, 'its data is too short to hold an IV and a tag');
    const decipher = createDecipheriv(CIPHER, this.key(keyId), data.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES })
      .setAAD(text(keyId))
      .setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(keyId, 'authentication failed (the data or its key id was altered, or the key under this id is not the one that encrypted it)');
    }
    return ProtoPayload.decode(plaintext);
  }

  private key(keyId: string) {
    const key = this.keyring.keys.get(keyId);
    if (!key) throw new UnknownEncryptionKeyError(keyId, this.keyring.keys.keys());
    return key;
  }
}
