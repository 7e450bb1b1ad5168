/**
 * One SePay API request, in the order the real service would see it: route, body, injected
 * faults, authentication, content type, then the endpoint's handler.
 */
import { type IncomingMessage } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { HANDLERS } from './api/index.js';
import { checkBearer } from './auth.js';
import { type Sim } from './context.js';
import { MAX_BODY_BYTES } from './defaults.js';
import {
  ApiError,
  asErrorResponse,
  badRequest,
  errorResponse,
  isJsonContentType,
  notFound,
  parseJson,
  readBody,
  type ApiResponse,
} from './http.js';
import { referenceOfRequest } from './invoices.js';
import { settleDueJobs } from './jobs.js';
import { matchRoute, type Route } from './routes.js';
import { UNMATCHED } from './stats.js';

export interface Outcome {
  endpoint: string;
  response: ApiResponse;
  /** Destroy the socket instead of answering (drop-after-commit). */
  drop: boolean;
}

/** False when the simulator is closing: the request is then abandoned. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

function peekJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export async function serveApi(
  sim: Sim,
  req: IncomingMessage,
  url: URL,
  origin: string,
  signal: AbortSignal,
  onUnexpected: (error: unknown) => void,
): Promise<Outcome> {
  let endpoint = UNMATCHED;
  try {
    const match = matchRoute(req.method ?? '', url.pathname);
    if (match.kind === 'unknown') throw notFound(`Không tìm thấy đường dẫn ${url.pathname.slice(0, 200)}`);
    if (match.kind === 'wrong-method') {
      endpoint = match.name;
      throw new ApiError(405, 'METHOD_NOT_ALLOWED', `Phương thức ${req.method} không được hỗ trợ, dùng ${match.allow.join(', ')}`, {
        allow: match.allow.join(', '),
      });
    }
    const { route, params } = match;
    endpoint = route.name;
    const body = await readBody(req, MAX_BODY_BYTES);
    const faults = sim.faults.forRequest(route.name, () =>
      referenceOfRequest(sim.state, route.name, params, route.json ? peekJson(body) : undefined),
    );
    if (faults.latencyMs > 0 && !(await pause(faults.latencyMs, signal))) {
      return { endpoint, response: errorResponse(new ApiError(503, 'SERVICE_UNAVAILABLE', 'Đang dừng')), drop: true };
    }
    if (faults.reject) return { endpoint, response: errorResponse(faults.reject), drop: false };
    let response: ApiResponse;
    try {
      response = perform(sim, route, params, req, url, origin, body);
    } catch (error) {
      response = asErrorResponse(error, onUnexpected);
    }
    return { endpoint, response, drop: faults.drop };
  } catch (error) {
    return { endpoint, response: asErrorResponse(error, onUnexpected), drop: false };
  }
}

function perform(
  sim: Sim,
  route: Route,
  params: Record<string, string>,
  req: IncomingMessage,
  url: URL,
  origin: string,
  body: Buffer,
): ApiResponse {
  if (route.auth === 'bearer') checkBearer(sim, req.headers.authorization);
  let json: unknown;
  if (route.json) {
    // Assumption: a non-JSON content type is a bad request (400), the status SePay documents.
    if (!isJsonContentType(req.headers['content-type'])) throw badRequest('Content-Type phải là application/json');
    json = parseJson(body);
  }
  settleDueJobs(sim);
  return HANDLERS[route.name]({ sim, endpoint: route.name, url, params, headers: req.headers, json, origin });
}
