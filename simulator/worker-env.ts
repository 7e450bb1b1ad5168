/**
 * The worker settings (environment variables, as `worker/config.ts` reads them) that point a
 * worker at a running simulator with its default credentials and seeded account.
 */
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, SEEDED_ACCOUNT_ID } from './defaults.js';

export function simulatorWorkerEnv(simulatorBaseUrl: string) {
  return {
    SEPAY_BASE_URL: simulatorBaseUrl,
    SEPAY_CLIENT_ID: DEFAULT_CLIENT_ID,
    SEPAY_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
    SEPAY_PROVIDER_ACCOUNT_ID: SEEDED_ACCOUNT_ID,
  };
}
