/**
 * The Temporal connection, from the standard TEMPORAL_* variables and profiles (address,
 * namespace, TLS/mTLS, API key, gRPC metadata) exactly as the Temporal CLI reads them.
 */
import { loadClientConfigProfile, toClientOptions } from '@temporalio/envconfig';

export class TemporalConnectionConfigError extends Error {
  override readonly name = 'TemporalConnectionConfigError';
}

export function temporalConnectConfig(env: Record<string, string | undefined> = process.env) {
  const profile = loadClientConfigProfile({
    overrideEnvVars: Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined)),
  });
  // envconfig silently sends no certificate when one half of the pair is missing; the server's
  // refusal would then be a bare handshake error far from its cause.
  const tls = profile.tls;
  if (tls && !tls.disabled && Boolean(tls.clientCert) !== Boolean(tls.clientKey)) {
    throw new TemporalConnectionConfigError(
      `mTLS needs both a client certificate and its key: set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH (or the profile's client_cert_path and client_key_path, or their _DATA forms); only the ${tls.clientCert ? 'certificate' : 'key'} is set`,
    );
  }
  const { connectionOptions, namespace } = toClientOptions(profile);
  return { connectionOptions, namespace: namespace ?? 'default' };
}
