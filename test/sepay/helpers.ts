/** Shared fixtures for the SePay client tests. */
import { SepayError } from '../../sepay/errors.js';

export const CREDENTIALS = { clientId: 'client-id-123', clientSecret: 'S3CRET-must-never-leak' } as const;

export const BASIC_AUTHORIZATION = `Basic ${Buffer.from(`${CREDENTIALS.clientId}:${CREDENTIALS.clientSecret}`).toString('base64')}`;

export function tokenBody(accessToken: string, expiresIn = 86_400) {
  return { success: true, data: { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn } };
}

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A `fetch` that answers from `handler` and records every request it was given. */
export function fakeFetch(handler: (request: Request) => Response | Promise<Response>) {
  const requests: Request[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    requests.push(request);
    return handler(request);
  };
  return { fetch, requests };
}

/** What must never appear in anything an error or object prints. */
export function secretsIn(text: string, ...extra: string[]): string[] {
  const secrets = [CREDENTIALS.clientSecret, BASIC_AUTHORIZATION.slice('Basic '.length), ...extra];
  return secrets.filter((secret) => text.includes(secret));
}

/** The `SepayError` a call rejects with; anything else (success included) fails the test. */
export async function failure(promise: Promise<unknown>): Promise<SepayError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SepayError)) throw new Error(`expected a SepayError, got ${String(error)}`);
  return error;
}
