/**
 * The worker's Prometheus endpoint alone, for the HTTP fuzz test: the SDK Runtime with the same
 * exporter settings as the worker (`prometheusExporter`), in its own process, because the Runtime
 * is process-wide and its HTTP server (the SDK's Rust core) could take the process down with it.
 * Prints `metrics endpoint ready` once serving, then runs until SIGTERM or stdin closes.
 * Usage: `node --import tsx test/hardening/metrics-endpoint-process.ts <port>`.
 */
import { pathToFileURL } from 'node:url';
import { Runtime } from '@temporalio/worker';
import { prometheusExporter } from '../../worker/metrics.js';

export const READY_LINE = 'metrics endpoint ready';
/** A counter of ours on the endpoint, so a normal scrape can be checked for real content. */
export const PROBE_COUNTER = 'sepay_fuzz_probe_total';

function serve(port: number): void {
  Runtime.install({ telemetryOptions: { metrics: prometheusExporter({ host: '127.0.0.1', port }) } });
  Runtime.instance().metricMeter.createCounter(PROBE_COUNTER, 'requests', 'set once at start by the fuzz test').add(1);
  console.log(READY_LINE);
  const stop = () => process.exit(0);
  process.once('SIGTERM', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
}

// Run as a script; imported (by the test, for the constants above) it does nothing.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) serve(Number(process.argv[2]));
