/**
 * SePay for processes other than the worker (the CLI): the worker's own SEPAY_* variables, read by
 * the worker's own configuration parser, so both accept and refuse exactly the same values.
 * Credentials come from the environment only, never from a command line others can read.
 */
import { SepayClient } from '../sepay/client.js';
import { loadWorkerConfig, WorkerConfigError, type WorkerConfig } from '../worker/config.js';

export class SepayConnectionError extends Error {
  override readonly name = 'SepayConnectionError';
  constructor(readonly problems: string[]) {
    super('SePay is not configured: set SEPAY_CLIENT_ID and SEPAY_CLIENT_SECRET (and SEPAY_ENVIRONMENT or SEPAY_BASE_URL)');
  }
}

/** The SePay part of the worker's configuration; problems name the variable, never its value. */
export function sepayConnectionFromEnv(env: Record<string, string | undefined> = process.env): WorkerConfig['sepay'] {
  // Only SEPAY_*: a worker-only setting that happens to be in this environment is not ours to refuse.
  const sepayEnv = Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('SEPAY_')));
  try {
    return loadWorkerConfig(sepayEnv).sepay;
  } catch (error) {
    if (error instanceof WorkerConfigError) throw new SepayConnectionError(error.problems);
    throw error;
  }
}

export function sepayClientFromEnv(env: Record<string, string | undefined> = process.env): SepayClient {
  const { environment, clientId, clientSecret, timeoutMs } = sepayConnectionFromEnv(env);
  return new SepayClient({ environment, clientId, clientSecret, timeoutMs });
}
