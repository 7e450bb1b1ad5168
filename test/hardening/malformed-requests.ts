/**
 * Malformed HTTP/1.1 requests for the fuzz test, drawn from a seeded generator so a failing batch
 * replays from its seed. Each request is labelled by its kind (the label, not the bytes, goes into
 * failure messages), and the odd parts carry a marker string that must never reach a log.
 */
import type { RawRequest } from '../support/raw-http.js';

/** What the generator needs to know about one server to aim at it. */
export interface FuzzTarget {
  /** Paths that mean something to the server, to send broken requests where the handlers are. */
  paths: readonly string[];
  /** Header sets that pass its authentication (and some that almost do), to get past the door. */
  credentials: readonly Record<string, string>[];
  /** Appears in every odd target and header value; a log line holding it logged a raw request. */
  marker: string;
}

export interface LabelledRequest {
  kind: string;
  request: RawRequest;
}

/** The server's own timeouts must end these (slow senders, bodies that never arrive). */
export const SLOW_KINDS = new Set(['slow-headers', 'slow-body', 'truncated-body-kept-open']);

const DEADLINE_MS = 5_000;
const HUGE_BODY_BYTES = 3 * 1024 * 1024;

export class MalformedRequests {
  constructor(
    private readonly random: () => number,
    private readonly target: FuzzTarget,
  ) {}

  /** `count` random requests plus a fixed share of the costly kinds, each at least a few times. */
  batch(count: number): LabelledRequest[] {
    const fixed = [
      ...Array.from({ length: 3 }, () => this.hugeBody()),
      ...Array.from({ length: 4 }, () => this.slowHeaders()),
      ...Array.from({ length: 2 }, () => this.slowBody()),
      ...Array.from({ length: 4 }, () => this.truncatedBodyKeptOpen()),
    ];
    const kinds = [
      () => this.oddTarget(),
      () => this.oddTarget(),
      () => this.badMethod(),
      () => this.badVersion(),
      () => this.badHeaders(),
      () => this.badHeaders(),
      () => this.lyingLength(),
      () => this.chunkedGarbage(),
      () => this.garbageBody(),
      () => this.garbageBody(),
      () => this.randomBytes(),
      () => this.pipelined(),
    ];
    return [...fixed, ...Array.from({ length: count }, () => this.pick(kinds)())];
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private int(max: number): number {
    return Math.floor(this.random() * max);
  }

  private path(): string {
    return this.pick(this.target.paths);
  }

  private credentials(): Record<string, string> {
    return this.chance(0.7) ? this.pick(this.target.credentials) : {};
  }

  private head(method: string, target: string, headers: Record<string, string> = {}, version = 'HTTP/1.1'): string {
    const all = { Host: '127.0.0.1', ...this.credentials(), ...headers };
    return `${method} ${target} ${version}\r\n${Object.entries(all).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
  }

  private request(kind: string, parts: (string | Buffer)[], extra: Partial<RawRequest> = {}): LabelledRequest {
    return { kind, request: { parts, deadlineMs: DEADLINE_MS, endAfterSending: this.chance(0.5), ...extra } };
  }

  private oddTarget(): LabelledRequest {
    const m = this.target.marker;
    const path = this.path();
    const targets = [
      `//x:99999/${m}${path}`,
      `//x:99999${path}`,
      `/\\x:99999/${m}${path}`,
      `${path}/%${m}`,
      `${path}/%zz%${m}`,
      `/%E0%A4%A${m}`,
      `http://a/${m}`,
      `http://x:99999${path}?${m}`,
      `https://[::1${m}${path}`,
      '*',
      `*${m}`,
      `${path}/${m}${'a'.repeat(1 + this.int(20_000))}`,
      `/${m}${'%2e%2e/'.repeat(1 + this.int(500))}`,
      `${path}/${m}\u0001\u007f`,
      `${path}/${m}/đệ😀`,
      `${path}?${m}=${'%'.repeat(this.int(50))}`,
      `${path}#${m}`,
      `${m}${path}`,
      `${path}/..;${m}/../..`,
      `${path}\t${m}`,
      '',
    ];
    const method = this.pick(['GET', 'POST', 'HEAD', 'OPTIONS', 'PUT']);
    const target = this.pick(targets);
    // Raw bytes as typed: control characters and unicode go out unescaped.
    return this.request(`odd-target`, [Buffer.from(this.head(method, target, { 'X-Fuzz': m }), 'utf8')], { head: method === 'HEAD' });
  }

