/**
 * SePay for processes other than the worker (the CLI): the same SEPAY_* variables, parsed by the
 * same schema as the worker's (sepay/connection-env.ts), so both accept and refuse exactly the same
 * values. Credentials come from the environment only, never from a command line others can read.
 */
import { SepayClient } from '../sepay/client.js';
import { parseSepayConnectionEnv, type SepayConnectionSettings } from '../sepay/connection-env.js';

export class SepayConnectionError extends Error {
  override readonly name = 'SepayConnectionError';
  constructor(readonly problems: string[]) {
    super('SePay is not configured: set SEPAY_CLIENT_ID and SEPAY_CLIENT_SECRET (and SEPAY_ENVIRONMENT or SEPAY_BASE_URL)');
  }
}

/** How to reach SePay; problems name the variable, never its value. Worker-only settings are not read. */
export function sepayConnectionFromEnv(env: Record<string, string | undefined> = process.env): SepayConnectionSettings {
  const parsed = parseSepayConnectionEnv(env);
  if ('problems' in parsed) throw new SepayConnectionError(parsed.problems);
  return parsed.settings;
}

export function sepayClientFromEnv(env: Record<string, string | undefined> = process.env): SepayClient {
  const { environment, clientId, clientSecret, timeoutMs } = sepayConnectionFromEnv(env);
  return new SepayClient({ environment, clientId, clientSecret, timeoutMs });
}
