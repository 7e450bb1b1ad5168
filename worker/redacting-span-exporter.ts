/**
 * The span exporter when payloads are encrypted. The SDK's OpenTelemetry interceptors record a
 * failed workflow or activity with the error's message as the span status and an `exception`
 * event holding message and stack trace; SePay's messages may quote the buyer. This wrapper drops
 * those texts before any span leaves the process and keeps the status code and `exception.type`.
 */
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** Span and event attributes that carry an error's own text. */
const ERROR_TEXT_ATTRIBUTES = ['exception.message', 'exception.stacktrace'];

export class RedactingSpanExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: Parameters<SpanExporter['export']>[1]): void {
    this.inner.export(spans.map(redactSpan), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

function redactSpan(span: ReadableSpan): ReadableSpan {
  // A view over the span (its methods and other fields inherited), since spans are read-only.
  return Object.create(span, {
    status: { value: { code: span.status.code }, enumerable: true },
    attributes: { value: withoutErrorText(span.attributes), enumerable: true },
    events: { value: span.events.map((event) => ({ ...event, attributes: event.attributes && withoutErrorText(event.attributes) })), enumerable: true },
  }) as ReadableSpan;
}

function withoutErrorText<T extends object>(attributes: T): T {
  return Object.fromEntries(Object.entries(attributes).filter(([key]) => !ERROR_TEXT_ATTRIBUTES.includes(key))) as T;
}
