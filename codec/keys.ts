/**
 * The payload encryption keyring, from `PAYLOAD_ENCRYPTION_KEYS`: comma-separated
 * `<keyId>:<base64 of 32 random bytes>` entries. The first entry is the current key (it encrypts);
 * every entry decrypts, so a rotation puts the new key first and keeps the old ones behind it
 * until no history needs them.
 *
 * Problems name the variable, the entry and the key id, never key material.
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';

export const PAYLOAD_ENCRYPTION_KEYS = 'PAYLOAD_ENCRYPTION_KEYS';

/** AES-256. */
export const KEY_BYTES = 32;

/** Stored in every encrypted payload's metadata: plain characters, so it can be printed and logged. */
const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * What the committed env examples hold instead of a key, so encryption is on by default and a
 * copied example cannot start a worker until someone generates a key: refused with the command.
 */
export const EXAMPLE_KEY_PLACEHOLDER = 'REPLACE-WITH-THE-OUTPUT-OF-openssl-rand-base64-32';
export const GENERATE_KEY_COMMAND = 'echo "k$(date +%Y%m):$(openssl rand -base64 32)"';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface Keyring {
  /** Encrypts every new payload. */
  currentKeyId: string;
  /** Every key that may decrypt, the current one included. */
  keys: ReadonlyMap<string, KeyObject>;
}

export class PayloadEncryptionConfigError extends Error {
  override readonly name = 'PayloadEncryptionConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid payload encryption configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Validates and parses the variable's value; usable as a field of a larger env schema. */
export const PayloadEncryptionKeysSchema = z.string().transform((value, ctx): Keyring => {
  if (value.trim() === '') {
    ctx.addIssue({ code: 'custom', message: 'is empty (leave it unset to turn payload encryption off)' });
    return z.NEVER;
  }
  const problems: string[] = [];
  const keys = new Map<string, KeyObject>();
  const entries = value.split(',').map((entry) => entry.trim());
  entries.forEach((entry, index) => {
    const where = `entry ${index + 1} of ${entries.length}`;
    const separator = entry.indexOf(':');
    const keyId = separator === -1 ? '' : entry.slice(0, separator).trim();
    // The text before ':' is printed only once it looks like an id: it might be a pasted key.
    if (!KEY_ID.test(keyId)) {
      problems.push(`${where}: expected <keyId>:<base64 key> with a key id of letters, digits, '.', '_' or '-' (at most 64)`);
      return;
    }
    const encoded = entry.slice(separator + 1).trim();
    if (encoded === EXAMPLE_KEY_PLACEHOLDER) {
      problems.push(`${where} (key id "${keyId}"): still the example's placeholder, not a key; generate one with \`${GENERATE_KEY_COMMAND}\` and put it in its place`);
      return;
    }
    const key = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : undefined;
    if (!key || key.length !== KEY_BYTES) {
      problems.push(`${where} (key id "${keyId}"): the key must be ${KEY_BYTES} bytes, base64-encoded (e.g. \`openssl rand -base64 32\`)`);
      return;
    }
    if (keys.has(keyId)) {
      problems.push(`${where}: key id "${keyId}" appears twice`);
      return;
    }
    keys.set(keyId, createSecretKey(key));
  });
  for (const message of problems) ctx.addIssue({ code: 'custom', message });
  const [currentKeyId] = keys.keys();
  if (problems.length > 0 || currentKeyId === undefined) return z.NEVER;
  return { currentKeyId, keys };
});

/**
 * The keyring from the environment, or undefined when `PAYLOAD_ENCRYPTION_KEYS` is unset
 * (encryption off). Throws `PayloadEncryptionConfigError` listing every problem.
 */
export function keyringFromEnv(env: Record<string, string | undefined>): Keyring | undefined {
  const value = env[PAYLOAD_ENCRYPTION_KEYS];
  if (value === undefined) return undefined;
  const parsed = PayloadEncryptionKeysSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new PayloadEncryptionConfigError(parsed.error.issues.map((issue) => `${PAYLOAD_ENCRYPTION_KEYS}: ${issue.message}`));
}
