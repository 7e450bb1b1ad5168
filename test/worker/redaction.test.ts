/**
 * The pieces that keep failure texts out of logs and spans when payloads are encrypted, on their
 * own (test/integration/redaction.test.ts runs them in a real worker process).
 */
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { DefaultLogger, LogTimestamp, type LogEntry } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { failureSummary } from '../../worker/failure-summary.js';
import { redactingLogger } from '../../worker/redacting-logger.js';
import { RedactingSpanExporter } from '../../worker/redacting-span-exporter.js';

const MARKER = 'BUYER-MARKER-7f3a';
const sepayFailure = ApplicationFailure.create({
  type: 'SepayValidationFailed',
  message: `HTTP 400: ${MARKER}`,
  nonRetryable: true,
  details: [{ status: 400, code: 'BAD_REQUEST', endpoint: 'create' }],
});

describe('failureSummary', () => {
  it('keeps type, code and status of the failure and its causes, nothing else', () => {
    const activityFailure = new ActivityFailure('Activity task failed', 'createInvoice', '3', RetryState.NON_RETRYABLE_FAILURE, undefined, sepayFailure);
    const summary = failureSummary(activityFailure);
    expect(summary).toEqual({ type: 'ActivityFailure', cause: { type: 'SepayValidationFailed', code: 'BAD_REQUEST', status: 400 } });
    // What a worker thread hands over after structured cloning: a plain object with a message.
    expect(failureSummary({ name: 'Error', message: MARKER, stack: MARKER })).toEqual({ type: 'Error' });
  });
});

describe('redactingLogger', () => {
  it('replaces errors in metadata by their summary and keeps the rest, the SDK timestamp included', () => {
    const entries: LogEntry[] = [];
    const logger = redactingLogger(new DefaultLogger('TRACE', (entry) => entries.push(entry)));
    logger.warn('Activity failed', { error: sepayFailure, activityType: 'createInvoice', durationMs: 12, [LogTimestamp]: 42n });
    logger.info('worker ready');
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      level: 'WARN',
      message: 'Activity failed',
      timestampNanos: 42n,
      meta: { error: { type: 'SepayValidationFailed', code: 'BAD_REQUEST', status: 400 }, activityType: 'createInvoice', durationMs: 12 },
    });
    expect(JSON.stringify(entries, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))).not.toContain(MARKER);
  });
});

describe('RedactingSpanExporter', () => {
  it('drops the status message, exception message and stack trace, keeps the status code and exception type', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new RedactingSpanExporter(exporter))] });
    const span = provider.getTracer('test').startSpan('RunActivity:createInvoice');
    span.setAttribute('temporalActivityId', '3');
    span.recordException(sepayFailure);
    span.setStatus({ code: 2, message: sepayFailure.message });
    span.end();
    await provider.forceFlush();

    const [exported] = exporter.getFinishedSpans();
    expect(exported?.name).toBe('RunActivity:createInvoice');
    expect(exported?.spanContext().spanId).toBe(span.spanContext().spanId);
    expect(exported?.status).toEqual({ code: 2 });
    expect(exported?.attributes).toEqual({ temporalActivityId: '3' });
    expect(exported?.events.map((event) => event.attributes)).toEqual([{ 'exception.type': 'ApplicationFailure' }]);
    await provider.shutdown();
  });
});
