import { inspect } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TokenProvider, type TokenProviderOptions } from '../../sepay/token-provider.js';
import { BASIC_AUTHORIZATION, CREDENTIALS, failure, fakeFetch, jsonResponse, secretsIn, tokenBody } from './helpers.js';

const DAY_MS = 86_400_000;

/** A provider over a fake token endpoint that hands out tok-1, tok-2, ... after a short delay. */
function setup(options: Partial<TokenProviderOptions> & { expiresIn?: number } = {}) {
  const clock = { now: 1_000_000 };
  let issued = 0;
  const server = fakeFetch(async () => {
    await sleep(5);
    issued += 1;
    return jsonResponse(tokenBody(`tok-${issued}`, options.expiresIn));
  });
  const provider = new TokenProvider({
    environment: { baseUrl: 'http://sepay.test' },
    ...CREDENTIALS,
    fetch: server.fetch,
    now: () => clock.now,
    ...options,
  });
  return { provider, clock, requests: server.requests };
}

describe('TokenProvider', () => {
  it('sends one POST /v1/token with Basic client_id:client_secret and no body', async () => {
    const { provider, requests } = setup();
    await expect(provider.getToken()).resolves.toBe('tok-1');

    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('http://sepay.test/v1/token');
    expect(request?.headers.get('authorization')).toBe(BASIC_AUTHORIZATION);
    expect(request?.headers.get('content-type')).toBeNull();
    expect(await request?.text()).toBe('');
  });

  it('makes exactly one token request for 50 concurrent callers', async () => {
    const { provider, requests } = setup();
    const tokens = await Promise.all(Array.from({ length: 50 }, () => provider.getToken()));
    expect(new Set(tokens)).toEqual(new Set(['tok-1']));
    expect(requests).toHaveLength(1);
  });

  it('reuses the token until the refresh margin before expiry, then refreshes once', async () => {
    const { provider, clock, requests } = setup({ refreshMarginMs: 60_000 });
    const start = clock.now;
    await provider.getToken();
    expect(provider.expiresAt).toBe(start + DAY_MS);

    clock.now = start + DAY_MS - 60_001;
    await expect(provider.getToken()).resolves.toBe('tok-1');
    clock.now = start + DAY_MS - 60_000;
    await expect(provider.getToken()).resolves.toBe('tok-2');
    expect(provider.expiresAt).toBe(clock.now + DAY_MS);
    expect(requests).toHaveLength(2);
  });

  it('defaults to a five-minute margin, capped at half the lifetime of short-lived tokens', async () => {
    const daily = setup();
    await daily.provider.getToken();
    daily.clock.now += DAY_MS - 5 * 60_000;
    await expect(daily.provider.getToken()).resolves.toBe('tok-2');

    const shortLived = setup({ expiresIn: 60 });
    await shortLived.provider.getToken();
    shortLived.clock.now += 29_999;
    await expect(shortLived.provider.getToken()).resolves.toBe('tok-1');
    shortLived.clock.now += 1;
    await expect(shortLived.provider.getToken()).resolves.toBe('tok-2');
  });

  it('invalidate() drops only the token it names, so a burst of 401s refreshes once', async () => {
    const { provider, requests } = setup();
    const stale = await provider.getToken();

    const fresh = await Promise.all(
      Array.from({ length: 10 }, () => {
        provider.invalidate(stale);
        return provider.getToken();
      }),
    );
    expect(new Set(fresh)).toEqual(new Set(['tok-2']));

    provider.invalidate(stale); // a late 401 for the old token
    await expect(provider.getToken()).resolves.toBe('tok-2');
    expect(requests).toHaveLength(2);
  });

  it('does not cache a failed refresh', async () => {
    let calls = 0;
    const { fetch } = fakeFetch(() => {
      calls += 1;
      return calls === 1
        ? jsonResponse({ success: false, error: { code: 'UNAUTHORIZED', message: 'Sai thông tin' } }, 401)
        : jsonResponse(tokenBody('tok-ok'));
    });
    const provider = new TokenProvider({ environment: { baseUrl: 'http://sepay.test' }, ...CREDENTIALS, fetch });

    const error = await failure(provider.getToken());
    expect(error).toMatchObject({ kind: 'auth', status: 401, code: 'UNAUTHORIZED', endpoint: 'POST /v1/token' });
    expect(provider.expiresAt).toBeUndefined();
    await expect(provider.getToken()).resolves.toBe('tok-ok');
  });

  it('lets one caller abort its wait without failing the shared refresh', async () => {
    const { provider, requests } = setup();
    const controller = new AbortController();
    const aborted = provider.getToken({ signal: controller.signal });
    const waiting = provider.getToken();
    controller.abort();

    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    await expect(waiting).resolves.toBe('tok-1');
    expect(requests).toHaveLength(1);
  });

  it('starts no token request for a caller that has already given up', async () => {
    const { provider, requests } = setup();
    await expect(provider.getToken({ signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(requests).toHaveLength(0);
  });

  it('never shows the secret or the token', async () => {
    const { provider } = setup();
    const token = await provider.getToken();
    for (const text of [String(provider), JSON.stringify(provider), inspect(provider, { showHidden: true, depth: 9 })]) {
      expect(secretsIn(text, token)).toEqual([]);
    }
  });
});
