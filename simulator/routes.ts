/**
 * The SePay endpoints (§0) with their stable names. Faults and statistics refer to endpoints by
 * these names, never by path.
 */
import { badRequest } from './http.js';

export const ENDPOINT_NAMES = [
  'token',
  'provider-accounts',
  'provider-account',
  'create',
  'create-check',
  'issue',
  'issue-check',
  'delete',
  'detail',
  'list',
  'download',
  'usage',
] as const;
export type EndpointName = (typeof ENDPOINT_NAMES)[number];

export interface Route {
  name: EndpointName;
  method: 'GET' | 'POST';
  path: string;
  auth: 'basic' | 'bearer';
  /** The body must be `application/json` (create, issue). */
  json?: true;
}

export const ROUTES: readonly Route[] = [
  { name: 'token', method: 'POST', path: '/v1/token', auth: 'basic' },
  { name: 'provider-accounts', method: 'GET', path: '/v1/provider-accounts', auth: 'bearer' },
  { name: 'provider-account', method: 'GET', path: '/v1/provider-accounts/:id', auth: 'bearer' },
  { name: 'create', method: 'POST', path: '/v1/invoices/create', auth: 'bearer', json: true },
  { name: 'create-check', method: 'GET', path: '/v1/invoices/create/check/:tracking_code', auth: 'bearer' },
  { name: 'issue', method: 'POST', path: '/v1/invoices/issue', auth: 'bearer', json: true },
  { name: 'issue-check', method: 'GET', path: '/v1/invoices/issue/check/:tracking_code', auth: 'bearer' },
  { name: 'delete', method: 'POST', path: '/v1/invoices/delete/:reference_code', auth: 'bearer' },
  { name: 'download', method: 'GET', path: '/v1/invoices/:code/download', auth: 'bearer' },
  { name: 'detail', method: 'GET', path: '/v1/invoices/:reference_code', auth: 'bearer' },
  { name: 'list', method: 'GET', path: '/v1/invoices', auth: 'bearer' },
  { name: 'usage', method: 'GET', path: '/v1/usage', auth: 'bearer' },
];

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'wrong-method'; name: EndpointName; allow: string[] }
  | { kind: 'unknown' };

function splitPath(path: string): string[] {
  return path.split('/').filter((segment, i, all) => i > 0 && !(segment === '' && i === all.length - 1));
}

function bind(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of pattern.entries()) {
    const segment = segments[i] ?? '';
    if (part.startsWith(':')) {
      if (segment === '') return undefined;
      params[part.slice(1)] = segment;
    } else if (part !== segment) return undefined;
  }
  return params;
}

function decodeParams(params: Record<string, string>): Record<string, string> {
  try {
    return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, decodeURIComponent(v)]));
  } catch {
    throw badRequest('Đường dẫn chứa ký tự mã hóa không hợp lệ');
  }
}

/**
 * A literal segment beats a parameter, so `GET /v1/invoices/create` is a wrong method on the create
 * endpoint (405), not the detail of an invoice called "create".
 */
export function matchRoute(method: string, path: string): RouteMatch {
  const segments = splitPath(path);
  const candidates = ROUTES.flatMap((route) => {
    const pattern = splitPath(route.path);
    const params = bind(pattern, segments);
    return params ? [{ route, params, literal: pattern.filter((p) => !p.startsWith(':')).length }] : [];
  });
  if (candidates.length === 0) return { kind: 'unknown' };
  const best = Math.max(...candidates.map((c) => c.literal));
  const specific = candidates.filter((c) => c.literal === best);
  const hit = specific.find((c) => c.route.method === method);
  if (hit) return { kind: 'found', route: hit.route, params: decodeParams(hit.params) };
  const first = specific[0]!;
  return { kind: 'wrong-method', name: first.route.name, allow: [...new Set(specific.map((c) => c.route.method))] };
}
