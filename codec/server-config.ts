/**
 * The codec server's settings, from environment variables, validated in one go. It never connects
 * to Temporal: its keyring is the same `PAYLOAD_ENCRYPTION_KEYS` the worker and client use.
 */
import { z } from 'zod';
import { PayloadEncryptionKeysSchema, type Keyring } from './keys.js';

export const DEFAULT_CODEC_SERVER_ADDRESS = '127.0.0.1:8888';

/** URL-safe, so the same token works in an Authorization header and as a path segment. */
const TOKEN = /^[A-Za-z0-9._~-]{32,}$/;
const ADDRESS = /^(?<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(?<port>\d{1,5})$/;

const OriginsSchema = z.string().transform((value, ctx) => {
  const origins = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  origins.forEach((origin, index) => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      // reported below
    }
    if (parsed?.origin !== origin) {
      ctx.addIssue({ code: 'custom', message: `entry ${index + 1} ("${origin}") is not an origin such as http://127.0.0.1:8233 (scheme, host and port only; no "*")` });
    }
  });
  return origins;
});

const AddressSchema = z.string().transform((value, ctx) => {
  const match = ADDRESS.exec(value.trim());
  const port = Number(match?.groups?.port);
  if (!match?.groups?.host || port > 65_535) {
    ctx.addIssue({ code: 'custom', message: 'expected host:port, e.g. 127.0.0.1:8888 or [::1]:8888' });
    return z.NEVER;
  }
  return { host: match.groups.host.replace(/^\[(.*)\]$/, '$1'), port };
});

const CodecServerEnvSchema = z.object({
  PAYLOAD_ENCRYPTION_KEYS: PayloadEncryptionKeysSchema,
  CODEC_SERVER_TOKEN: z.string().regex(TOKEN, 'must be at least 32 characters of A-Z a-z 0-9 . _ ~ - (e.g. `openssl rand -hex 32`)'),
  /** Web UI origins allowed to call from a browser; none by default (the CLI and SDKs need none). */
  CODEC_SERVER_CORS_ORIGINS: OriginsSchema.default([]),
  CODEC_SERVER_ADDRESS: AddressSchema.default(AddressSchema.parse(DEFAULT_CODEC_SERVER_ADDRESS)),
});

export interface CodecServerConfig {
  keyring: Keyring;
  token: string;
  corsOrigins: string[];
  host: string;
  port: number;
}

export class CodecServerConfigError extends Error {
  override readonly name = 'CodecServerConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid codec server configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

export function loadCodecServerConfig(env: Record<string, string | undefined> = process.env): CodecServerConfig {
  const parsed = CodecServerEnvSchema.safeParse(env);
  if (!parsed.success) {
    // Name the variable, never echo its value: the keys and the token are secrets.
    throw new CodecServerConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  return { keyring: e.PAYLOAD_ENCRYPTION_KEYS, token: e.CODEC_SERVER_TOKEN, corsOrigins: e.CODEC_SERVER_CORS_ORIGINS, ...e.CODEC_SERVER_ADDRESS };
}
