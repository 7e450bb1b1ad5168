/**
 * OpenTelemetry tracing of workflows and activities through the SDK's interceptors
 * (`@temporalio/interceptors-opentelemetry`), off by default. WORKER_TRACING=otlp exports over
 * OTLP/HTTP, configured by the standard OTEL_EXPORTER_OTLP_* variables; `console` prints spans.
 * OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES are honoured too.
 *
 * Workflow spans are made inside the workflow sandbox by interceptors that must be bundled with
 * the workflow code (`OTEL_WORKFLOW_INTERCEPTORS`): the worker adds them when it bundles the
 * sources, and `npm run build` writes traced variants of the prebuilt bundles. They leave the
 * sandbox through the `exporter` sink, which the SDK does not call while replaying.
 *
 * With payload encryption on, failure messages and stack traces are dropped from every span before
 * export (`redacting-span-exporter.ts`): history keeps them encrypted, spans must not leak them.
 */
import { createRequire } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResourcesSync, envDetectorSync, Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, WorkerOptions } from '@temporalio/worker';
import type { WorkerConfig } from './config.js';
import { RedactingSpanExporter } from './redacting-span-exporter.js';

/** The workflow interceptors module the SDK package ships, for `bundleWorkflowCode`. */
export const OTEL_WORKFLOW_INTERCEPTORS = createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

const DEFAULT_SERVICE_NAME = 'sepay-einvoice-worker';

export interface Tracing {
  activityInterceptors: ActivityInterceptorsFactory[];
  sinks: NonNullable<WorkerOptions['sinks']>;
  /** Exports the spans still buffered. */
  flush(): Promise<void>;
  /** Flushes, then stops exporting. */
  shutdown(): Promise<void>;
}

export function spanExporterFor(mode: Exclude<WorkerConfig['tracing'], 'off'>): SpanExporter {
  return mode === 'otlp' ? new OTLPTraceExporter() : new ConsoleSpanExporter();
}

export interface TracingOptions {
  /** Payload encryption is on: no failure message or stack trace leaves in a span. */
  redactFailures?: boolean;
}

/** Registers the process-wide tracer provider the activity interceptors use, exporting to `exporter`. */
export function startTracing(exporter: SpanExporter, { redactFailures = false }: TracingOptions = {}): Tracing {
  const resource = new Resource({ 'service.name': DEFAULT_SERVICE_NAME }).merge(detectResourcesSync({ detectors: [envDetectorSync] }));
  const processor = new BatchSpanProcessor(redactFailures ? new RedactingSpanExporter(exporter) : exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  return {
    activityInterceptors: [
      (context) => ({
        inbound: new OpenTelemetryActivityInboundInterceptor(context),
        outbound: new OpenTelemetryActivityOutboundInterceptor(context),
      }),
    ],
    sinks: { exporter: makeWorkflowExporter(processor, resource) },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
