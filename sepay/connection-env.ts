/**
 * The SEPAY_* variables that say how to reach SePay (environment or base URL, credentials, request
 * timeout), as one schema that the worker's configuration and the CLI both parse, so both accept
 * and refuse exactly the same values. Problems name the variable, never its value.
 */
import { z } from 'zod';
import { BASE_URL_CREDENTIALS_MESSAGE, hasUrlCredentials, type SepayEnvironment } from './environment.js';

export const SepayConnectionEnvShape = {
  SEPAY_ENVIRONMENT: z.enum(['production', 'sandbox']).default('sandbox'),
  /** Overrides SEPAY_ENVIRONMENT, e.g. the simulator's URL. Never with `user:password@`: errors would quote it. */
  SEPAY_BASE_URL: z.url().refine((url) => !hasUrlCredentials(url), BASE_URL_CREDENTIALS_MESSAGE).optional(),
  SEPAY_CLIENT_ID: z.string().trim().min(1),
  SEPAY_CLIENT_SECRET: z.string().min(1),
  SEPAY_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
};

const SepayConnectionEnvSchema = z.object(SepayConnectionEnvShape);

export interface SepayConnectionSettings {
  environment: SepayEnvironment;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
}

export function toSepayConnectionSettings(env: z.output<typeof SepayConnectionEnvSchema>): SepayConnectionSettings {
  return {
    environment: env.SEPAY_BASE_URL ? { baseUrl: env.SEPAY_BASE_URL } : env.SEPAY_ENVIRONMENT,
    clientId: env.SEPAY_CLIENT_ID,
    clientSecret: env.SEPAY_CLIENT_SECRET,
    timeoutMs: env.SEPAY_REQUEST_TIMEOUT_MS,
  };
}

/** The settings, or the problems found, one per variable. */
export function parseSepayConnectionEnv(env: Record<string, string | undefined>): { settings: SepayConnectionSettings } | { problems: string[] } {
  const parsed = SepayConnectionEnvSchema.safeParse(env);
  if (!parsed.success) return { problems: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) };
  return { settings: toSepayConnectionSettings(parsed.data) };
}
