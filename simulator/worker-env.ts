/**
 * The worker settings (environment variables, as `worker/config.ts` reads them) that point a
 * worker at a running simulator with its default credentials. No account: the worker uses the
 * only active one SePay lists, as a merchant with one account would.
 */
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from './defaults.js';

export function simulatorWorkerEnv(simulatorBaseUrl: string) {
  return {
    SEPAY_BASE_URL: simulatorBaseUrl,
    SEPAY_CLIENT_ID: DEFAULT_CLIENT_ID,
    SEPAY_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
  };
}
