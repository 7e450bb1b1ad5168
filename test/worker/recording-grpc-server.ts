/**
 * A TLS gRPC endpoint on 127.0.0.1 that answers every call UNAUTHENTICATED and records what the
 * caller presented: its client certificate, its Authorization header, the method. Enough to see
 * what a Temporal connection sends, with no Temporal server and no network.
 */
import { constants, createSecureServer, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import { type AddressInfo } from 'node:net';
import { type TLSSocket } from 'node:tls';

export interface RecordedCall {
  path: string;
  authorization?: string;
  clientCertificateSubject?: string;
}

export interface RecordingGrpcServer {
  address: string;
  calls: RecordedCall[];
  close(): Promise<void>;
}

export async function startRecordingGrpcServer(tls: { key: Buffer; cert: Buffer; ca: Buffer }): Promise<RecordingGrpcServer> {
  const calls: RecordedCall[] = [];
  // Client certificates are requested but not required, so calls without one are recorded too.
  const server = createSecureServer({ ...tls, requestCert: true, rejectUnauthorized: false });
  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream: ServerHttp2Stream, headers) => {
    const socket = stream.session?.socket as TLSSocket | undefined;
    const certificate = socket?.authorized ? socket.getPeerCertificate() : undefined;
    calls.push({
      path: String(headers[constants.HTTP2_HEADER_PATH]),
      authorization: headers.authorization as string | undefined,
      clientCertificateSubject: certificate?.subject?.CN?.toString(),
    });
    stream.on('error', () => {});
    stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16', 'grpc-message': 'recorded by the test server' }, { endStream: true });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Sessions the clients keep open would hold close() forever.
        for (const session of sessions) session.destroy();
      }),
  };
}
