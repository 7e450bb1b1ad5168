/**
 * The Temporal connection for a real cluster, built from the standard TEMPORAL_* variables and
 * profiles by the one function worker, client and CLI share (`temporalConnectConfig`). No network:
 * the options are checked as the SDK compiles them, and the handshakes run against a recording
 * TLS endpoint on 127.0.0.1.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { toNativeClientOptions } from '@temporalio/worker/lib/connection-options.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvoiceClient } from '../../client/invoice-client.js';
import { TemporalConnectionConfigError, temporalConnectConfig } from '../../client/temporal-connection.js';
import { startRecordingGrpcServer, type RecordingGrpcServer } from './recording-grpc-server.js';
import { createTlsFiles, type TlsFiles } from './tls-certificates.js';

const serverName = 'temporal.invoices.test';
const clientName = 'invoice-worker';
const cloud = { TEMPORAL_ADDRESS: 'invoices.a1b2c.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'invoices.a1b2c', TEMPORAL_API_KEY: 'test-api-key' };

let tls: TlsFiles;
let server: RecordingGrpcServer;

beforeAll(async () => {
  tls = createTlsFiles(serverName, clientName);
  server = await startRecordingGrpcServer({ key: readFileSync(tls.serverKey), cert: readFileSync(tls.serverCert), ca: readFileSync(tls.caCert) });
});
afterAll(async () => {
  await server?.close();
  tls?.remove();
});

/** A self-hosted cluster with mTLS: the recording endpoint plays it. */
const mtls = () => ({
  TEMPORAL_ADDRESS: server.address,
  TEMPORAL_NAMESPACE: 'invoices',
  TEMPORAL_TLS_CLIENT_CERT_PATH: tls.clientCert,
  TEMPORAL_TLS_CLIENT_KEY_PATH: tls.clientKey,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: tls.caCert,
  TEMPORAL_TLS_SERVER_NAME: serverName,
});

describe('connection options from the standard variables', () => {
  it('mTLS: the client certificate pair, the private CA and the server name reach the worker’s native connection', () => {
    const { connectionOptions, namespace } = temporalConnectConfig(mtls());
    expect(namespace).toBe('invoices');
    const native = toNativeClientOptions(connectionOptions);
    expect(native).toMatchObject({ targetUrl: `https://${server.address}`, apiKey: null, tls: { domain: serverName } });
    expect(native.tls?.serverRootCaCert).toEqual(readFileSync(tls.caCert));
    expect(native.tls?.clientTlsOptions?.clientCert).toEqual(readFileSync(tls.clientCert));
    expect(native.tls?.clientTlsOptions?.clientPrivateKey).toEqual(readFileSync(tls.clientKey));
  });

  it('refuses half a client certificate pair instead of silently sending none', () => {
    const { TEMPORAL_TLS_CLIENT_KEY_PATH: _key, ...certificateOnly } = mtls();
    expect(() => temporalConnectConfig(certificateOnly)).toThrow(TemporalConnectionConfigError);
    expect(() => temporalConnectConfig(certificateOnly)).toThrow(/TEMPORAL_TLS_CLIENT_KEY_PATH.*only the certificate is set/);
  });

  it('API key: TLS with the system roots is switched on, and the key is sent', () => {
    const { connectionOptions, namespace } = temporalConnectConfig(cloud);
    expect(namespace).toBe('invoices.a1b2c');
    expect(toNativeClientOptions(connectionOptions)).toMatchObject({
      targetUrl: 'https://invoices.a1b2c.tmprl.cloud:7233',
      apiKey: 'test-api-key',
      tls: { domain: null, serverRootCaCert: null, clientTlsOptions: null },
    });
  });

  it('TEMPORAL_TLS=false turns TLS off even with an API key (e.g. a local TLS-terminating proxy)', () => {
    const { connectionOptions } = temporalConnectConfig({ ...cloud, TEMPORAL_ADDRESS: '127.0.0.1:7233', TEMPORAL_TLS: 'false' });
    expect(toNativeClientOptions(connectionOptions)).toMatchObject({ targetUrl: 'http://127.0.0.1:7233', apiKey: 'test-api-key', tls: null });
  });

  it('a profile from TEMPORAL_CONFIG_FILE, chosen by TEMPORAL_PROFILE; variables override it', () => {
    const configFile = join(tls.dir, 'temporal.toml');
    writeFileSync(
      configFile,
      [
        '[profile.default]',
        'address = "127.0.0.1:7233"',
        '',
        '[profile.cloud]',
        `address = "${cloud.TEMPORAL_ADDRESS}"`,
        `namespace = "${cloud.TEMPORAL_NAMESPACE}"`,
        'api_key = "profile-api-key"',
        '',
        '[profile.self-hosted]',
        'address = "temporal.internal:7233"',
        'namespace = "invoices"',
        '[profile.self-hosted.tls]',
        `client_cert_path = "${tls.clientCert}"`,
        `client_key_path = "${tls.clientKey}"`,
        `server_ca_cert_path = "${tls.caCert}"`,
        `server_name = "${serverName}"`,
      ].join('\n'),
    );
    const profile = (name?: string, extra: Record<string, string> = {}) =>
      temporalConnectConfig({ TEMPORAL_CONFIG_FILE: configFile, ...(name && { TEMPORAL_PROFILE: name }), ...extra });

    expect(profile()).toMatchObject({ namespace: 'default', connectionOptions: { address: '127.0.0.1:7233', tls: undefined } });
    expect(toNativeClientOptions(profile('cloud').connectionOptions)).toMatchObject({ targetUrl: `https://${cloud.TEMPORAL_ADDRESS}`, apiKey: 'profile-api-key' });
    const selfHosted = profile('self-hosted');
    expect(selfHosted.namespace).toBe('invoices');
    expect(toNativeClientOptions(selfHosted.connectionOptions).tls?.clientTlsOptions?.clientCert).toEqual(readFileSync(tls.clientCert));
    expect(profile('cloud', { TEMPORAL_NAMESPACE: 'invoices-staging.a1b2c' }).namespace).toBe('invoices-staging.a1b2c');
    expect(() => profile('missing')).toThrow(/Profile 'missing' not found/);
  });
});

