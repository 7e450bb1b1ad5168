/**
 * When and how soon the worker tries to reach Temporal again.
 *
 * The SDK reports every failure to talk to the server as a `TransportError`: refused or reset
 * connections, timeouts, an unreachable server while connecting or validating the namespace, and
 * polls that kept failing. Those are worth retrying. A `TransportError` that carries a gRPC status
 * no retry can change (unknown namespace, refused credentials) and every other error (bad
 * configuration, a broken workflow bundle) is not: the process should stop and say why.
 */
import { TransportError } from '@temporalio/worker';

/** Status names as the SDK's Rust core prints them (`Status { code: NotFound, ... }`). */
const PERMANENT_STATUS = /\bcode: (?:NotFound|PermissionDenied|Unauthenticated|InvalidArgument|Unimplemented|FailedPrecondition)\b/;

export function isConnectionFailure(error: unknown): boolean {
  return error instanceof TransportError && !PERMANENT_STATUS.test(error.message);
}

export interface ReconnectBackoff {
  initialMs: number;
  maxMs: number;
}

/**
 * Exponential backoff, capped, with "equal jitter" (half fixed, half random) so that a fleet of
 * workers that lost the same server does not come back in lockstep.
 */
export function reconnectDelay(attempt: number, { initialMs, maxMs }: ReconnectBackoff, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
