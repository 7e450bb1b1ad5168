/**
 * Encrypts every payload with AES-256-GCM under the keyring's current key; decrypts with whichever
 * key the payload names, so histories written before a rotation stay readable.
 *
 * Wire format (after the Temporal encryption samples): the whole original Payload, metadata
 * included, serialized with the SDK's proto types is the plaintext; the encrypted payload carries
 * `encoding: binary/encrypted`, `encryption-key-id: <id>`, `encryption-format: 2` and where it
 * belongs (`payload-binding.ts`) in its metadata and `iv (12 bytes) ‖ ciphertext ‖ GCM tag
 * (16 bytes)` as its data. All of that metadata is GCM's additional data: a payload relabelled or
 * moved to another workflow fails. Format 1 payloads (key id only, no format field) still decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload, type PayloadCodec, type SerializationContext } from '@temporalio/common';
import proto from '@temporalio/proto';
import { UNENCRYPTED_PAYLOAD } from '../contract/unencrypted-payload.js';
import { PAYLOAD_ENCRYPTION_KEYS, type Keyring } from './keys.js';
import {
  additionalData,
  bindingOf,
  checkBinding,
  CURRENT_FORMAT,
  formatOf,
  METADATA_FORMAT,
  METADATA_NAMESPACE,
  METADATA_SCOPE,
  METADATA_WORKFLOW_ID,
  SCOPED_FORMAT,
  type PayloadBinding,
} from './payload-binding.js';

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

export interface AesGcmCodecOptions {
  /**
   * The worker's PAYLOAD_ENCRYPTION_REQUIRED: a payload that arrives in clear is replaced by the
   * `UNENCRYPTED_PAYLOAD` marker (its plaintext goes no further), which the workflow's input
   * validation refuses with `PayloadNotEncrypted`. Clients and the codec server pass it through.
   */
  requireEncryption?: boolean;
  /**
   * Workflow ids of Schedules' actions (contract/schedule-ids.ts): what is written for them is
   * scoped to the schedule, so the runs it starts under `<id>-<start time>` can read it.
   */
  scheduledWorkflowIds?: readonly string[];
}

const text = (value: string) => Buffer.from(value, 'utf8');
const readText = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(
    private readonly keyring: Keyring,
    private readonly options: AesGcmCodecOptions = {},
  ) {}

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const binding = bindingOf(context, this.options.scheduledWorkflowIds);
    return payloads.map((payload) => this.encrypt(payload, binding));
  }

  async decode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (readText(payload.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING) return this.decrypt(payload, context);
      // Otherwise written before encryption was switched on (old histories still read), or by a
      // client without the keys, which a worker that requires encryption refuses.
      return this.options.requireEncryption ? defaultPayloadConverter.toPayload(UNENCRYPTED_PAYLOAD) : payload;
    });
  }

  private encrypt(payload: Payload, binding: PayloadBinding): Payload {
    const keyId = this.keyring.currentKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, this.key(keyId), iv, { authTagLength: TAG_BYTES }).setAAD(additionalData(ENCRYPTED_ENCODING, keyId, binding));
    const plaintext = ProtoPayload.encode(payload).finish();
    const data = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    const metadata: Record<string, Uint8Array> = {
      [METADATA_ENCODING_KEY]: text(ENCRYPTED_ENCODING),
      [METADATA_KEY_ID]: text(keyId),
      [METADATA_FORMAT]: text(formatOf(binding)),
    };
    if (binding.namespace !== undefined) metadata[METADATA_NAMESPACE] = text(binding.namespace);
    if (binding.workflowId !== undefined) metadata[METADATA_WORKFLOW_ID] = text(binding.workflowId);
    if (binding.scope !== undefined) metadata[METADATA_SCOPE] = text(binding.scope);
    return { metadata, data };
  }

  private decrypt(payload: Payload, context: SerializationContext | undefined): Payload {
    const keyId = readText(payload.metadata?.[METADATA_KEY_ID]);
    if (!keyId) throw new PayloadDecryptionError(undefined, `its metadata has no ${METADATA_KEY_ID}`);
    const aad = this.additionalDataOf(payload, keyId, context);
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(keyId, 'its data is too short to hold an IV and a tag');
    const decipher = createDecipheriv(CIPHER, this.key(keyId), data.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES })
      .setAAD(aad)
      .setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(keyId, 'authentication failed (the data or its metadata was altered, or the key under this id is not the one that encrypted it)');
    }
    return ProtoPayload.decode(plaintext);
  }

  /** Format 1 bound the key id only; formats 2 and 3 bind their metadata, checked against `context` first. */
  private additionalDataOf(payload: Payload, keyId: string, context: SerializationContext | undefined): Buffer {
    const format = readText(payload.metadata?.[METADATA_FORMAT]);
    if (format === undefined) return text(keyId);
    if (format !== CURRENT_FORMAT && format !== SCOPED_FORMAT) throw new PayloadDecryptionError(keyId, `unknown ${METADATA_FORMAT} "${format}"`);
    const bound: PayloadBinding = { namespace: readText(payload.metadata?.[METADATA_NAMESPACE]), workflowId: readText(payload.metadata?.[METADATA_WORKFLOW_ID]) };
    if (format === SCOPED_FORMAT) {
      const scope = readText(payload.metadata?.[METADATA_SCOPE]);
      // The only scope there is; any other value (or none) is a relabelled payload.
      if (scope !== 'schedule' || bound.workflowId === undefined) throw new PayloadDecryptionError(keyId, `format ${SCOPED_FORMAT} needs ${METADATA_SCOPE} "schedule" and a workflow id`);
      bound.scope = scope;
    }
    checkBinding(bound, context);
    return additionalData(ENCRYPTED_ENCODING, keyId, bound);
  }

  private key(keyId: string) {
    const key = this.keyring.keys.get(keyId);
    if (!key) throw new UnknownEncryptionKeyError(keyId, this.keyring.keys.keys());
    return key;
  }
}