/** The handshake succeeded and a call reached the endpoint, which refused it (the client may wrap that). */
async function refusedByTheRecordingServer(connecting: Promise<unknown>): Promise<void> {
  const error = await connecting.then(
    () => undefined,
    (e: unknown) => e,
  );
  const messages: string[] = [];
  for (let cause = error; cause instanceof Error; cause = cause.cause) messages.push(cause.message);
  expect(messages.join(' <- ')).toContain('recorded by the test server');
}

describe('what a connection presents to the cluster', () => {
  it('the invoice client and CLI (InvoiceClient.connect) present the client certificate', async () => {
    const before = server.calls.length;
    await refusedByTheRecordingServer(InvoiceClient.connect(mtls()));
    expect(server.calls.slice(before)).toContainEqual(expect.objectContaining({ clientCertificateSubject: clientName, authorization: undefined }));
  });

  it('the worker (NativeConnection) presents the client certificate', async () => {
    const before = server.calls.length;
    await refusedByTheRecordingServer(NativeConnection.connect(temporalConnectConfig(mtls()).connectionOptions));
    expect(server.calls.slice(before)).toContainEqual(expect.objectContaining({ clientCertificateSubject: clientName }));
  });

  it('the API key travels as a bearer token, over TLS', async () => {
    const { TEMPORAL_TLS_CLIENT_CERT_PATH: _cert, TEMPORAL_TLS_CLIENT_KEY_PATH: _key, ...privateCa } = mtls();
    const env = { ...privateCa, TEMPORAL_API_KEY: 'test-api-key' };
    const before = server.calls.length;
    await refusedByTheRecordingServer(InvoiceClient.connect(env));
    await refusedByTheRecordingServer(NativeConnection.connect(temporalConnectConfig(env).connectionOptions));
    const calls = server.calls.slice(before);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const call of calls) expect(call).toMatchObject({ authorization: 'Bearer test-api-key', clientCertificateSubject: undefined });
  });
});
