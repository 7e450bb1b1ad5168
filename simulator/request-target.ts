/**
 * The request target as a URL, or undefined when it is not one we serve: the server answers 400
 * instead of letting `new URL` throw, and never routes a target like `//host/v1/usage` (which a
 * URL parser reads as another host's `/v1/usage`).
 */
const BASE = 'http://simulator.invalid';

export function parseRequestTarget(target: string | undefined): URL | undefined {
  if (target === undefined) return undefined;
  // absolute-form (RFC 9112 §3.2.2) must be accepted; origin-form is a path without an empty first segment.
  const absolute = /^https?:\/\//i.test(target);
  if (!absolute && !(target.startsWith('/') && !target.startsWith('//'))) return undefined;
  try {
    return new URL(absolute ? target : `${BASE}${target}`);
  } catch {
    return undefined;
  }
}
