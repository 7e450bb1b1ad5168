/**
 * What a business app does while its Temporal server restarts: retry the call. Only "server not
 * reachable" is retried; any other error is the answer.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { isGrpcServiceError, ServiceError } from '@temporalio/client';

const RETRIED_CODES = new Set<number>([GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED]);
const GIVE_UP_AFTER_MS = 120_000;

function isOutage(error: unknown): boolean {
  const grpc = error instanceof ServiceError ? error.cause : error;
  return isGrpcServiceError(grpc) && RETRIED_CODES.has(grpc.code);
}

/** What a client saw of an outage it retried through: when, the gRPC code, the message. */
export interface OutageError {
  atMs: number;
  code: number;
  message: string;
}

export function outageErrorOf(error: unknown): OutageError {
  const grpc = error instanceof ServiceError ? error.cause : error;
  const message = error instanceof Error ? error.message : String(error);
  // The SDK's message names the call; the server's (or the channel's) reason is in the cause.
  return { atMs: Date.now(), code: isGrpcServiceError(grpc) ? grpc.code : -1, message: isGrpcServiceError(grpc) && grpc !== error ? `${message}: ${grpc.details}` : message };
}

/** `call`, retried while the server is unreachable; `onOutage` hears of each error retried. */
export async function throughOutages<T>(call: () => Promise<T>, onOutage?: (error: OutageError) => void): Promise<T> {
  const deadline = Date.now() + GIVE_UP_AFTER_MS;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await call();
    } catch (error) {
      if (!isOutage(error) || Date.now() > deadline) throw error;
      onOutage?.(outageErrorOf(error));
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
