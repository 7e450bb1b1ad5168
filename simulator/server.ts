/**
 * A local SePay eInvoice API server (see README.md): `startSimulator()` for tests and the demo,
 * `main.ts` for the command line. It answers only requests that call it by its own name
 * (`host-guard.ts`), and bounds what clients may hold: time (`http.ts`) and connections.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type Sim } from './context.js';
import { serveControl } from './control.js';
import { assertControlRequestAllowed } from './control-guard.js';
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_HOST,
  DEFAULT_JOB_CHECKS_UNTIL_DONE,
  DEFAULT_JOB_SETTLE_MS,
  DEFAULT_PORT,
  DEFAULT_QUOTA,
  DEFAULT_TOKEN_TTL_SECONDS,
  MAX_BODY_BYTES,
} from './defaults.js';
import { serveApi, type Outcome } from './dispatch.js';
import { FaultBook } from './faults.js';
import { allowedHostNames, assertHostAllowed } from './host-guard.js';
import {
  asErrorResponse,
  badRequest,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_SLOW_CLIENT_LIMITS,
  errorResponse,
  readBody,
  send,
  slowClientServerOptions,
  type SlowClientLimits,
} from './http.js';
import { withDefaults, type ModesPatch } from './modes.js';
import { StateFile } from './persistence.js';
import { parseRequestTarget } from './request-target.js';
import { seedState } from './state.js';
import { Stats } from './stats.js';

export * from './defaults.js';
export * from './account-fixtures.js';
export { ENDPOINT_NAMES, type EndpointName } from './routes.js';
export { DEFAULT_MODES, type ModesPatch, type SimModes } from './modes.js';

export interface SimulatorLogger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface SimulatorOptions {
  /** Default 4010; 0 picks a free port. */
  port?: number;
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /**
   * Names clients call the simulator by, besides loopback names and `host` itself (e.g.
   * `sepay-simulator` on a compose network); a request whose Host names anything else gets 403.
   */
  allowedHosts?: readonly string[];
  clientId?: string;
  clientSecret?: string;
  /** Keep the state in this JSON file across restarts. */
  stateFile?: string;
  quota?: number;
  /** Checks answered `Pending` before a job settles (default 1; 0 = Success at the first check). */
  jobChecksUntilDone?: number;
  /** A job nobody checked for this long settles on its own (default 5 s); null = only when checked. */
  jobSettleMs?: number | null;
  tokenTtlSeconds?: number;
  /** Behaviours SePay allows but does not promise (README "Modes"); all off by default. */
  modes?: ModesPatch;
  /** Clock in epoch milliseconds, for token expiry and job settling. */
  now?: () => number;
  /** Default: silent except for unexpected errors, which go to stderr. */
  logger?: SimulatorLogger;
  /** When slow clients are cut off (default: headers 10 s, request 60 s, idle 120 s); tests shorten them. */
  slowClientLimits?: SlowClientLimits;
  /** Connections open at once (default 2,048); more are closed as soon as they are accepted. */
  maxConnections?: number;
}

export interface RunningSimulator {
  baseUrl: string;
  port: number;
  close(): Promise<void>;
}

const defaultLogger: SimulatorLogger = {
  info: () => {},
  error: (message, error) => console.error(message, error),
};

const HOST_HEADER = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** Absolute URLs in answers use the host the client called, like SePay's tracking_url (§5.5). */
function originOf(req: IncomingMessage, fallback: string): string {
  const host = req.headers.host;
  if (!host || !HOST_HEADER.test(host)) return fallback;
  const proto = req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
  return `${proto}://${host}`;
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const logger = options.logger ?? defaultLogger;
  const seed = {
    quota: options.quota ?? DEFAULT_QUOTA,
    jobChecksUntilDone: options.jobChecksUntilDone ?? DEFAULT_JOB_CHECKS_UNTIL_DONE,
    jobSettleMs: options.jobSettleMs === undefined ? DEFAULT_JOB_SETTLE_MS : options.jobSettleMs,
    modes: withDefaults(options.modes),
  };
  const sim: Sim = {
    config: {
      clientId: options.clientId ?? DEFAULT_CLIENT_ID,
      clientSecret: options.clientSecret ?? DEFAULT_CLIENT_SECRET,
      tokenTtlSeconds: options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
      seed,
    },
    state: seedState(seed),
    faults: new FaultBook(),
    stats: new Stats(),
    now: options.now ?? Date.now,
  };
  const stateFile = options.stateFile
    ? new StateFile(options.stateFile, () => sim.state, (e) => logger.error('simulator: cannot save state', e))
    : undefined;
  // A saved state wins over the options: it is the simulator's memory, options only seed it.
  sim.state = stateFile?.load() ?? sim.state;

  const host = options.host ?? DEFAULT_HOST;
  const allowedHosts = allowedHostNames({ boundHost: host, allowedHosts: options.allowedHosts });
  const closing = new AbortController();
  const onUnexpected = (error: unknown) => logger.error('simulator: unexpected error', error);
  let baseUrl = '';

  async function outcomeOf(req: IncomingMessage): Promise<Outcome> {
    try {
      assertHostAllowed(req.headers, allowedHosts);
    } catch (error) {
      // Before anything else: a page that calls us by its own name learns nothing, not even a route.
      return { endpoint: 'foreign-host', response: asErrorResponse(error, onUnexpected), drop: false };
    }
    const url = parseRequestTarget(req.url);
    if (!url) return { endpoint: 'unmatched', response: errorResponse(badRequest('Đường dẫn không hợp lệ')), drop: false };
    const origin = originOf(req, baseUrl);
    if (url.pathname === '/__sim' || url.pathname.startsWith('/__sim/')) {
      try {
        assertControlRequestAllowed(req.method ?? '', req.headers);
        const body = await readBody(req, MAX_BODY_BYTES);
        return { endpoint: 'control', response: serveControl(sim, req.method ?? '', url.pathname, body), drop: false };
      } catch (error) {
        return { endpoint: 'control', response: asErrorResponse(error, onUnexpected), drop: false };
      }
    }
    const outcome = await serveApi(sim, req, url, origin, closing.signal, onUnexpected);
    sim.stats.record(outcome.endpoint, outcome.response.status, outcome.drop);
    return outcome;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const outcome = await outcomeOf(req);
    stateFile?.schedule();
    // The endpoint name, never the raw target: a path may carry anything a client put in it.
    logger.info(`${req.method} ${outcome.endpoint} -> ${outcome.drop ? 'dropped' : outcome.response.status}`);
    if (outcome.drop) req.socket.destroy();
    else send(res, outcome.response);
  }

  const slowClientLimits = options.slowClientLimits ?? DEFAULT_SLOW_CLIENT_LIMITS;
  const server = createServer(slowClientServerOptions(slowClientLimits), (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Last line of defence: whatever happened, answer in the envelope and keep serving.
      send(res, asErrorResponse(error, onUnexpected));
    });
  });
  server.setTimeout(slowClientLimits.idleTimeoutMs);
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  server.on('clientError', (_error, socket) => {
    // Unparseable HTTP: Node would answer a bare 400; keep even that inside the envelope.
    const body = JSON.stringify({ success: false, error: { code: 'BAD_REQUEST', message: 'Yêu cầu HTTP không hợp lệ' } });
    if (socket.writable) {
      socket.end(
        `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    } else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${urlHost(host)}:${port}`;

  let closed: Promise<void> | undefined;
  return {
    baseUrl,
    port,
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => {
          stateFile?.flush();
          resolve();
        });
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
