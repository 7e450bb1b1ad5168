/**
 * SePay jobs that take wall-clock time: a small proxy in front of the simulator whose create and
 * issue jobs answer `Pending` until `pendingMs` after SePay accepted them, however often they are
 * checked, as real SePay's do. The simulator itself settles a job by its check count (or after idle
 * time), so the proxy answers the early checks itself and forwards the first check after the job's
 * time is up, which the simulator (at zero checks until done) answers `Success`.
 *
 * It also keeps what the goal figures need and the simulator does not record: when each request of
 * an invoice reached SePay, when each job was accepted and done, how often it was checked, and when
 * its `Success` was first answered.
 */
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export type JobKind = 'create' | 'issue';

export interface TimedJob {
  trackingCode: string;
  kind: JobKind;
  referenceCode: string;
  acceptedAtMs: number;
  /** When SePay finishes the job: a check from then on is answered by the simulator (`Success`). */
  doneAtMs: number;
  /** Epoch ms of every check, answered here (`Pending`) or by the simulator. */
  checkTimesMs: number[];
  /** The first check answered `Success`. */
  successAnsweredAtMs?: number;
}

export interface InvoiceRequest {
  endpoint: 'create' | 'issue' | 'detail' | 'delete';
  atMs: number;
}

/** How long a job SePay accepts now stays `Pending`. */
export type PendingFor = (kind: JobKind, referenceCode: string) => number;

export interface TimedSepay {
  baseUrl: string;
  setPending(pendingFor: PendingFor): void;
  jobs(): TimedJob[];
  /** Requests of one invoice (by reference code) that are not job checks, in arrival order. */
  requestsOf(referenceCode: string): InvoiceRequest[];
  /** First create request per reference code. */
  firstCreates(): Map<string, number>;
  /** Every job still pending finishes now. */
  finishAll(): void;
  /** Forgets jobs and requests (the simulator's own reset is separate). */
  clear(): void;
  close(): Promise<void>;
}

const CHECK = /^\/v1\/invoices\/(create|issue)\/check\/([^/?]+)/;
const DETAIL = /^\/v1\/invoices\/([^/?]+)$/;
const DELETE = /^\/v1\/invoices\/delete\/([^/?]+)/;
/** The simulator's own words for a job in progress (simulator/jobs.ts). */
const PENDING_MESSAGE = 'Yêu cầu đang được xử lý, vui lòng kiểm tra lại sau';

export async function startTimedSepay(targetBaseUrl: string): Promise<TimedSepay> {
  const target = new URL(targetBaseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  let pendingFor: PendingFor = () => 0;
  const jobs = new Map<string, TimedJob>();
  const requests = new Map<string, InvoiceRequest[]>();
  const record = (referenceCode: string | undefined, endpoint: InvoiceRequest['endpoint'], atMs: number) => {
    if (!referenceCode) return;
    let list = requests.get(referenceCode);
    if (!list) requests.set(referenceCode, (list = []));
    list.push({ endpoint, atMs });
  };

  const forward = (method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      // The client's Host goes along, so the simulator's tracking_url points back at this proxy.
      const upstream = request({ host: target.hostname, port: target.port, method, path, headers, agent }, (response) => {
        readAll(response).then((data) => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: data }), reject);
      });
      upstream.on('error', reject);
      upstream.end(body);
    });

  const server = createServer((req, res) => {
    void (async () => {
      const atMs = Date.now();
      const path = req.url ?? '/';
      const method = req.method ?? 'GET';
      const body = await readAll(req);
      const check = method === 'GET' ? CHECK.exec(path) : null;
      const job = check ? jobs.get(decodeURIComponent(check[2]!)) : undefined;
      if (job) job.checkTimesMs.push(atMs);
      if (job && atMs < job.doneAtMs) {
        const answer = Buffer.from(JSON.stringify({ success: true, data: { reference_code: job.referenceCode, status: 'Pending', message: PENDING_MESSAGE } }));
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': answer.length });
        res.end(answer);
        return;
      }
      const answer = await forward(method, path, req.headers, body);
      const ok = answer.status >= 200 && answer.status < 300;
      if (method === 'POST' && (path.startsWith('/v1/invoices/create') || path.startsWith('/v1/invoices/issue'))) {
        const kind: JobKind = path.startsWith('/v1/invoices/create') ? 'create' : 'issue';
        const referenceCode = jsonField(body, (j) => j.reference_code);
        record(referenceCode, kind, atMs);
        const trackingCode = ok ? jsonField(answer.body, (j) => j.data?.tracking_code ?? j.tracking_code) : undefined;
        if (trackingCode && referenceCode && !jobs.has(trackingCode)) {
          const acceptedAtMs = Date.now();
          jobs.set(trackingCode, { trackingCode, kind, referenceCode, acceptedAtMs, doneAtMs: acceptedAtMs + pendingFor(kind, referenceCode), checkTimesMs: [] });
        }
      } else if (job) {
        if (job.successAnsweredAtMs === undefined && jsonField(answer.body, (j) => j.data?.status ?? j.status) === 'Success') job.successAnsweredAtMs = Date.now();
      } else if (method === 'POST' && DELETE.test(path)) {
        record(decodeURIComponent(DELETE.exec(path)![1]!), 'delete', atMs);
      } else if (method === 'GET' && DETAIL.test(path)) {
        record(decodeURIComponent(DETAIL.exec(path)![1]!), 'detail', atMs);
      }
      const { 'transfer-encoding': _chunked, connection: _connection, ...headers } = answer.headers;
      res.writeHead(answer.status, { ...headers, 'content-length': answer.body.length });
      res.end(answer.body);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    setPending(next) {
      pendingFor = next;
    },
    jobs: () => [...jobs.values()],
    requestsOf: (referenceCode) => requests.get(referenceCode) ?? [],
    firstCreates() {
      const first = new Map<string, number>();
      for (const [referenceCode, list] of requests) {
        const create = list.find((r) => r.endpoint === 'create');
        if (create) first.set(referenceCode, create.atMs);
      }
      return first;
    },
    finishAll() {
      const now = Date.now();
      for (const job of jobs.values()) job.doneAtMs = Math.min(job.doneAtMs, now);
    },
    clear() {
      jobs.clear();
      requests.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a loose look into SePay's JSON
function jsonField(body: Buffer, pick: (json: any) => unknown): string | undefined {
  try {
    const value = pick(JSON.parse(body.toString('utf8')));
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
