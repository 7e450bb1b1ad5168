import { TransportError } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { isConnectionFailure, reconnectDelay } from '../../worker/reconnect-policy.js';

// Messages as the SDK 1.24 produced them against a dev server that was down or misaddressed.
const REFUSED = 'tonic::transport::Error(Transport, ConnectError(ConnectError("tcp connect error", 127.0.0.1:7233, Os { code: 111, kind: ConnectionRefused, message: "Connection refused" })))';
const NAMESPACE_UNREACHABLE = 'Namespace default was not found or otherwise could not be described: Status { code: Unavailable, message: "tcp connect error", source: None }';
const NAMESPACE_UNKNOWN = 'Namespace nope was not found or otherwise could not be described: Status { code: NotFound, message: "Namespace nope is not found.", source: None }';

describe('which failures the worker reconnects for', () => {
  it('retries an unreachable server, at connect time, at namespace validation and when polls give up', () => {
    expect(isConnectionFailure(new TransportError(REFUSED))).toBe(true);
    expect(isConnectionFailure(new TransportError(NAMESPACE_UNREACHABLE))).toBe(true);
    expect(isConnectionFailure(new TransportError('tcp connect error'))).toBe(true);
  });

  it('gives up on statuses no retry can change, and on anything that is not a transport failure', () => {
    expect(isConnectionFailure(new TransportError(NAMESPACE_UNKNOWN))).toBe(false);
    expect(isConnectionFailure(new TransportError('Status { code: PermissionDenied, message: "Request unauthorized." }'))).toBe(false);
    expect(isConnectionFailure(new Error(REFUSED))).toBe(false);
    expect(isConnectionFailure(new TypeError('Cannot read properties of undefined'))).toBe(false);
  });
});

describe('reconnect backoff', () => {
  const backoff = { initialMs: 1_000, maxMs: 30_000 };

  it('doubles from the initial delay up to the cap, keeping at least half of it', () => {
    const lowest = [1, 2, 3, 4, 5, 6, 7].map((attempt) => reconnectDelay(attempt, backoff, () => 0));
    const highest = [1, 2, 3, 4, 5, 6, 7].map((attempt) => reconnectDelay(attempt, backoff, () => 1));
    expect(highest).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(lowest).toEqual(highest.map((ms) => ms / 2));
  });

  it('spreads the workers that lost the same server', () => {
    const delays = new Set(Array.from({ length: 20 }, () => reconnectDelay(6, backoff)));
    expect(delays.size).toBeGreaterThan(1);
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(15_000);
  });
});
