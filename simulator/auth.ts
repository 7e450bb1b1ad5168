/**
 * §2 token issuance and Bearer checks. Tokens are opaque random strings (§23 #20); the client must
 * not read anything into them.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type Sim, type Handler } from './context.js';
import { ApiError, ok } from './http.js';

const unauthorized = (message: string) => new ApiError(401, 'UNAUTHORIZED', message);

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Missing or non-Basic header: 401. A Basic header that does not decode to `id:secret`: 400. */
function checkBasic(sim: Sim, header: string | undefined): void {
  const match = /^Basic\s+(.*)$/i.exec(header?.trim() ?? '');
  if (!match) throw unauthorized('Thiếu thông tin xác thực Basic (client_id:client_secret)');
  const encoded = match[1]!.trim();
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || colon < 0) {
    throw new ApiError(400, 'BAD_REQUEST', 'Thiếu hoặc sai định dạng trường bắt buộc: header Authorization Basic');
  }
  const ok = sameSecret(decoded.slice(0, colon), sim.config.clientId) && sameSecret(decoded.slice(colon + 1), sim.config.clientSecret);
  if (!ok) throw unauthorized('Sai thông tin client_id hoặc client_secret.');
}

export function checkBearer(sim: Sim, header: string | undefined): void {
  const match = /^Bearer\s+(\S+)$/i.exec(header?.trim() ?? '');
  if (!match) throw unauthorized('Thiếu access token (Authorization: Bearer <token>)');
  const expiresAt = sim.state.tokens.get(match[1]!);
  if (expiresAt === undefined) throw unauthorized('Access token không hợp lệ');
  if (expiresAt <= sim.now()) throw unauthorized('Access token đã hết hạn');
}

export const issueToken: Handler = ({ sim, headers }) => {
  checkBasic(sim, headers.authorization);
  const token = `sim_${randomBytes(24).toString('base64url')}`;
  const now = sim.now();
  // Mode singleActiveToken: one active token per client, so the new one revokes the older ones.
  if (sim.state.modes.singleActiveToken) sim.state.tokens.clear();
  sim.state.tokens.set(token, now + sim.config.tokenTtlSeconds * 1000);
  // Expired tokens are dropped here so a long-running simulator does not collect them forever.
  for (const [t, expiresAt] of sim.state.tokens) if (expiresAt <= now) sim.state.tokens.delete(t);
  return ok({ access_token: token, token_type: 'Bearer', expires_in: sim.config.tokenTtlSeconds });
};

/** Control API: every token issued so far stops working now. */
export function expireAllTokens(sim: Sim): number {
  const now = sim.now();
  for (const token of sim.state.tokens.keys()) sim.state.tokens.set(token, now);
  return sim.state.tokens.size;
}
