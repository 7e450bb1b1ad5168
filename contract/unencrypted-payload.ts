/**
 * What a worker that requires payload encryption hands the workflow instead of a payload that
 * arrived in clear (codec/aes-gcm-codec.ts): a marker that keeps none of the plaintext, so a start,
 * signal or update sent without the keys is refused by the code that reads it, with a typed
 * failure, rather than failing the workflow task forever in the codec.
 */
export const UNENCRYPTED_PAYLOAD_KEY = '__unencryptedPayload';

export interface UnencryptedPayload {
  readonly [UNENCRYPTED_PAYLOAD_KEY]: true;
}

export const UNENCRYPTED_PAYLOAD: UnencryptedPayload = { [UNENCRYPTED_PAYLOAD_KEY]: true };

export function isUnencryptedPayload(value: unknown): value is UnencryptedPayload {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[UNENCRYPTED_PAYLOAD_KEY] === true;
}