  private badMethod(): LabelledRequest {
    const method = this.pick(['get', 'GE T', 'PRI', 'CONNECT', 'TRACE', 'QUERY', 'G\u0000T', 'ĐẶT', 'X'.repeat(1 + this.int(5000)), '', 'PROPFIND', 'M-SEARCH']);
    return this.request('bad-method', [Buffer.from(this.head(method, this.path()), 'utf8')]);
  }

  private badVersion(): LabelledRequest {
    const version = this.pick(['HTTP/0.9', 'HTTP/2.0', 'HTTP/1.1x', 'HTTP/9.9', 'http/1.1', '', 'HTTP/1.1 extra', 'HTTP/1.']);
    return this.request('bad-version', [this.head('GET', this.path(), {}, version)]);
  }

  private badHeaders(): LabelledRequest {
    const m = this.target.marker;
    const variants: (() => string)[] = [
      () => this.head('GET', this.path(), { Host: `a${m}` }) + '',
      () => `GET ${this.path()} HTTP/1.1\r\nHost: a\r\nHost: b${m}\r\n\r\n`,
      () => `GET ${this.path()} HTTP/1.1\r\n\r\n`,
      () => this.head('GET', this.path(), { 'X-Huge': m + 'h'.repeat(1 + this.int(40_000)) }),
      () => `GET ${this.path()} HTTP/1.1\r\nHost: a\r\n${Array.from({ length: 1 + this.int(3000) }, (_, i) => `X-${i}: ${m}\r\n`).join('')}\r\n`,
      () => `GET ${this.path()} HTTP/1.1\r\nHost: a\r\nBad Name: ${m}\r\n\r\n`,
      () => `GET ${this.path()} HTTP/1.1\r\nHost: a\r\nNoColon${m}\r\n\r\n`,
      () => `GET ${this.path()} HTTP/1.1\r\nHost: a\r\nX-Folded: a\r\n  ${m}\r\n\r\n`,
      () => `GET ${this.path()} HTTP/1.1\r\nHost: a\r\nX-Nul: ${m}\u0000\r\n\r\n`,
      () => `GET ${this.path()} HTTP/1.1\nHost: a\nX-Bare-LF: ${m}\n\n`,
      () => this.head('GET', this.path(), { Authorization: `Bearer ${m}` }),
      () => this.head('GET', this.path(), { Authorization: `Basic ${Buffer.from(`${m}:${m}`).toString('base64')}` }),
      () => this.head('GET', this.path(), { Authorization: 'Bearer' + ' '.repeat(this.int(100)) }),
      () => this.head('POST', this.path(), { 'Content-Length': '2', 'Transfer-Encoding': 'chunked' }) + '{}',
      () => this.head('GET', this.path(), { Expect: '100-continue' }),
      () => this.head('GET', this.path(), { Connection: 'Upgrade', Upgrade: `websocket${m}` }),
      () => this.head('GET', this.path(), { Origin: `http://${m}.example`, 'Access-Control-Request-Private-Network': 'true' }),
      () => this.head('OPTIONS', this.path(), { Origin: 'null', 'Access-Control-Request-Method': m }),
      () => this.head('GET', this.path(), { 'Content-Type': `application/json; charset=${m}`, 'X-Forwarded-Proto': m }),
      () => this.head('GET', this.path(), { 'X-Namespace': m }),
    ];
    return this.request('bad-headers', [Buffer.from(this.pick(variants)(), 'utf8')]);
  }

  private lyingLength(): LabelledRequest {
    const body = JSON.stringify({ payloads: [], marker: this.target.marker });
    const length = this.pick([String(body.length + 1 + this.int(1000)), String(Math.max(0, body.length - 5)), '-1', '1e3', '0x10', ' 5 5', 'abc', '99999999999999999999', '']);
    const duplicate = this.chance(0.3) ? `Content-Length: ${this.int(100)}\r\n` : '';
    const head = this.head('POST', this.path(), { 'Content-Type': 'application/json', 'Content-Length': length });
    // Ends its side after the body: a server that still waits for the promised bytes sees EOF.
    return this.request('lying-length', [head.replace('\r\n\r\n', `\r\n${duplicate}\r\n`) + body], { endAfterSending: true });
  }

