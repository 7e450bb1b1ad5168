import { describe, expect, it } from 'vitest';
import { loadWorkerConfig, WorkerConfigError } from '../../worker/config.js';
import { temporalConnectConfig } from '../../client/temporal-connection.js';

const minimal = { SEPAY_CLIENT_ID: 'id', SEPAY_CLIENT_SECRET: 'a-secret-value' };

describe('worker configuration', () => {
  it('applies documented defaults', () => {
    const config = loadWorkerConfig(minimal);
    expect(config).toMatchObject({
      taskQueue: 'sepay-einvoice',
      sepay: { environment: 'sandbox', clientId: 'id', timeoutMs: 15_000 },
      maxConcurrentActivities: 100,
      shutdownGraceMs: 30_000,
    });
  });

  it('prefers SEPAY_BASE_URL over the environment name', () => {
    const config = loadWorkerConfig({ ...minimal, SEPAY_ENVIRONMENT: 'production', SEPAY_BASE_URL: 'http://127.0.0.1:4010' });
    expect(config.sepay.environment).toEqual({ baseUrl: 'http://127.0.0.1:4010' });
  });

  it.each(['https://merchant:pa55word@einvoice.example', 'https://api-token-in-url@einvoice.example/', 'http://:pa55word@127.0.0.1:4010'])(
    'refuses a SEPAY_BASE_URL with credentials in it without echoing the URL (%s)',
    (url) => {
      const error = (() => {
        try {
          loadWorkerConfig({ ...minimal, SEPAY_BASE_URL: url });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(WorkerConfigError);
      const { problems, message } = error as WorkerConfigError;
      expect(problems).toEqual(['SEPAY_BASE_URL: must not hold credentials (user:password@): give them as SEPAY_CLIENT_ID and SEPAY_CLIENT_SECRET']);
      for (const part of ['pa55word', 'merchant', 'api-token-in-url', 'einvoice.example', '127.0.0.1']) expect(message).not.toContain(part);
    },
  );

  it('lists every missing or invalid variable at once, without echoing values', () => {
    const error = (() => {
      try {
        loadWorkerConfig({ SEPAY_ENVIRONMENT: 'staging', WORKER_MAX_CONCURRENT_ACTIVITIES: '-3', WORKER_SHUTDOWN_GRACE: 'soon', SEPAY_CLIENT_SECRET: '' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(WorkerConfigError);
    const problems = (error as WorkerConfigError).problems.join('\n');
    for (const name of ['SEPAY_CLIENT_ID', 'SEPAY_CLIENT_SECRET', 'SEPAY_ENVIRONMENT', 'WORKER_MAX_CONCURRENT_ACTIVITIES', 'WORKER_SHUTDOWN_GRACE']) {
      expect(problems).toContain(name);
    }
    expect((error as Error).message).not.toContain('staging');
  });
});

describe('Temporal connection from the standard variables', () => {
  it('reads address, namespace and API key the way the Temporal CLI does', () => {
    const { connectionOptions, namespace } = temporalConnectConfig({
      TEMPORAL_ADDRESS: 'my-ns.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'my-ns.a1b2c',
      TEMPORAL_API_KEY: 'key-123',
      TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml',
    });
    expect(namespace).toBe('my-ns.a1b2c');
    expect(connectionOptions.address).toBe('my-ns.a1b2c.tmprl.cloud:7233');
    expect(connectionOptions.apiKey).toBe('key-123');
    // An API key implies TLS, as for Temporal Cloud.
    expect(connectionOptions.tls).toBeTruthy();
  });

  it('defaults to the namespace "default"', () => {
    expect(temporalConnectConfig({ TEMPORAL_ADDRESS: '127.0.0.1:7233', TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml' }).namespace).toBe('default');
  });
});
