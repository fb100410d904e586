import type { AddressInfo } from "node:net";
import * as tls from "node:tls";
import type { TlsCredentials } from "@nerves-hub-ts/ports";

export interface HandshakeOutcome {
  /** The server demanded, verified and accepted the client certificate chain. */
  serverAccepted: boolean;
  peerCommonName?: string;
  /** The client verified the server and received its first bytes; otherwise the client's error code. */
  client: { ok: true } | { ok: false; code: string };
}

/**
 * One real mutual-TLS handshake on loopback against a server that requires a client certificate
 * signed by `server.ca` (`requestCert` + `rejectUnauthorized`), using credentials as the agent would.
 */
export async function handshake(
  server: { cert: string; key: string; ca: string[] },
  credentials: TlsCredentials,
  clientExtra: tls.ConnectionOptions = {},
): Promise<HandshakeOutcome> {
  let accepted: { peerCommonName: string | undefined } | undefined;
  const tlsServer = tls.createServer({ ...server, requestCert: true, rejectUnauthorized: true }, (socket) => {
    const cn: string | string[] | undefined = socket.getPeerCertificate().subject?.CN;
    accepted = { peerCommonName: Array.isArray(cn) ? cn[0] : cn };
    socket.end("ok");
  });
  const serverDone = new Promise<void>((resolve) => {
    tlsServer.on("secureConnection", (socket) => socket.on("close", () => resolve()));
    tlsServer.on("tlsClientError", () => resolve());
  });
  await new Promise<void>((resolve) => tlsServer.listen(0, "127.0.0.1", resolve));
  const { port } = tlsServer.address() as AddressInfo;
  try {
    const client = await new Promise<HandshakeOutcome["client"]>((resolve) => {
      const socket = tls.connect({ host: "127.0.0.1", port, ...credentials, ...clientExtra });
      socket.on("data", () => resolve({ ok: true }));
      socket.on("error", (error: NodeJS.ErrnoException) =>
        resolve({ ok: false, code: error.code ?? error.message }),
      );
      socket.on("close", () => resolve({ ok: false, code: "closed without data" }));
    });
    await serverDone;
    return accepted ? { serverAccepted: true, ...accepted, client } : { serverAccepted: false, client };
  } finally {
    tlsServer.close();
  }
}
