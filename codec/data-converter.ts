/**
 * The one data converter of worker and client: encrypted payloads and failure messages when
 * `PAYLOAD_ENCRYPTION_KEYS` is set, the SDK's defaults otherwise.
 */
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DataConverter } from '@temporalio/common';
import { SCHEDULED_WORKFLOW_IDS } from '../contract/schedule-ids.js';
import { AesGcmPayloadCodec, type AesGcmCodecOptions } from './aes-gcm-codec.js';
import { keyringFromEnv, type Keyring } from './keys.js';

const here = fileURLToPath(import.meta.url);
/** The SDK `require()`s it (and bundles it into workflows): .ts from the sources, .js once compiled. */
export const FAILURE_CONVERTER_PATH = join(dirname(here), `failure-converter${extname(here)}`);

/** A keyring, and for a worker whether it refuses payloads that arrive in clear. */
export type PayloadEncryption = Keyring & AesGcmCodecOptions;

export function encryptingDataConverter({ requireEncryption, ...keyring }: PayloadEncryption): DataConverter {
  const codec = new AesGcmPayloadCodec(keyring, { requireEncryption, scheduledWorkflowIds: SCHEDULED_WORKFLOW_IDS });
  return { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH };
}

/** Undefined (the SDK's default converter) when encryption is off; throws `PayloadEncryptionConfigError`. */
export function dataConverterFromEnv(env: Record<string, string | undefined> = process.env): DataConverter | undefined {
  const keyring = keyringFromEnv(env);
  return keyring && encryptingDataConverter(keyring);
}
