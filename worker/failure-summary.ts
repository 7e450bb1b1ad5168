/**
 * What logs and spans may say about a failure when payloads are encrypted: its type, SePay's
 * error code and HTTP status, and the same for its causes. Never the message or the stack, which
 * may quote the buyer (SePay's messages do), and which history keeps encrypted.
 */
export interface FailureSummary {
  type: string;
  code?: string;
  status?: number;
  cause?: FailureSummary;
}

/**
 * True for errors from this realm, from the workflow sandbox and as cloned by a worker thread (a
 * plain object with a message): anything that would print a message or a stack.
 */
export function looksLikeError(value: unknown): value is { message?: unknown; stack?: unknown } {
  return value instanceof Error || (typeof value === 'object' && value !== null && 'message' in value && ('stack' in value || 'name' in value));
}

export function failureSummary(error: unknown, depth = 0): FailureSummary {
  const record = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const type = [record.type, record.name, error?.constructor?.name].find((value) => typeof value === 'string' && value !== '') as string | undefined;
  const [details] = Array.isArray(record.details) ? (record.details as unknown[]) : [];
  const { code, status } = (typeof details === 'object' && details !== null ? details : {}) as Record<string, unknown>;
  return {
    type: type ?? typeof error,
    ...(typeof code === 'string' && { code }),
    ...(typeof status === 'number' && { status }),
    // A cause chain is short (activity failure → application failure); the bound guards a cycle.
    ...(looksLikeError(record.cause) && depth < 5 && { cause: failureSummary(record.cause, depth + 1) }),
  };
}
