import { existsSync } from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import {
  decodeOptionalFailureToOptionalError,
  encodeErrorToFailure,
  encodeToPayloads,
  loadDataConverter,
} from '@temporalio/common/lib/internal-non-workflow/index.js';
import { describe, expect, it } from 'vitest';
import { ENCRYPTED_ENCODING } from '../../codec/aes-gcm-codec.js';
import { dataConverterFromEnv, FAILURE_CONVERTER_PATH } from '../../codec/data-converter.js';
import { PayloadEncryptionConfigError } from '../../codec/keys.js';
import { keyEntry } from './keyring.js';

const secretMessage = 'SePay refused buyer.tax_code 0109876543 for Công ty TNHH Ánh Dương';

describe('dataConverterFromEnv', () => {
  it("is the SDK's default when PAYLOAD_ENCRYPTION_KEYS is unset", () => {
    expect(dataConverterFromEnv({})).toBeUndefined();
  });

  it('throws the typed configuration error for a bad keyring', () => {
    expect(() => dataConverterFromEnv({ PAYLOAD_ENCRYPTION_KEYS: 'k1:short' })).toThrow(PayloadEncryptionConfigError);
  });

  it('loads the way the SDK loads it, and encrypts payloads and failure messages', async () => {
    const dataConverter = dataConverterFromEnv({ PAYLOAD_ENCRYPTION_KEYS: keyEntry('k1') });
    expect(existsSync(FAILURE_CONVERTER_PATH)).toBe(true);
    // What Worker.create and new Client() do with it: require the failure converter by path.
    const loaded = loadDataConverter(dataConverter);

    const [payload] = (await encodeToPayloads(loaded, { message: secretMessage })) ?? [];
    expect(Buffer.from(payload?.metadata?.encoding ?? []).toString()).toBe(ENCRYPTED_ENCODING);

    const failure = await encodeErrorToFailure(loaded, ApplicationFailure.create({ type: 'SepayValidationFailed', message: secretMessage }));
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    expect(Buffer.from(failure.encodedAttributes?.metadata?.encoding ?? []).toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(failure.encodedAttributes?.data ?? []).toString('utf8')).not.toContain('0109876543');

    const error = await decodeOptionalFailureToOptionalError(loaded, failure);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: 'SepayValidationFailed', message: secretMessage });
  });
});
