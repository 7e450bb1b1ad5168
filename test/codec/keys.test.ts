import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_KEY_PLACEHOLDER, keyringFromEnv, PayloadEncryptionConfigError } from '../../codec/keys.js';
import { loadWorkerConfig, WorkerConfigError } from '../../worker/config.js';
import { keyEntry } from './keyring.js';

function problemsOf(value: string): { message: string; problems: string[] } {
  try {
    keyringFromEnv({ PAYLOAD_ENCRYPTION_KEYS: value });
  } catch (error) {
    expect(error).toBeInstanceOf(PayloadEncryptionConfigError);
    return { message: (error as Error).message, problems: (error as PayloadEncryptionConfigError).problems };
  }
  throw new Error('expected a PayloadEncryptionConfigError');
}

describe('PAYLOAD_ENCRYPTION_KEYS', () => {
  it('is off when unset', () => {
    expect(keyringFromEnv({})).toBeUndefined();
  });

  it('encrypts with the first key and knows them all', () => {
    const keyring = keyringFromEnv({ PAYLOAD_ENCRYPTION_KEYS: ` ${keyEntry('2026-05')} , ${keyEntry('2025-11')}` });
    expect(keyring?.currentKeyId).toBe('2026-05');
    expect([...(keyring?.keys.keys() ?? [])]).toEqual(['2026-05', '2025-11']);
    expect(keyring?.keys.get('2025-11')?.symmetricKeySize).toBe(32);
  });

  it('lists every bad entry with its key id, and never prints key material', () => {
    const short = randomBytes(16).toString('base64');
    const pastedKeyOnly = randomBytes(32).toString('base64');
    const { message, problems } = problemsOf([`k1:${short}`, pastedKeyOnly, keyEntry('k2'), keyEntry('k2'), 'k3:not base64!'].join(','));
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^PAYLOAD_ENCRYPTION_KEYS: entry 1 of 5 \(key id "k1"\): the key must be 32 bytes/);
    expect(problems[1]).toMatch(/^PAYLOAD_ENCRYPTION_KEYS: entry 2 of 5: expected <keyId>:<base64 key>/);
    expect(problems[2]).toMatch(/entry 4 of 5: key id "k2" appears twice/);
    expect(problems[3]).toMatch(/entry 5 of 5 \(key id "k3"\)/);
    expect(message).not.toContain(short);
    // A key pasted without its id is not mistaken for an id and echoed.
    expect(message).not.toContain(pastedKeyOnly.slice(0, 8));
  });

  it("refuses the env examples' placeholder, naming the command that makes a key (issue #20)", () => {
    expect(problemsOf(`k-example:${EXAMPLE_KEY_PLACEHOLDER}`).problems).toEqual([
      'PAYLOAD_ENCRYPTION_KEYS: entry 1 of 1 (key id "k-example"): still the example\'s placeholder, not a key; generate one with `echo "k$(date +%Y%m):$(openssl rand -base64 32)"` and put it in its place',
    ]);
  });

  it('refuses an empty value instead of silently writing plaintext', () => {
    expect(problemsOf('  ').problems).toEqual(['PAYLOAD_ENCRYPTION_KEYS: is empty (leave it unset to turn payload encryption off)']);
  });

  it('is part of the worker configuration, reported with the other problems', () => {
    const worker = { SEPAY_CLIENT_ID: 'id', SEPAY_CLIENT_SECRET: 'secret' };
    expect(loadWorkerConfig(worker).payloadEncryption).toBeUndefined();
    expect(loadWorkerConfig({ ...worker, PAYLOAD_ENCRYPTION_KEYS: keyEntry('k1') }).payloadEncryption?.currentKeyId).toBe('k1');
    const key = randomBytes(31).toString('base64');
    const error = (() => {
      try {
        loadWorkerConfig({ SEPAY_CLIENT_ID: 'id', PAYLOAD_ENCRYPTION_KEYS: `k1:${key}` });
      } catch (e) {
        return e as WorkerConfigError;
      }
    })();
    expect(error).toBeInstanceOf(WorkerConfigError);
    expect(error?.problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^SEPAY_CLIENT_SECRET: /), expect.stringMatching(/^PAYLOAD_ENCRYPTION_KEYS: entry 1 of 1 \(key id "k1"\)/)]),
    );
    expect(error?.message).not.toContain(key);
  });

  it('requires encryption whenever keys are set, unless PAYLOAD_ENCRYPTION_REQUIRED=false', () => {
    const worker = { SEPAY_CLIENT_ID: 'id', SEPAY_CLIENT_SECRET: 'secret', PAYLOAD_ENCRYPTION_KEYS: keyEntry('k1') };
    expect(loadWorkerConfig(worker).payloadEncryption?.requireEncryption).toBe(true);
    expect(loadWorkerConfig({ ...worker, PAYLOAD_ENCRYPTION_REQUIRED: 'true' }).payloadEncryption?.requireEncryption).toBe(true);
    expect(loadWorkerConfig({ ...worker, PAYLOAD_ENCRYPTION_REQUIRED: 'false' }).payloadEncryption?.requireEncryption).toBe(false);
    const { PAYLOAD_ENCRYPTION_KEYS: _keys, ...withoutKeys } = worker;
    expect(() => loadWorkerConfig({ ...withoutKeys, PAYLOAD_ENCRYPTION_REQUIRED: 'true' })).toThrow(/PAYLOAD_ENCRYPTION_REQUIRED: is true, but PAYLOAD_ENCRYPTION_KEYS is not set/);
    expect(() => loadWorkerConfig({ ...worker, PAYLOAD_ENCRYPTION_REQUIRED: 'yes' })).toThrow(WorkerConfigError);
  });
});
