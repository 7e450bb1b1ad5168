/**
 * The worker's logger when payloads are encrypted: the SDK logs `Activity failed` and `Workflow
 * failed` with the error itself (message and stack, which may quote the buyer); this wrapper
 * replaces every error in a log line's metadata by its `FailureSummary` (type, code, status).
 * Log messages are the SDK's and sdk-core's own text; sdk-core only ever sees encoded failures.
 */
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { failureSummary, looksLikeError } from './failure-summary.js';

export function redactingLogger(inner: Logger): Logger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => inner.log(level, message, meta && redactMetadata(meta));
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

function redactMetadata(meta: LogMetadata): LogMetadata {
  // A spread keeps the symbol keys too (the SDK's LogTimestamp).
  const redacted: LogMetadata = { ...meta };
  for (const [key, value] of Object.entries(meta)) {
    if (looksLikeError(value)) redacted[key] = failureSummary(value);
  }
  return redacted;
}
