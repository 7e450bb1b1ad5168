import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CodecServerConfigError, loadCodecServerConfig } from '../../codec/server-config.js';
import { keyEntry } from './keyring.js';

const token = randomBytes(32).toString('hex');
const minimal = { PAYLOAD_ENCRYPTION_KEYS: `${keyEntry('k2')},${keyEntry('k1')}`, CODEC_SERVER_TOKEN: token };

function problemsOf(env: Record<string, string>): CodecServerConfigError {
  try {
    loadCodecServerConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(CodecServerConfigError);
    return error as CodecServerConfigError;
  }
  throw new Error('expected a CodecServerConfigError');
}

describe('codec server configuration', () => {
  it('binds 127.0.0.1:8888 with no browser origin by default', () => {
    const config = loadCodecServerConfig(minimal);
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8888, corsOrigins: [], token });
    expect(config.keyring.currentKeyId).toBe('k2');
  });

  it('reads the address and the allowed origins', () => {
    const config = loadCodecServerConfig({ ...minimal, CODEC_SERVER_ADDRESS: '[::1]:0', CODEC_SERVER_CORS_ORIGINS: 'http://127.0.0.1:8233, https://temporal.example.com' });
    expect(config).toMatchObject({ host: '::1', port: 0, corsOrigins: ['http://127.0.0.1:8233', 'https://temporal.example.com'] });
  });

  it('requires the keys and a strong token, lists every problem and never echoes the token', () => {
    const weak = 'short-token';
    const error = problemsOf({ CODEC_SERVER_TOKEN: weak, CODEC_SERVER_CORS_ORIGINS: '*,http://ui.example/path', CODEC_SERVER_ADDRESS: 'localhost' });
    const problems = error.problems.join('\n');
    for (const name of ['PAYLOAD_ENCRYPTION_KEYS', 'CODEC_SERVER_TOKEN', 'CODEC_SERVER_ADDRESS']) expect(problems).toContain(name);
    expect(problems).toMatch(/CODEC_SERVER_CORS_ORIGINS: entry 1 \("\*"\)/);
    expect(problems).toMatch(/CODEC_SERVER_CORS_ORIGINS: entry 2 \("http:\/\/ui.example\/path"\)/);
    expect(error.message).not.toContain(weak);
    expect(problemsOf({ PAYLOAD_ENCRYPTION_KEYS: minimal.PAYLOAD_ENCRYPTION_KEYS }).problems).toEqual([expect.stringMatching(/^CODEC_SERVER_TOKEN: /)]);
  });
});
