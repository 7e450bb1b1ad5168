/**
 * Sends bytes that no HTTP client library would send (broken request lines, lying lengths,
 * trickled headers) over a raw TCP socket, and reports how the server reacted: the status line it
 * answered with, or that it closed the connection, or that it did neither before the deadline.
 * For tests that prove a server survives whatever a hostile client writes.
 */
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

export interface RawRequest {
  /** Written in order; with `trickleMs`, one part at a time with that pause before each. */
  parts: readonly (string | Buffer)[];
  trickleMs?: number;
  /** Half-close after the last part (a client that says it is done) instead of keeping it open. */
  endAfterSending?: boolean;
  /** A HEAD answer announces a length it does not send. */
  head?: boolean;
  /** Give up (and report `deadline`) after this long. */
  deadlineMs: number;
}

export interface RawOutcome {
  /** The first status line, if the server sent one that is valid HTTP/1.x. */
  status?: number;
  /** What the server sent first, when it is not a valid status line (for the failure message). */
  invalidStart?: string;
  /**
   * `answered`: a whole answer arrived (we closed then); `closed`: the server closed or reset the
   * connection; `deadline`: neither happened in time.
   */
  end: 'answered' | 'closed' | 'deadline';
  /** How long until the end, in ms. */
  elapsedMs: number;
}

const STATUS_LINE = /^HTTP\/1\.[01] ([1-5]\d\d)(?: [^\r\n]*)?\r\n/;

/** True once `received` holds a complete (non-interim) answer. */
function isCompleteAnswer(received: Buffer, head: boolean): boolean {
  let text = received.toString('latin1');
  // Skip interim answers such as `100 Continue`.
  while (/^HTTP\/1\.[01] 1\d\d/.test(text)) {
    const end = text.indexOf('\r\n\r\n');
    if (end === -1) return false;
    text = text.slice(end + 4);
  }
  const headerEnd = text.indexOf('\r\n\r\n');
  if (headerEnd === -1) return false;
  const status = Number(STATUS_LINE.exec(text)?.[1]);
  const headers = text.slice(0, headerEnd).toLowerCase();
  if (head || status === 204 || status === 304) return true;
  const body = text.length - headerEnd - 4;
  const length = /\r\ncontent-length: *(\d+)/.exec(headers)?.[1];
  if (length !== undefined) return body >= Number(length);
  if (/\r\ntransfer-encoding: *chunked/.test(headers)) return text.endsWith('0\r\n\r\n');
  return false;
}

export async function sendRaw(address: { host: string; port: number }, request: RawRequest): Promise<RawOutcome> {
  const started = performance.now();
  const socket = connect(address.port, address.host);
  socket.setNoDelay(true);
  let received = Buffer.alloc(0);
  let finished = false;

  const ended = new Promise<RawOutcome['end']>((resolve) => {
    const timer = setTimeout(() => resolve('deadline'), request.deadlineMs);
    const finish = (end: RawOutcome['end']) => {
      clearTimeout(timer);
      resolve(end);
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (isCompleteAnswer(received, request.head === true)) finish('answered');
    });
    // A reset (ECONNRESET, EPIPE on our writes) is the server closing too.
    socket.on('error', () => finish('closed'));
    socket.on('close', () => finish('closed'));
  });

  const write = async () => {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    for (const part of request.parts) {
      if (request.trickleMs) await delay(request.trickleMs);
      if (finished || socket.destroyed) return;
      await new Promise<void>((resolve) => socket.write(part, () => resolve()));
    }
    if (request.endAfterSending && !socket.destroyed) socket.end();
  };
  void write().catch(() => {
    // A refused connection or a failed write shows up as 'closed' above.
  });

  const end = await ended;
  finished = true;
  socket.destroy();
  const text = received.toString('latin1');
  const status = STATUS_LINE.exec(text)?.[1];
  return {
    ...(status !== undefined ? { status: Number(status) } : received.length > 0 && { invalidStart: JSON.stringify(text.slice(0, 60)) }),
    end,
    elapsedMs: performance.now() - started,
  };
}