  private chunkedGarbage(): LabelledRequest {
    const chunks = this.pick([
      'zz\r\nabc\r\n0\r\n\r\n',
      '-1\r\nabc\r\n0\r\n\r\n',
      'ffffffffffffffffff\r\nabc\r\n',
      '3\r\nabcdef\r\n0\r\n\r\n',
      '3;' + 'e'.repeat(10_000) + '\r\nabc\r\n0\r\n\r\n',
      '5\r\nabc',
      '0\r\nTrailer: ' + this.target.marker + '\r\n\r\n',
      '2\r\n{}\r\n0\r\n\r\n',
      '3\nabc\n0\n\n',
    ]);
    return this.request('chunked-garbage', [this.head('POST', this.path(), { 'Transfer-Encoding': this.pick(['chunked', 'chunked, chunked', 'gzip, chunked', 'identity']) }) + chunks], {
      endAfterSending: true,
    });
  }

  /** Plausible bodies (JSON that is not what the handler wants), with credentials, so the handlers run. */
  private garbageBody(): LabelledRequest {
    const m = this.target.marker;
    const bodies = [
      '',
      '{',
      'null',
      '[]',
      `"${m}"`,
      `{"payloads":${this.pick(['null', '{}', '"x"', '[null]', '[1,2]', `[{"data":"${m}!!"}]`, `[{"metadata":{"encoding":"${m}"},"data":"AAAA"}]`])}}`,
      `{"payloads":[${Array(this.int(3000)).fill('{}').join(',')}]}`,
      `{"__proto__":{"polluted":"${m}"},"constructor":{"prototype":{}}}`,
      JSON.stringify({ reference_code: m, items: [{ quantity: 'x' }], buyer: null }),
      '\uFEFF{}',
      Buffer.from([0xff, 0xfe, 0x00, 0x7b]).toString('latin1'),
      '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}',
    ];
    const body = Buffer.from(this.pick(bodies), 'utf8');
    const headers = { 'Content-Type': this.pick(['application/json', 'text/plain', `application/json; x=${m}`, 'multipart/form-data; boundary=x']), 'Content-Length': String(body.length) };
    return this.request('garbage-body', [Buffer.concat([Buffer.from(this.head('POST', this.path(), headers)), body])]);
  }

  private randomBytes(): LabelledRequest {
    const bytes = Buffer.from(Array.from({ length: 1 + this.int(2048) }, () => this.int(256)));
    return this.request('random-bytes', [bytes], { endAfterSending: true });
  }

  private pipelined(): LabelledRequest {
    const first = this.head('GET', this.path());
    const second = this.pick([`GET //x:99999/${this.target.marker} HTTP/1.1\r\nHost: a\r\n\r\n`, 'GARBAGE\r\n\r\n', this.head('POST', this.path(), { 'Content-Length': '10' }) + '{']);
    return this.request('pipelined', [first + second], { endAfterSending: true });
  }

  private hugeBody(): LabelledRequest {
    const body = Buffer.alloc(HUGE_BODY_BYTES, this.pick(['{', 'a', '[']));
    const head = this.head('POST', this.path(), { 'Content-Type': 'application/json', 'Content-Length': String(body.length) });
    return this.request('huge-body', [head, body]);
  }

  private slowHeaders(): LabelledRequest {
    const head = this.head('GET', this.path(), { 'X-Padding': 'p'.repeat(400) });
    // One byte at a time, never finishing the header block: only the server's timeout ends it.
    return this.request('slow-headers', [...head.slice(0, -4)], { trickleMs: 25, endAfterSending: false });
  }

  private slowBody(): LabelledRequest {
    const head = this.head('POST', this.path(), { 'Content-Type': 'application/json', 'Content-Length': '100000' });
    return this.request('slow-body', [head, ...Array.from({ length: 400 }, () => '{')], { trickleMs: 25, endAfterSending: false });
  }

  private truncatedBodyKeptOpen(): LabelledRequest {
    const head = this.head('POST', this.path(), { 'Content-Type': 'application/json', 'Content-Length': String(1000 + this.int(100_000)) });
    return this.request('truncated-body-kept-open', [head + '{"payloads":['], { endAfterSending: false });
  }
}
