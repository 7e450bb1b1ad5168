/** Throwaway AES-256 keys for tests, as PAYLOAD_ENCRYPTION_KEYS entries. */
import { randomBytes } from 'node:crypto';
import { keyringFromEnv, type Keyring } from '../../codec/keys.js';

export const keyEntry = (keyId: string, key: Buffer = randomBytes(32)) => `${keyId}:${key.toString('base64')}`;

export function keyringOf(...entries: string[]): Keyring {
  const keyring = keyringFromEnv({ PAYLOAD_ENCRYPTION_KEYS: entries.join(',') });
  if (!keyring) throw new Error('unreachable: PAYLOAD_ENCRYPTION_KEYS is set');
  return keyring;
}
