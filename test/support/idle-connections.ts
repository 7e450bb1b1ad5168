/**
 * Raw TCP connections that a test holds open without sending a request (or after one), to prove a
 * server closes idle connections and refuses those beyond its cap: each such connection is a file
 * descriptor of the server's process for as long as the server lets it stay.
 */
import { connect, type Socket } from 'node:net';

export interface HeldConnection {
  socket: Socket;
  /** When the server closed or reset it (Date.now()). */
  closed: Promise<number>;
  /** What the server sent so far, as latin1 text. */
  received(): string;
}

/** Resolves once the kernel accepted the connection; whether the server keeps it is up to the server. */
export async function holdConnection(port: number, host = '127.0.0.1'): Promise<HeldConnection> {
  const socket = connect({ host, port });
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
  // A reset is a close too.
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { socket, closed, received: () => text };
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
