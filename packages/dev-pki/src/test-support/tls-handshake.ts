import type { AddressInfo } from "node:net";
import * as tls from "node:tls";

export interface ServerSide {
  cert: string;
  key: string;
  /** CAs the server trusts for client certificates. */
  ca: string[];
  /** Default true. False lets a handshake with a bad client certificate finish, to read the reason. */
  rejectUnauthorized?: boolean;
}

export type ServerVerdict =
  | { accepted: true; authorized: boolean; authorizationError?: string; peerCommonName: string | undefined }
  | { accepted: false; error: string };

export type ClientVerdict = { ok: true } | { ok: false; code: string };

/**
 * One real mutual-TLS handshake on loopback. The server demands and verifies a client certificate
 * (`requestCert`, `rejectUnauthorized`); the client verifies the server unless told otherwise.
 */
export async function mutualTlsHandshake(
  server: ServerSide,
  client: tls.ConnectionOptions,
): Promise<{ server: ServerVerdict; client: ClientVerdict }> {
  let serverVerdict!: (verdict: ServerVerdict) => void;
  const serverSide = new Promise<ServerVerdict>((resolve) => {
    serverVerdict = resolve;
  });
  const { rejectUnauthorized = true, ...material } = server;
  const tlsServer = tls.createServer({ ...material, requestCert: true, rejectUnauthorized }, (socket) => {
    const cn: string | string[] | undefined = socket.getPeerCertificate().subject?.CN;
    const peerCommonName = Array.isArray(cn) ? cn[0] : cn;
    const authorizationError = socket.authorizationError ? String(socket.authorizationError) : undefined;
    serverVerdict({
      accepted: true,
      authorized: socket.authorized,
      ...(authorizationError ? { authorizationError } : {}),
      peerCommonName,
    });
    socket.end("ok");
  });
  tlsServer.on("tlsClientError", (error) => serverVerdict({ accepted: false, error: error.message }));
  await new Promise<void>((resolve) => tlsServer.listen(0, "127.0.0.1", resolve));
  const { port } = tlsServer.address() as AddressInfo;

  const clientSide = new Promise<ClientVerdict>((resolve) => {
    const socket = tls.connect({ host: "127.0.0.1", port, ...client });
    socket.on("data", () => resolve({ ok: true }));
    socket.on("error", (error: NodeJS.ErrnoException) =>
      resolve({ ok: false, code: error.code ?? error.message }),
    );
    socket.on("close", () => resolve({ ok: false, code: "closed without data" }));
  });
  try {
    // Both sides always settle: the server sees either a secure connection or a client error.
    const [serverResult, clientResult] = await Promise.all([serverSide, clientSide]);
    return { server: serverResult, client: clientResult };
  } finally {
    tlsServer.close();
  }
}
