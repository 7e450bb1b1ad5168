/**
 * The Temporal connection, from the standard TEMPORAL_* variables and profiles (address,
 * namespace, TLS/mTLS, API key, gRPC metadata) exactly as the Temporal CLI reads them.
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';

export function temporalConnectConfig(env: Record<string, string | undefined> = process.env) {
  const { connectionOptions, namespace } = loadClientConnectConfig({
    overrideEnvVars: Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined)),
  });
  return { connectionOptions, namespace: namespace ?? 'default' };
}
