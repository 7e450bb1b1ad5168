import { describe, expect, it } from 'vitest';
import { loadWorkerConfig, WorkerConfigError } from '../../worker/config.js';
import { prometheusExporter } from '../../worker/metrics.js';

const minimal = { SEPAY_CLIENT_ID: 'id', SEPAY_CLIENT_SECRET: 'a-secret-value' };

describe('worker operations settings', () => {
  it('are off by default: no health server, no metrics endpoint, no tracing; reconnects back off to 30 s', () => {
    const config = loadWorkerConfig(minimal);
    expect(config).toMatchObject({ healthAddress: undefined, metricsAddress: undefined, tracing: 'off', reconnectMaxIntervalMs: 30_000 });
  });

  it('reads the endpoints, the tracing mode and the reconnect cap', () => {
    const config = loadWorkerConfig({
      ...minimal,
      WORKER_HEALTH_ADDRESS: '0.0.0.0:8080',
      WORKER_METRICS_ADDRESS: '[::]:9464',
      WORKER_TRACING: 'otlp',
      WORKER_RECONNECT_MAX_INTERVAL: '5s',
    });
    expect(config).toMatchObject({
      healthAddress: { host: '0.0.0.0', port: 8080 },
      metricsAddress: { host: '::', port: 9464 },
      tracing: 'otlp',
      reconnectMaxIntervalMs: 5_000,
    });
  });

  it('binds the metrics endpoint to 127.0.0.1 when WORKER_METRICS_ADDRESS is a port alone', () => {
    // Issue #20: the SDK's endpoint keeps idle connections open for good; only local scrapers should reach it.
    const { metricsAddress } = loadWorkerConfig({ ...minimal, WORKER_METRICS_ADDRESS: '9464' });
    expect(metricsAddress).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(prometheusExporter(metricsAddress!)).toMatchObject({ prometheus: { bindAddress: '127.0.0.1:9464' } });
  });

  it('names each invalid one', () => {
    const error = (() => {
      try {
        loadWorkerConfig({ ...minimal, WORKER_HEALTH_ADDRESS: 'localhost:8080', WORKER_METRICS_ADDRESS: 'localhost:9464', WORKER_TRACING: 'jaeger', WORKER_RECONNECT_MAX_INTERVAL: 'never' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(WorkerConfigError);
    const problems = (error as WorkerConfigError).problems.join('\n');
    for (const name of ['WORKER_HEALTH_ADDRESS', 'WORKER_METRICS_ADDRESS', 'WORKER_TRACING', 'WORKER_RECONNECT_MAX_INTERVAL']) expect(problems).toContain(name);
  });
});
