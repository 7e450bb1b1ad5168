/** What every handler gets: the simulator's live state and the request it answers. */
import { type IncomingHttpHeaders } from 'node:http';
import { type FaultBook } from './faults.js';
import { type ApiResponse } from './http.js';
import { type EndpointName } from './routes.js';
import { type SimSettings, type SimState } from './state.js';
import { type Stats } from './stats.js';

export interface SimConfig {
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds: number;
  /** What `POST /__sim/reset` returns to. */
  seed: SimSettings;
}

export interface Sim {
  readonly config: SimConfig;
  /** Replaced wholesale by a reset: always read it through `sim.state`. */
  state: SimState;
  readonly faults: FaultBook;
  readonly stats: Stats;
  now(): number;
}

export interface ApiRequest {
  sim: Sim;
  endpoint: EndpointName;
  url: URL;
  params: Readonly<Record<string, string>>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body on `json` routes, undefined elsewhere. */
  json: unknown;
  /** `http://host:port` as the client addressed us; absolute URLs in answers start with it. */
  origin: string;
}

export type Handler = (request: ApiRequest) => ApiResponse;
